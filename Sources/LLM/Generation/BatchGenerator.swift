/// Generates text for many requests at once: each step is one forward pass holding the pending
/// prompt tokens and the next token of every running request (continuous batching: a request
/// can start whenever a sequence slot is free).
///
/// Finished requests leave their cells in the cache as reusable prefixes (evicted least recently
/// used first when cells or sequence ids run out): a new prompt starting with tokens a running or
/// kept sequence holds shares those cells instead of recomputing them.
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
        var repeats: LineRepeatGuard
    }

    private var running: [Running] = []
    private var prefixes = PrefixCache()
    private var nextID = 0
    private var finished: [Int: GenerationResult] = [:]
    /// Prompt tokens, over all requests started, whose cells were shared instead of computed.
    public private(set) var reusedPromptTokens = 0

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
        guard hasFreeSlot else { throw .contextFull(needed: 1, free: 0) }
        guard !request.prompt.isEmpty else { throw .emptyBatch }
        let needed = request.prompt.count + 1
        guard needed <= context.cache.capacity else { throw .contextFull(needed: needed, free: context.cache.freeCellCount) }
        // The longest prefix some sequence holds; the last prompt token is always computed (its logits are needed).
        var source: (sequence: Int32, length: Int) = (-1, 0)
        for r in running {
            let length = commonPrefixLength(request.prompt, (r.prompt + r.generated).prefix(Int(r.nextPosition)))
            if length > source.length { source = (r.sequence, length) }
        }
        for entry in prefixes.entries {
            let length = commonPrefixLength(request.prompt, entry.tokens)
            if length > source.length { source = (entry.sequence, length) }
        }
        let reused = min(source.length, request.prompt.count - 1)
        let sequence = freeSequence(sparing: source.sequence)
        if sequence == source.sequence {
            // No other id was free: the request takes the kept prefix's sequence over.
            prefixes.remove(sequence)
            context.cache.removeSequence(sequence, positions: Int32(reused)..<Int32.max)
            reusedPromptTokens += reused
        } else if reused > 0 {
            context.cache.copySequence(source.sequence, to: sequence, positions: 0..<Int32(reused))
            prefixes.touch(source.sequence)
            reusedPromptTokens += reused
        }
        let id = nextID
        nextID += 1
        running.append(Running(
            id: id, sequence: sequence, sampler: Sampler(request.parameters),
            pendingPrompt: request.prompt[reused...], prompt: request.prompt, nextPosition: Int32(reused),
            decoder: StreamingDecoder(tokenizer: tokenizer), filter: StopStringFilter(stops: request.parameters.stop),
            repeats: LineRepeatGuard(limit: request.parameters.lineRepeatLimit)))
        return id
    }

    /// A sequence id no running request uses, evicting kept prefixes (other than `spared`'s) as needed.
    private func freeSequence(sparing spared: Int32) -> Int32 {
        while true {
            let used = Set(running.map(\.sequence) + prefixes.sequences)
            if let free = (0..<Int32(KVCache.maxSequences)).first(where: { !used.contains($0) }) { return free }
            // All ids are taken though fewer than maxSequences run: the rest are kept prefixes, and
            // when `spared` is the only one, the caller takes it over.
            guard let evicted = prefixes.evictOldest(sparing: spared) else { return spared }
            context.cache.removeSequence(evicted)
        }
    }

    /// Evicts kept prefixes, oldest first, until `cells` cells are free or none are kept; returns
    /// whether that many are free.
    private func makeRoom(_ cells: Int) -> Bool {
        while context.cache.freeCellCount < cells, let evicted = prefixes.evictOldest() {
            context.cache.removeSequence(evicted)
        }
        return context.cache.freeCellCount >= cells
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
        var advances: [(request: Int, tokens: Int)] = []   // index into `running`, tokens in the batch
        for (r, request) in running.enumerated() {
            if !request.pendingPrompt.isEmpty {
                guard budget > 0 else { continue }
                let chunk = request.pendingPrompt.prefix(budget)
                let completes = chunk.count == request.pendingPrompt.count
                batch.add(Array(chunk), from: request.nextPosition, sequence: request.sequence, logitsForLast: completes)
                advances.append((r, chunk.count))
                budget -= chunk.count
                if completes { rowOwners.append(r) }
            } else if let token = request.lastToken {
                batch.add(token, position: request.nextPosition, sequence: request.sequence, logits: true)
                advances.append((r, 1))
                rowOwners.append(r)
            }
        }
        guard !batch.isEmpty else { return [] }
        _ = makeRoom(batch.count)
        let logits = try context.decode(batch)
        // Only now that the batch's cells exist do the requests move past its tokens.
        for (r, count) in advances {
            running[r].pendingPrompt = running[r].pendingPrompt.dropFirst(count)
            running[r].nextPosition += Int32(count)
        }

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
                if stopped {
                    reason = .stopString
                } else if running[r].repeats.append(piece) {
                    reason = .repeatedLine
                }
            }
            if reason == nil {
                if running[r].generated.count >= running[r].sampler.parameters.maxTokens {
                    reason = .maxTokens
                } else if !makeRoom(1) {
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
            let request = running[r]
            prefixes.keep(request.sequence, tokens: Array((request.prompt + request.generated).prefix(Int(request.nextPosition))))
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
