/// Generates text for many requests at once: each step is one forward pass holding the pending
/// prompt tokens and the next token of every running request (continuous batching: a request
/// can start whenever a sequence slot is free).
///
/// Finished requests leave their cells in the cache as reusable prefixes (evicted least recently
/// used first when cells or sequence ids run out): a new prompt starting with tokens a running or
/// kept sequence holds shares those cells instead of recomputing them.
///
/// By ``speculation``, a decoding sequence may also check tokens drafted ahead (by ``draftModel``,
/// else from its own text) in the same pass; the sampler's own draw decides each, so the output is
/// plain decoding's.
///
/// Not thread-safe: owned by one task, like its `InferenceContext`.
public final class BatchGenerator {
    public let context: InferenceContext
    public let tokenizer: Tokenizer
    /// Most prompt tokens put into one step, so long prompts do not stall running requests.
    public var maxPromptTokensPerStep = 512
    /// When decoding sequences draft tokens ahead (``SpeculationPolicy/off`` for plain decoding).
    public var speculation = SpeculationPolicy()
    /// A smaller model of the same vocabulary that drafts ``SpeculationPolicy/modelDraft`` tokens
    /// when ``speculation`` lets sequences draft; nil: drafts come from prompt lookup.
    public var draftModel: DraftModel?

    private struct Running {
        let id: Int
        let sequence: Int32
        var sampler: Sampler
        var pendingPrompt: ArraySlice<Int32>
        let promptCount: Int
        /// The prompt, then every generated token.
        var tokens: [Int32]
        /// The position of the next token to enter the cache (all before it are there).
        var nextPosition: Int32
        var decoder: StreamingDecoder
        var filter: StopStringFilter
        var repeats: LineRepeatGuard

        var generatedCount: Int { tokens.count - promptCount }
        /// The token the next step feeds, once generation has begun.
        var lastToken: Int32? { generatedCount > 0 ? tokens.last : nil }
    }

    /// A request whose logits rows a step produces: the first row, then one per draft token.
    private struct Check {
        let request: Int
        let firstRow: Int
        let drafts: [Int32]
    }

    private var running: [Running] = []
    private var prefixes = PrefixCache()
    private var nextID = 0
    private var finished: [Int: GenerationResult] = [:]
    /// Prompt tokens, over all requests started, whose cells were shared instead of computed.
    public private(set) var reusedPromptTokens = 0
    /// Draft tokens checked, and how many of them the model would have written itself.
    public private(set) var draftedTokens = 0
    public private(set) var acceptedDraftTokens = 0

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
            let length = commonPrefixLength(request.prompt, r.tokens.prefix(Int(r.nextPosition)))
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
            pendingPrompt: request.prompt[reused...], promptCount: request.prompt.count, tokens: request.prompt,
            nextPosition: Int32(reused),
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

