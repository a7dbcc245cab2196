import LLM
import Synchronization
import Testing

/// The engine behind the agent and `divvy serve`: its batching keeps each request's tokens, it
/// admits by the full-batch rule, and cancellation, streaming and shutdown behave.
@Suite(.serialized)
struct GenerationEngineTests {
    static let prompts = ["Name three colors.", "Write a line of Python.", "What is 6 times 7?", "Say hello."]

    func chat(_ model: LanguageModel, _ text: String) -> [Int32] {
        model.tokenizer.encode(model.chatTemplate.render([.user(text)]))
    }

    func engine(_ model: LanguageModel, models: Int = 1, maxSequences: Int = 4, capacity: Int = 1024,
                maxQueue: Int? = nil) -> GenerationEngine {
        GenerationEngine(models: Array(repeating: EngineModel(model), count: models),
                         configuration: EngineConfiguration(capacity: capacity, maxSequences: maxSequences, maxQueue: maxQueue))
    }

    @Test("Requests decoded together get the tokens each gets alone, greedy and seeded")
    func batchedRequestsKeepTheirSoloTokens() async throws {
        let model = try TestModels.model(.smollm2)
        let sampled = SamplingParameters(temperature: 0.8, topK: 40, topP: 0.95, seed: 11, maxTokens: 16)
        let requests = Self.prompts.enumerated().map { index, text in
            GenerationRequest(prompt: chat(model, text), parameters: index.isMultiple(of: 2) ? .greedy(maxTokens: 16) : sampled)
        }
        let solo = try requests.map { request in
            try BatchGenerator(context: InferenceContext(model: model, capacity: 256), tokenizer: model.tokenizer)
                .generate(request).tokens
        }
        let engine = engine(model)
        let together = try await withThrowingTaskGroup(of: (Int, [Int32]).self) { group in
            for (index, request) in requests.enumerated() {
                group.addTask { (index, try await engine.generate(request).tokens) }
            }
            return try await group.reduce(into: [Int: [Int32]]()) { $0[$1.0] = $1.1 }
        }
        for index in requests.indices { #expect(together[index] == solo[index], "request \(index)") }
        #expect(engine.load.peakRunning == requests.count)
    }

    @Test("A streamed request's tokens and text are those of the same request whole")
    func streamedEqualsWhole() async throws {
        let model = try TestModels.model(.smollm2)
        let request = GenerationRequest(prompt: chat(model, Self.prompts[0]), parameters: .greedy(maxTokens: 24))
        let engine = engine(model)
        let whole = try await engine.generate(request)
        let pieces = Mutex<(tokens: [Int32], text: String)>(([], ""))
        let streamed = try await engine.generate(request) { token, text in
            pieces.withLock { $0.tokens.append(token); $0.text += text }
        }
        #expect(streamed.tokens == whole.tokens)
        let seen = pieces.withLock { $0 }
        #expect(seen.tokens == whole.tokens)
        #expect(seen.text == whole.text)
        #expect(!whole.text.isEmpty)
    }

    /// A prompt whose reply runs far longer than the tests wait before they cancel it.
    func longRequest(_ model: LanguageModel) -> GenerationRequest {
        GenerationRequest(prompt: chat(model, "Count from 1 to 300, one number per line."), parameters: .greedy(maxTokens: 400))
    }

    @Test("A request cancelled from its own token event ends after that step, its cells free when it hears so")
    func cancellingFreesCells() async throws {
        let model = try TestModels.model(.smollm2)
        let engine = engine(model)
        let job = Mutex<GenerationJob?>(nil)
        let seen = Mutex<(tokens: Int, cellsAtEnd: Int?, ending: EngineEvent?)>((0, nil, nil))
        let ended = AsyncStream.makeStream(of: Void.self)
        let submitted = try engine.submit(longRequest(model)) { event in
            switch event {
            case .token:
                // The engine thread calls this: the cancellation is taken before its next step.
                if seen.withLock({ $0.tokens += 1; return $0.tokens }) >= 2, let job = job.withLock({ $0 }) { engine.cancel(job) }
            case .finished, .failed:
                seen.withLock { $0.ending = event; $0.cellsAtEnd = engine.load.cellsInUse }
                ended.continuation.yield()
            }
        }
        job.withLock { $0 = submitted }
        for await _ in ended.stream { break }
        let result = seen.withLock { $0 }
        guard case .failed(.cancelled)? = result.ending else {
            Issue.record("expected .failed(.cancelled), got \(String(describing: result.ending))")
            return
        }
        #expect(result.cellsAtEnd == 0)
        #expect(result.tokens < 20, "cancelled within a step of the second token (drafts aside)")
        #expect(engine.load.running == 0)
    }

    @Test("Cancelling the awaiting task cancels its request")
    func taskCancellation() async throws {
        let model = try TestModels.model(.smollm2)
        let engine = engine(model)
        let request = longRequest(model)
        let handle = Mutex<Task<GenerationResult, any Error>?>(nil)
        let task = Task {
            try await engine.generate(request) { _, _ in handle.withLock { $0?.cancel() } }   // cancelled while it decodes
        }
        handle.withLock { $0 = task }
        await #expect(throws: EngineError.cancelled) { try await task.value }
        #expect(engine.load.cellsInUse == 0)
    }

    @Test("While one model has a full batch, a model with fewer requests waits instead of stepping")
    func partialBatchWaitsForAFullOne() async throws {
        let model = try TestModels.model(.smollm2)
        let engine = engine(model, models: 2, maxSequences: 2, capacity: 256)
        let prompt = model.tokenizer.encode("The capital of France is")
        let order = try await withThrowingTaskGroup(of: String.self) { group in
            for name in ["full 1", "full 2"] {
                group.addTask {
                    _ = try await engine.generate(model: 0, GenerationRequest(prompt: prompt, parameters: .greedy(maxTokens: 12)))
                    return name
                }
            }
            group.addTask {
                _ = try await engine.generate(model: 1, GenerationRequest(prompt: prompt, parameters: .greedy(maxTokens: 1)))
                return "partial"
            }
            return try await group.reduce(into: [String]()) { $0.append($1) }
        }
        // One step would finish the lone request; it waits until the full batch is done.
        #expect(order.last == "partial")
    }

    @Test("Admission refuses what cannot fit, and what overflows the queue")
    func refusals() async throws {
        let model = try TestModels.model(.smollm2)
        let engine = engine(model, maxSequences: 1, capacity: 512, maxQueue: 0)
        let long = longRequest(model)
        let tooLong = GenerationRequest(prompt: long.prompt, parameters: .greedy(maxTokens: 500))
        #expect(throws: EngineError.promptTooLong(tokens: long.prompt.count + 500, limit: 512)) {
            try engine.submit(tooLong) { _ in }
        }
        let second = Mutex<Result<GenerationJob, EngineError>?>(nil)
        let ended = AsyncStream.makeStream(of: Void.self)
        _ = try engine.submit(long) { event in
            switch event {
            case .token:   // the one slot is taken, and no request may wait
                if second.withLock({ $0 == nil }) {
                    let result = Result { () throws(EngineError) in try engine.submit(long) { _ in } }
                    second.withLock { $0 = result }
                }
            case .finished, .failed:
                ended.continuation.yield()
            }
        }
        for await _ in ended.stream { break }
        guard case .failure(.queueFull)? = second.withLock({ $0 }) else {
            Issue.record("expected queueFull while the slot was taken, got \(String(describing: second.withLock { $0 }))")
            return
        }
    }

    @Test("Shutting down fails running and waiting requests, and refuses new ones")
    func shutdown() async throws {
        let model = try TestModels.model(.smollm2)
        let engine = engine(model, maxSequences: 1)
        let request = longRequest(model)
        let tasks = (0..<2).map { _ in
            Task { try await engine.generate(request) { _, _ in engine.shutdown() } }   // one runs, one waits
        }
        for task in tasks { await #expect(throws: EngineError.shuttingDown) { try await task.value } }
        #expect(throws: EngineError.shuttingDown) { try engine.submit(request) { _ in } }
    }
}
