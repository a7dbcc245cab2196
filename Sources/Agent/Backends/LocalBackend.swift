import DurationUnits
import LLM
import Synchronization

/// A model file run by this process's ``GenerationEngine``, which all local backends share.
public struct LocalBackend: ModelBackend {
    public let model: LanguageModel
    /// The model's identity, with the adapter's when there is one.
    public let identity: String
    public let adapterPath: String?
    public var location: String { model.file.path }
    private let engine: GenerationEngine
    /// The index of this model (with its adapter) in the engine.
    private let engineModel: Int

    init(model: LanguageModel, identity: String, adapterPath: String?, engine: GenerationEngine, engineModel: Int) {
        self.model = model
        self.identity = identity
        self.adapterPath = adapterPath
        self.engine = engine
        self.engineModel = engineModel
    }

    /// The chat template's text, with markers spelled out inside messages escaped so that it
    /// identifies the token sequence `complete` sends (see `ChatTemplate.unambiguousText`).
    public func renderedPrompt(_ messages: [ChatMessage]) -> String { model.chatTemplate.unambiguousText(messages) }

    /// - Throws: ``AgentError/promptTooLong(tokens:limit:)`` when prompt plus `maxTokens` cannot fit
    ///   a sequence of the cache, else the engine's ``EngineError``.
    public func complete(_ request: CompletionRequest) async throws -> Completion {
        let prompt = model.encodeChat(request.messages)
        let started = ContinuousClock.now
        let firstText = FirstTextClock()
        do {
            let onText = request.onText
            let result = try await engine.generate(model: engineModel, GenerationRequest(prompt: prompt, parameters: request.sampling)) {
                _, text in
                guard !text.isEmpty else { return }
                firstText.mark(since: started)
                onText?(text)
            }
            return Completion(text: result.text, promptTokens: result.promptTokens.count,
                              completionTokens: result.tokens.count, stopReason: result.stopReason,
                              seconds: (ContinuousClock.now - started).seconds,
                              firstTokenSeconds: firstText.elapsed?.seconds)
        } catch EngineError.promptTooLong(let tokens, let limit) {
            throw AgentError.promptTooLong(tokens: tokens, limit: limit)
        }
    }
}

/// When a reply's first text came: marked on the engine's thread (which runs the token
/// callback), read by the caller after the generation; the lock orders the two.
private final class FirstTextClock: Sendable {
    private let time = Mutex<Duration?>(nil)

    /// Keeps the time since `start` on the first call only.
    func mark(since start: ContinuousClock.Instant) { time.withLock { $0 = $0 ?? ContinuousClock.now - start } }

    var elapsed: Duration? { time.withLock { $0 } }
}

/// A local model to load: a GGUF file, optionally with a LoRA adapter file applied to it and a
/// model of the same vocabulary that drafts tokens for it.
public struct LocalModelSpec: Equatable, Sendable {
    public let path: String
    public let adapterPath: String?
    public let draftPath: String?

    public init(path: String, adapterPath: String? = nil, draftPath: String? = nil) {
        self.path = path
        self.adapterPath = adapterPath
        self.draftPath = draftPath
    }
}

/// Loads the planner and solver models into one engine (a generator per distinct model and adapter).
public enum LocalModels {
    /// Default cap on the memory of all KV caches (8 solver sequences of the 1.5B need ~600 MiB).
    public static let defaultKVBudgetMiB = 2048

    /// Backends for `paths` in order, without adapters; see ``load(_:store:parallel:tokensPerSequence:kvBudgetMiB:)``.
    public static func load(paths: [String], store: AgentStore, parallel: Int, tokensPerSequence: Int,
                            kvBudgetMiB: Int = defaultKVBudgetMiB) throws -> [LocalBackend] {
        try load(paths.map { LocalModelSpec(path: $0) }, store: store, parallel: parallel,
                 tokensPerSequence: tokensPerSequence, kvBudgetMiB: kvBudgetMiB)
    }

    /// Backends for `specs` in order. The same spec twice shares one generator; the same file with
    /// different adapters shares the mapped weights but gets a generator (and KV cache) per adapter.
    /// Each generator's KV cache holds `parallel` sequences of `tokensPerSequence` tokens; the
    /// caches of all together must fit in `kvBudgetMiB`, else nothing is allocated.
    /// Decoding drafts tokens ahead by `speculation`, with a spec's draft model where it names one
    /// (its KV cache counts against the budget too; identities do not change, since the output does not).
    /// - Throws: `ModelFileError` for a bad model file, `LoRAAdapterFileError` for a bad adapter,
    ///   `DraftVocabularyMismatch` for a draft model of another vocabulary.
    public static func load(_ specs: [LocalModelSpec], store: AgentStore, parallel: Int, tokensPerSequence: Int,
                            kvBudgetMiB: Int = defaultKVBudgetMiB,
                            speculation: SpeculationPolicy = SpeculationPolicy()) throws -> [LocalBackend] {
        var engines: [LocalModelSpec] = []
        for spec in specs where !engines.contains(spec) { engines.append(spec) }
        // Every context's model: each engine's, and its draft model's (which gets a cache of its own).
        let contextFiles = engines.flatMap { [$0.path, $0.draftPath].compactMap(\.self) }
        var models: [String: LanguageModel] = [:]
        for path in contextFiles where models[path] == nil { models[path] = try LanguageModel(path: path) }
        let cells = max(1, parallel) * tokensPerSequence
        let neededMiB = contextFiles.reduce(0) { $0 + cells * KVCache.bytesPerCell(models[$1]!.config) } >> 20
        guard neededMiB <= kvBudgetMiB else {
            throw AgentError.kvBudgetExceeded(sequences: parallel, tokensPerSequence: tokensPerSequence,
                                              neededMiB: neededMiB, budgetMiB: kvBudgetMiB)
        }
        var loaded: [EngineModel] = []
        var identities: [String] = []
        for spec in engines {
            let model = models[spec.path]!
            let identity = try store.modelIdentity(of: model.file)
            let draft = try spec.draftPath.map { path throws(DraftVocabularyMismatch) in try model.checkedDraft(models[path]!) }
            if let adapterPath = spec.adapterPath {
                loaded.append(EngineModel(model, adapter: try LoRAAdapter(path: adapterPath, config: model.config), draft: draft))
                identities.append(try ModelIdentity.adapted(identity, adapterPath: adapterPath))
            } else {
                loaded.append(EngineModel(model, draft: draft))
                identities.append(identity)
            }
        }
        let engine = GenerationEngine(models: loaded, configuration: EngineConfiguration(
            capacity: cells, maxSequences: parallel, speculation: speculation))
        return specs.map { spec in
            let index = engines.firstIndex(of: spec)!
            return LocalBackend(model: loaded[index].model, identity: identities[index], adapterPath: spec.adapterPath,
                                engine: engine, engineModel: index)
        }
    }
}
