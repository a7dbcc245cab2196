import LLM

/// A model file run by this process's engine, through a shared ``EngineScheduler``.
public struct LocalBackend: ModelBackend {
    public let model: LanguageModel
    public let identity: String
    public var location: String { model.file.path }
    private let scheduler: EngineScheduler
    private let engine: Int

    init(model: LanguageModel, identity: String, scheduler: EngineScheduler, engine: Int) {
        self.model = model
        self.identity = identity
        self.scheduler = scheduler
        self.engine = engine
    }

    /// The chat template's text, with markers spelled out inside messages escaped so that it
    /// identifies the token sequence `complete` sends (see `ChatTemplate.unambiguousText`).
    public func renderedPrompt(_ messages: [ChatMessage]) -> String { model.chatTemplate.unambiguousText(messages) }

    public func complete(_ request: CompletionRequest) async throws -> Completion {
        let prompt = model.encodeChat(request.messages)
        return try await scheduler.generate(engine: engine, prompt: prompt, parameters: request.sampling)
    }
}

/// Loads the planner and solver models onto one scheduler (one engine per distinct file).
public enum LocalModels {
    /// Default cap on the memory of all KV caches (8 solver sequences of the 1.5B need ~600 MiB).
    public static let defaultKVBudgetMiB = 2048

    /// Backends for `paths` in order; the same path twice shares one model and engine.
    /// Each engine's KV cache holds `parallel` sequences of `tokensPerSequence` tokens; the
    /// caches of all models together must fit in `kvBudgetMiB`, else nothing is allocated.
    public static func load(paths: [String], store: AgentStore, parallel: Int, tokensPerSequence: Int,
                            kvBudgetMiB: Int = defaultKVBudgetMiB) throws -> [LocalBackend] {
        var distinct: [String] = []
        for path in paths where !distinct.contains(path) { distinct.append(path) }
        let models = try distinct.map { path throws(ModelFileError) in try LanguageModel(path: path) }
        let cells = max(1, parallel) * tokensPerSequence
        let neededMiB = models.reduce(0) { $0 + cells * KVCache.bytesPerCell($1.config) } >> 20
        guard neededMiB <= kvBudgetMiB else {
            throw AgentError.kvBudgetExceeded(sequences: parallel, tokensPerSequence: tokensPerSequence,
                                              neededMiB: neededMiB, budgetMiB: kvBudgetMiB)
        }
        let identities = try models.map { try store.modelIdentity(of: $0.file) }
        let scheduler = EngineScheduler(models: models, capacity: max(1, parallel) * tokensPerSequence,
                                        maxSequences: parallel)
        return paths.map { path in
            let index = distinct.firstIndex(of: path)!
            return LocalBackend(model: models[index], identity: identities[index], scheduler: scheduler, engine: index)
        }
    }
}
