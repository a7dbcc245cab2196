import Dispatch
import Synchronization

/// What clients and the engine thread share: the queues of waiting requests, cancellations, the
/// published load, and the semaphore that wakes an idle engine thread.
final class EngineInbox: Sendable {
    struct State {
        /// Per model, requests not yet admitted, in order.
        var waiting: [[GenerationJob]]
        /// Ids of admitted jobs to cancel.
        var cancelled: Set<Int> = []
        /// Per model, requests running (as last published by the engine thread).
        var running: [Int]
        var peakRunning = 0
        var cellsInUse = 0
        var nextID = 0
        var stopping = false
    }

    let state: Mutex<State>
    private let wake = DispatchSemaphore(value: 0)

    init(models: Int) {
        state = Mutex(State(waiting: Array(repeating: [], count: models), running: Array(repeating: 0, count: models)))
    }

    /// Queues a job unless the engine is stopping or `maxQueue` requests already wait beyond the free slots.
    func enqueue(model: Int, request: GenerationRequest, sink: @escaping @Sendable (EngineEvent) -> Void,
                 maxQueue: Int?, maxSequences: Int) throws(EngineError) -> GenerationJob {
        let job = try state.withLock { (state) throws(EngineError) -> GenerationJob in
            guard !state.stopping else { throw .shuttingDown }
            if let maxQueue, state.waiting[model].count >= maxQueue + max(0, maxSequences - state.running[model]) {
                throw .queueFull
            }
            state.nextID += 1
            let job = GenerationJob(id: state.nextID, model: model, request: request, sink: sink)
            state.waiting[model].append(job)
            return job
        }
        wake.signal()
        return job
    }

    /// A waiting job leaves its queue at once; a running one is cancelled by the engine thread.
    func cancel(_ job: GenerationJob) {
        let removed = state.withLock { state in
            if let index = state.waiting[job.model].firstIndex(where: { $0 === job }) {
                state.waiting[job.model].remove(at: index)
                return true
            }
            state.cancelled.insert(job.id)
            return false
        }
        if removed { job.post(.failed(.cancelled)) }
        wake.signal()
    }

    func shutdown() {
        state.withLock { $0.stopping = true }
        wake.signal()
    }

    /// Blocks the engine thread until a client queues, cancels or shuts down.
    func waitForWork() { wake.wait() }

    var load: EngineLoad {
        state.withLock { state in
            EngineLoad(running: state.running.reduce(0, +), waiting: state.waiting.reduce(0) { $0 + $1.count },
                       peakRunning: state.peakRunning, cellsInUse: state.cellsInUse)
        }
    }
}
