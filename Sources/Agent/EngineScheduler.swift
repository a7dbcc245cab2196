import LLM

/// Owns the local models' batch generators and runs all their requests: each loop iteration
/// admits waiting requests while sequence slots and KV cells allow, then runs one batched
/// forward pass per model that has work (models alternate, never run at the same time).
///
/// A step reads all of a model's weights however few sequences it holds, so while some model
/// has a full batch (`maxSequences` requests, running or waiting), a model with fewer waits for
/// more requests instead of stepping. A planner feeding a busy solver thus plans in full batches.
public actor EngineScheduler {
    private struct Waiting {
        let prompt: [Int32]
        let parameters: SamplingParameters
        let continuation: CheckedContinuation<Completion, any Error>
    }

    private struct Running {
        let cells: Int
        let started: ContinuousClock.Instant
        let continuation: CheckedContinuation<Completion, any Error>
    }

    private final class Engine {
        let generator: BatchGenerator
        let capacity: Int
        /// The model's trained context length: no one sequence may grow beyond it.
        let sequenceLimit: Int
        var waiting: [Waiting] = []
        var running: [Int: Running] = [:]
        var reservedCells = 0

        init(generator: BatchGenerator, capacity: Int, sequenceLimit: Int) {
            self.generator = generator
            self.capacity = capacity
            self.sequenceLimit = sequenceLimit
        }

        var hasWork: Bool { !waiting.isEmpty || !running.isEmpty }
        func hasFullBatch(_ size: Int) -> Bool { running.count + waiting.count >= size }
    }

    private let engines: [Engine]
    private let maxSequences: Int
    private var looping = false

    /// One engine per model (with its LoRA adapter, if any), each with a KV cache of `capacity`
    /// tokens; at most `maxSequences` requests run at once on each, drafting ahead by `speculation`.
    public init(models: [(LanguageModel, LoRAAdapter?)], capacity: Int, maxSequences: Int,
                speculation: SpeculationPolicy = SpeculationPolicy()) {
        engines = models.map { model, adapter in
            let generator = BatchGenerator(context: InferenceContext(model: model, capacity: capacity, adapter: adapter),
                                           tokenizer: model.tokenizer)
            generator.speculation = speculation
            return Engine(generator: generator, capacity: capacity, sequenceLimit: model.config.contextLength)
        }
        self.maxSequences = max(1, min(maxSequences, KVCache.maxSequences))
    }

    /// Generates a continuation of `prompt` on engine `engine`; suspends until it is done.
    /// - Throws: ``AgentError/promptTooLong(tokens:limit:)`` when prompt plus `maxTokens` cannot
    ///   fit the engine's cache, or the engine's `InferenceError`.
    func generate(engine index: Int, prompt: [Int32], parameters: SamplingParameters) async throws -> Completion {
        let engine = engines[index]
        let cells = prompt.count + parameters.maxTokens + 1
        guard cells <= min(engine.capacity, engine.sequenceLimit) else {
            throw AgentError.promptTooLong(tokens: cells, limit: min(engine.capacity, engine.sequenceLimit))
        }
        return try await withCheckedThrowingContinuation { continuation in
            engine.waiting.append(Waiting(prompt: prompt, parameters: parameters, continuation: continuation))
            if !looping {
                looping = true
                Task { await runLoop() }
            }
        }
    }

    private func runLoop() async {
        while engines.contains(where: \.hasWork) {
            let someFull = engines.contains { $0.hasFullBatch(maxSequences) }
            for engine in engines where engine.hasWork && (engine.hasFullBatch(maxSequences) || !someFull) {
                admit(engine)
                if !engine.running.isEmpty { step(engine) }
            }
            await Task.yield()   // lets new requests reach the queues between forward passes
        }
        looping = false
    }

    /// Starts waiting requests in order while a slot and enough cache cells are free.
    private func admit(_ engine: Engine) {
        while let next = engine.waiting.first, engine.running.count < maxSequences,
              engine.generator.hasFreeSlot {
            let cells = next.prompt.count + next.parameters.maxTokens + 1
            guard engine.reservedCells + cells <= engine.capacity else { return }
            engine.waiting.removeFirst()
            do {
                let id = try engine.generator.start(GenerationRequest(prompt: next.prompt, parameters: next.parameters))
                engine.running[id] = Running(cells: cells, started: ContinuousClock.now, continuation: next.continuation)
                engine.reservedCells += cells
            } catch {
                next.continuation.resume(throwing: error)
            }
        }
    }

    private func step(_ engine: Engine) {
        let events: [GenerationEvent]
        do {
            events = try engine.generator.step()
        } catch {
            for (id, request) in engine.running {
                engine.generator.cancel(id)
                request.continuation.resume(throwing: error)
            }
            engine.running.removeAll()
            engine.reservedCells = 0
            return
        }
        for event in events where event.finished != nil {
            guard let request = engine.running.removeValue(forKey: event.request),
                  let result = engine.generator.takeResult(event.request) else { continue }
            engine.reservedCells -= request.cells
            let elapsed = ContinuousClock.now - request.started
            request.continuation.resume(returning: Completion(
                text: result.text, promptTokens: result.promptTokens.count, completionTokens: result.tokens.count,
                stopReason: result.stopReason,
                seconds: elapsed.seconds))
        }
    }
}