    /// Runs one forward pass for all running requests and samples their next tokens: one each,
    /// or more where drafted tokens turn out to be what the model writes.
    public func step() throws(InferenceError) -> [GenerationEvent] {
        var prompts: [(request: Int, tokens: Int)] = []   // index into `running`, prompt tokens in the batch
        var decoders: [Int] = []
        var budget = maxPromptTokensPerStep
        for (r, request) in running.enumerated() {
            if !request.pendingPrompt.isEmpty {
                guard budget > 0 else { continue }
                let count = min(budget, request.pendingPrompt.count)
                prompts.append((r, count))
                budget -= count
            } else if request.lastToken != nil {
                decoders.append(r)
            }
        }
        let plainCount = prompts.reduce(0) { $0 + $1.tokens } + decoders.count
        guard plainCount > 0 else { return [] }
        _ = makeRoom(plainCount)
        var spareCells = decoders.count <= speculation.maxDraftingSequences ? context.cache.freeCellCount - plainCount : 0

        var batch = Batch()
        var checks: [Check] = []
        for (r, count) in prompts {
            let request = running[r]
            let completes = count == request.pendingPrompt.count
            if completes { checks.append(Check(request: r, firstRow: batch.logitCount, drafts: [])) }
            batch.add(Array(request.pendingPrompt.prefix(count)), from: request.nextPosition, sequence: request.sequence,
                      logitsForLast: completes)
        }
        var modelDrafts: [[Int32]] = []
        if let draftModel, spareCells > 0 {
            var requests: [DraftModel.Request] = []
            for r in decoders {
                let limit = min(draftRoom(r), speculation.modelDraft, spareCells)
                spareCells -= limit
                requests.append(DraftModel.Request(sequence: running[r].sequence, text: running[r].tokens, limit: limit))
            }
            modelDrafts = draftModel.draft(requests)
        }
        for (d, r) in decoders.enumerated() {
            let request = running[r]
            let drafts: [Int32]
            if draftModel != nil {
                drafts = modelDrafts.isEmpty ? [] : modelDrafts[d]
            } else {
                drafts = speculation.lookup.draft(request.tokens, limit: min(draftRoom(r), spareCells))
                spareCells -= drafts.count
            }
            checks.append(Check(request: r, firstRow: batch.logitCount, drafts: drafts))
            batch.addWithLogits([request.lastToken!] + drafts, from: request.nextPosition, sequence: request.sequence)
        }
        let logits = try context.decode(batch)
        // Only now that the batch's cells exist do the requests move past its tokens.
        for (r, count) in prompts {
            running[r].pendingPrompt = running[r].pendingPrompt.dropFirst(count)
            running[r].nextPosition += Int32(count)
        }
        for r in decoders { running[r].nextPosition += 1 }

        var events: [GenerationEvent] = []
        var done: [Int] = []
        for check in checks {
            let r = check.request
            draftedTokens += check.drafts.count
            var accepted = 0
            while true {
                let token = running[r].sampler.sample(logits.row(check.firstRow + accepted))
                var (text, reason) = append(token, to: r)
                if reason == nil && accepted < check.drafts.count && token == check.drafts[accepted] {
                    // The next row's input is this very token: its cell holds the right keys and values.
                    events.append(GenerationEvent(request: running[r].id, token: token, text: text, finished: nil))
                    running[r].nextPosition += 1
                    accepted += 1
                    continue
                }
                if accepted < check.drafts.count {
                    context.cache.removeSequence(running[r].sequence, positions: running[r].nextPosition..<Int32.max)
                }
                if reason == nil && !makeRoom(1) { reason = .contextFull }
                if let reason {
                    text += running[r].filter.finish()
                    let request = running[r]
                    finished[request.id] = GenerationResult(
                        promptTokens: Array(request.tokens.prefix(request.promptCount)),
                        tokens: Array(request.tokens.dropFirst(request.promptCount)),
                        text: request.filter.text, stopReason: reason, stopString: request.filter.matched)
                    done.append(r)
                }
                events.append(GenerationEvent(request: running[r].id, token: token, text: text, finished: reason))
                break
            }
            acceptedDraftTokens += accepted
        }
        for r in done.sorted(by: >) {
            let request = running[r]
            prefixes.keep(request.sequence, tokens: Array(request.tokens.prefix(Int(request.nextPosition))))
            running.remove(at: r)
        }
        return events
    }

    /// The most tokens request `r` may draft: every accepted draft token is one more generated
    /// token, so room is left for the token after them.
    private func draftRoom(_ r: Int) -> Int {
        running[r].sampler.parameters.maxTokens - running[r].generatedCount - 1
    }

    /// Appends `token` to request `r`'s text; returns the text that became final and why the
    /// request stops now, if it does.
    private func append(_ token: Int32, to r: Int) -> (text: String, stop: StopReason?) {
        running[r].tokens.append(token)
        if tokenizer.endOfTurnIDs.contains(token) { return ("", .endOfTurn) }
        let piece = running[r].decoder.append(token)
        let (text, stopped) = running[r].filter.append(piece)
        if stopped { return (text, .stopString) }
        if running[r].repeats.append(piece) { return (text, .repeatedLine) }
        if running[r].generatedCount >= running[r].sampler.parameters.maxTokens { return (text, .maxTokens) }
        return (text, nil)
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
