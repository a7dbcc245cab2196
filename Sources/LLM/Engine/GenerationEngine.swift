import Dispatch
import Foundation
import Synchronization

/// A model the engine runs: its weights, the LoRA adapter applied to them, if any, and the model
/// that drafts tokens for it, if any (``LanguageModel/checkedDraft(_:)``; it gets a KV cache of its own).
public struct EngineModel: Sendable {
    public let model: LanguageModel
    public let adapter: LoRAAdapter?
    public let draft: LanguageModel?

    public init(_ model: LanguageModel, adapter: LoRAAdapter? = nil, draft: LanguageModel? = nil) {
        self.model = model
        self.adapter = adapter
        self.draft = draft
    }
}

/// How a ``GenerationEngine`` sizes and schedules its work; the same for every model it runs.
public struct EngineConfiguration: Sendable {
    /// KV cells of each model's cache.
    public var capacity: Int
    /// Requests decoded together at most, per model.
    public var maxSequences: Int
    /// Requests that may wait per model once its slots are taken (nil: no limit); more are refused.
    public var maxQueue: Int?
    /// When decoding requests draft tokens ahead.
    public var speculation: SpeculationPolicy

    public init(capacity: Int, maxSequences: Int, maxQueue: Int? = nil,
                speculation: SpeculationPolicy = SpeculationPolicy()) {
        self.capacity = capacity
        self.maxSequences = max(1, min(maxSequences, KVCache.maxSequences))
        self.maxQueue = maxQueue.map { max(0, $0) }
        self.speculation = speculation
    }
}

/// Requests running and waiting now, summed over the engine's models.
public struct EngineLoad: Sendable, Equatable {
    public var running = 0
    public var waiting = 0
    /// The most requests that ever ran together.
    public var peakRunning = 0
    /// KV cells holding running requests and kept prefixes.
    public var cellsInUse = 0
}

/// Runs every generation of a process: one `BatchGenerator` per model, all driven by one thread
/// of the engine's own (never the cooperative pool), one batched forward pass at a time.
///
/// Requests are admitted in order while a sequence slot is free and the cells they may need
/// (prompt plus longest reply) are not reserved by others, so a running request never runs out
/// of cache. A step reads all of a model's weights however few sequences it holds, so while some
/// model has a full batch (running or waiting), a model with fewer waits for more requests instead
/// of stepping: a planner feeding a busy solver thus plans in full batches.
///
/// Clients `submit` a request with a sink for its events, or `await generate`; `cancel` (or the
/// awaiting task's cancellation) ends a request within one forward pass and frees its cells.
/// Dropping the engine shuts it down.
public final class GenerationEngine: Sendable {
    public let models: [EngineModel]
    public let configuration: EngineConfiguration
    private let shared: EngineInbox

    /// Starts the engine thread; each model's cache is allocated there.
    public init(models: [EngineModel], configuration: EngineConfiguration) {
        self.models = models
        self.configuration = configuration
        let shared = EngineInbox(models: models.count)
        self.shared = shared
        Thread.detachNewThread {
            EngineLoop(models: models, configuration: configuration, inbox: shared).run()
        }
    }

    deinit { shutdown() }

    /// The most cells one request of model `index` may take: its cache, or its trained context if shorter.
    public func sequenceLimit(model index: Int) -> Int {
        min(configuration.capacity, models[index].model.config.contextLength)
    }

    /// Queues `request` on model `model`; the engine thread calls `sink` with its events.
    /// - Throws: ``EngineError/promptTooLong(tokens:limit:)``, ``EngineError/queueFull`` or
    ///   ``EngineError/shuttingDown``; once queued, a request's errors come as a `.failed` event.
    public func submit(model: Int = 0, _ request: GenerationRequest,
                       sink: @escaping @Sendable (EngineEvent) -> Void) throws(EngineError) -> GenerationJob {
        precondition(models.indices.contains(model), "no model \(model) in this engine")
        let cells = request.prompt.count + request.parameters.maxTokens
        let limit = sequenceLimit(model: model)
        guard cells <= limit else { throw .promptTooLong(tokens: cells, limit: limit) }
        return try shared.enqueue(model: model, request: request, sink: sink, maxQueue: configuration.maxQueue,
                                  maxSequences: configuration.maxSequences)
    }

    /// Ends `job` within one forward pass: it gets `.failed(.cancelled)` once its cells are free.
    public func cancel(_ job: GenerationJob) { shared.cancel(job) }

    /// Runs `request` on model `model` to its end; `onToken` sees each token and the text that
    /// became final with it, on the engine thread. Cancelling the awaiting task cancels the request.
    /// - Throws: ``EngineError`` (``EngineError/cancelled`` when the task was cancelled).
    public func generate(model: Int = 0, _ request: GenerationRequest,
                         onToken: (@Sendable (Int32, String) -> Void)? = nil) async throws -> GenerationResult {
        let handle = CancellableJob()
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                do {
                    let job = try submit(model: model, request) { event in
                        switch event {
                        case let .token(token, text): onToken?(token, text)
                        case let .finished(result): continuation.resume(returning: result)
                        case let .failed(error): continuation.resume(throwing: error)
                        }
                    }
                    if handle.attach(job) { cancel(job) }
                } catch {
                    continuation.resume(throwing: error)
                }
            }
        } onCancel: {
            if let job = handle.cancel() { cancel(job) }
        }
    }

    /// Requests running and waiting now, summed over the models.
    public var load: EngineLoad { shared.load }

    /// Fails queued and running requests with ``EngineError/shuttingDown`` and ends the engine thread.
    public func shutdown() { shared.shutdown() }
}

/// The job an awaiting task runs, and whether the task was cancelled before the job was queued.
private final class CancellableJob: Sendable {
    private let state = Mutex<(job: GenerationJob?, cancelled: Bool)>((nil, false))

    /// Records the queued job; returns whether it must be cancelled at once.
    func attach(_ job: GenerationJob) -> Bool {
        state.withLock { state in
            state.job = job
            return state.cancelled
        }
    }

    /// Marks the task cancelled; returns the job to cancel, if it was queued.
    func cancel() -> GenerationJob? {
        state.withLock { state in
            state.cancelled = true
            return state.job
        }
    }
}
