/// Generates text for many requests at once: each step is one forward pass holding the pending
/// prompt tokens and the next token of every running request (continuous batching: a request
/// can start whenever a sequence slot is free).
///
/// Not thread-safe: owned by one task, like its `InferenceContext`.
public final class BatchGenerator {
    public let context: InferenceContext
    public let tokenizer: Tokenizer
    /// Most prompt tokens put into one step, so long prompts do not stall running requests.
    public var maxPromptTokensPerStep = 512

    private struct Running {
        let id: Int
        let sequence: Int32
        var sampler: Sampler
        var pendingPrompt: ArraySlice<Int32>
        let prompt: [Int32]
        var nextPosition: Int32
        var lastToken: Int32?
        var generated: [Int32] = []
        var decoder: StreamingDecoder
        var filter: StopStringFilter
    }

    private var running: [Running] = []
    private var nextID = 0
    private var finished: [Int: GenerationResult] = [:]

    public init(context: InferenceContext, tokenizer: Tokenizer) {
        self.context = context
        self.tokenizer = tokenizer
    }

    /// Requests in flight.
    public var activeCount: Int { running.count }
    /// Whether a new request can start now.
    public var hasFreeSlot: Bool { running.count < KVCache.maxSequences }

    /// Starts `request`; returns its id. Throws when the prompt cannot fit in the context.
    public func start(_ request: GenerationRequest) throws(InferenceError) -> Int {
        let used = Set(running.map(\.sequence))
        guard let sequence = (0..<Int32(KVCache.maxSequences)).first(where: { !used.contains($0) }) else {
            throw .contextFull(needed: 1, free: 0)
        }
        guard !request.prompt.isEmpty else { throw .emptyBatch }
        let needed = request.prompt.count + 1
        guard needed <= context.cache.capacity else { throw .contextFull(needed: needed, free: context.cache.freeCellCount) }
        let id = nextID
        nextID += 1
        running.append(Running(
            id: id, sequence: sequence, sampler: Sampler(request.parameters),
            pendingPrompt: request.prompt[...], prompt: request.prompt, nextPosition: 0,
            decoder: StreamingDecoder(tokenizer: tokenizer), filter: StopStringFilter(stops: request.parameters.stop)))
        return id
    }

    /// Stops request `id` and frees its cache cells.
    public func cancel(_ id: Int) {
        guard let index = running.firstIndex(where: { $0.id == id }) else { return }
        context.cache.removeSequence(running[index].sequence)
        running.remove(at: index)
    }

    /// The result of a finished request (available once its last event was returned); removes it.
    public func takeResult(_ id: Int) -> GenerationResult? { finished.removeValue(forKey: id) }

    /// Runs one forward pass for all running requests and samples their next tokens.
    public func step() throws(InferenceError) -> [GenerationEvent] {
        var batch = Batch()
        var budget = maxPromptTokensPerStep
        var rowOwners: [Int] = []   // index into `running` for each logits row
        for (r, request) in running.enumerated() {
            if !request.pendingPrompt.isEmpty {
                guard budget > 0 else { continue }
                let chunk = request.pendingPrompt.prefix(budget)
                let completes = chunk.count == request.pendingPrompt.count
                batch.add(Array(chunk), from: request.nextPosition, sequence: request.sequence, logitsForLast: completes)
                running[r].pendingPrompt = request.pendingPrompt.dropFirst(chunk.count)
                running[r].nextPosition += Int32(chunk.count)
                budget -= chunk.count
                if completes { rowOwners.append(r) }
            } else if let token = request.lastToken {
                batch.add(token, position: request.nextPosition, sequence: request.sequence, logits: true)
                running[r].nextPosition += 1
                rowOwners.append(r)
            }
        }
        guard !batch.isEmpty else { return [] }
        let logits = try context.decode(batch)

        var events: [GenerationEvent] = []
        var done: [Int] = []
        for (row, r) in rowOwners.enumerated() {
            let token = running[r].sampler.sample(logits.row(row))
            running[r].generated.append(token)
            running[r].lastToken = token
            var reason: StopReason?
            var text = ""
            if tokenizer.endOfTurnIDs.contains(token) {
                reason = .endOfTurn
            } else {
                let piece = running[r].decoder.append(token)
                let (safe, stopped) = running[r].filter.append(piece)
                text = safe
                if stopped { reason = .stopString }
            }
            if reason == nil {
                if running[r].generated.count >= running[r].sampler.parameters.maxTokens {
                    reason = .maxTokens
                } else if context.cache.freeCellCount == 0 {
                    reason = .contextFull
                }
            }
            if let reason {
                text += running[r].filter.finish()
                let request = running[r]
                finished[request.id] = GenerationResult(promptTokens: request.prompt, tokens: request.generated,
                                                        text: request.filter.text, stopReason: reason)
                done.append(r)
            }
            events.append(GenerationEvent(request: running[r].id, token: token, text: text, finished: reason))
        }
        for r in done.sorted(by: >) {
            context.cache.removeSequence(running[r].sequence)
            running.remove(at: r)
        }
        return events
    }

    /// Runs `request` alone to the end, calling `onText` with each piece of final text.
    public func generate(_ request: GenerationRequest, onText: (String) -> Void = { _ in }) throws(InferenceError) -> GenerationResult {
        let id = try start(request)
        while true {
            for event in try step() where event.request == id {
                if !event.text.isEmpty { onText(event.text) }
                if event.finished != nil, let result = takeResult(id) { return result }
            }
        }
    }
}
