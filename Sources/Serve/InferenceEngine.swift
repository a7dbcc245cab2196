import Dispatch
import Foundation
import LLM
import Synchronization

/// Runs every request through one `BatchGenerator` on a thread of its own: each step is one
/// forward pass for all running requests, and queued requests join the batch as slots free up
/// (continuous batching). Request handlers talk to it only through `submit` and `cancel`.
public final class InferenceEngine: Sendable {
    /// Requests decoded together at most.
    public let parallel: Int
    /// Tokens (prompt and reply) one request may use; the KV cache holds `parallel` times this.
    public let contextPerRequest: Int
    /// Requests that may wait for a slot; more are refused (503).
    public let maxQueue: Int
    public let model: LanguageModel
    /// When decoding requests draft tokens ahead.
    public let speculation: SpeculationPolicy

    private struct Inbox {
        var waiting: [EngineJob] = []
        var cancelled: Set<Int> = []
        var running = 0
        var peakRunning = 0
        var nextID = 0
        var stopping = false
    }
    private let inbox = Mutex(Inbox())
    private let wake = DispatchSemaphore(value: 0)

    /// Starts the engine thread; `parallel` is capped at the cache's sequence count.
    public init(model: LanguageModel, parallel: Int, contextPerRequest: Int, maxQueue: Int,
                speculation: SpeculationPolicy = SpeculationPolicy()) {
        self.model = model
        self.speculation = speculation
        self.parallel = max(1, min(parallel, KVCache.maxSequences))
        self.contextPerRequest = max(16, contextPerRequest)
        self.maxQueue = max(0, maxQueue)
        Thread.detachNewThread { [self] in run() }
    }

    /// Queues `request`; throws 503 when the queue is full or the engine is stopping.
    func submit(_ request: GenerationRequest) throws(APIError) -> EngineJob {
        let job: EngineJob = try inbox.withLock { (inbox) throws(APIError) -> EngineJob in
            guard !inbox.stopping else { throw .shuttingDown }
            guard inbox.waiting.count < maxQueue + (parallel - inbox.running) else { throw .queueFull }
            inbox.nextID += 1
            let job = EngineJob(id: inbox.nextID, request: request)
            inbox.waiting.append(job)
            return job
        }
        wake.signal()
        return job
    }

    /// Stops `job` (its client left) and frees its slot.
    func cancel(_ job: EngineJob) {
        inbox.withLock { inbox in
            if let index = inbox.waiting.firstIndex(where: { $0 === job }) {
                inbox.waiting.remove(at: index)
            } else {
                inbox.cancelled.insert(job.id)
            }
        }
        wake.signal()
    }

    /// Requests running and waiting now, and the most that ever ran together.
    public var load: (running: Int, waiting: Int, peakRunning: Int) {
        inbox.withLock { ($0.running, $0.waiting.count, $0.peakRunning) }
    }

    /// Fails queued and running requests and ends the engine thread.
    public func shutdown() {
        inbox.withLock { $0.stopping = true }
        wake.signal()
    }

    private func run() {
        let generator = BatchGenerator(context: InferenceContext(model: model, capacity: parallel * contextPerRequest),
                                       tokenizer: model.tokenizer)
        generator.speculation = speculation
        var active: [Int: EngineJob] = [:]   // generator request id → job
        var generatorID: [Int: Int] = [:]    // job id → generator request id
        while true {
            let cancelled = inbox.withLock { inbox in
                defer { inbox.cancelled = [] }
                return inbox.cancelled
            }
            for id in cancelled {
                guard let gid = generatorID.removeValue(forKey: id) else { continue }
                generator.cancel(gid)
                active[gid] = nil
            }
            let free = parallel - active.count
            let (starting, stopping) = inbox.withLock { inbox in
                let starting = Array(inbox.waiting.prefix(inbox.stopping ? inbox.waiting.count : free))
                inbox.waiting.removeFirst(starting.count)
                inbox.running = active.count + starting.count   // counted before `submit` sees the shorter queue
                return (starting, inbox.stopping)
            }
            if stopping {
                for job in Array(active.values) + starting { job.post(.failed(.shuttingDown)) }
                return
            }
            for job in starting {
                do {
                    let gid = try generator.start(job.request)
                    active[gid] = job
                    generatorID[job.id] = gid
                } catch {
                    job.post(.failed(.invalidRequest(error.description)))
                }
            }
            inbox.withLock { inbox in
                inbox.running = active.count
                inbox.peakRunning = max(inbox.peakRunning, active.count)
            }
            guard !active.isEmpty else {
                wake.wait()
                continue
            }
            do {
                for event in try generator.step() {
                    guard let job = active[event.request] else { continue }
                    if !event.text.isEmpty { job.post(.text(event.text)) }
                    guard event.finished != nil else { continue }
                    active[event.request] = nil
                    generatorID[job.id] = nil
                    if let result = generator.takeResult(event.request) { job.post(.finished(result)) }
                }
            } catch {
                for (gid, job) in active {
                    generator.cancel(gid)
                    job.post(.failed(.engineFailed(error.description)))
                }
                active = [:]
                generatorID = [:]
            }
            inbox.withLock { $0.running = active.count }
        }
    }
}
