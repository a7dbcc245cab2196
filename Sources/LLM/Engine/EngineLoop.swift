#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The engine thread's own state and loop: each model's generator with its running jobs. Only the
/// engine thread touches it; clients reach it through the ``EngineInbox``.
final class EngineLoop {
    /// One model's generator, and the jobs it runs.
    private final class Lane {
        let generator: BatchGenerator
        /// Generator request id → job.
        var running: [Int: GenerationJob] = [:]
        var reservedCells = 0

        init(generator: BatchGenerator) { self.generator = generator }
    }

    private let lanes: [Lane]
    private let configuration: EngineConfiguration
    private let inbox: EngineInbox

    init(models: [EngineModel], configuration: EngineConfiguration, inbox: EngineInbox) {
        lanes = models.map { entry in
            let context = InferenceContext(model: entry.model, capacity: configuration.capacity, adapter: entry.adapter)
            let generator = BatchGenerator(context: context, tokenizer: entry.model.tokenizer)
            generator.speculation = configuration.speculation
            generator.draftModel = entry.draft.map { DraftModel(context: InferenceContext(model: $0, capacity: configuration.capacity)) }
            return Lane(generator: generator)
        }
        self.configuration = configuration
        self.inbox = inbox
    }

    func run() {
        while true {
            guard let (admitted, stepping, cancelled) = takeWork() else { return }
            var cancelledJobs: [GenerationJob] = []
            for id in cancelled {
                for lane in lanes {
                    guard let (gid, job) = lane.running.first(where: { $0.value.id == id }) else { continue }
                    lane.generator.cancel(gid)
                    lane.running[gid] = nil
                    lane.reservedCells -= job.cells
                    cancelledJobs.append(job)
                }
            }
            for job in admitted { start(job) }
            publish()   // cancelled jobs hear of it only once their cells are free, and the load says so
            for job in cancelledJobs { job.post(.failed(.cancelled)) }
            var stepped = false, someEnded = false
            for (index, lane) in lanes.enumerated() where stepping.contains(index) && !lane.running.isEmpty {
                someEnded = step(lane) || someEnded
                stepped = true
            }
            publish()
            if !stepped {
                inbox.waitForWork()
            } else if someEnded {
                // The clients of ended jobs usually send their next request at once (a task's next
                // path, the next task): give their threads the core so it can join the next pass.
                sched_yield()
            }
        }
    }

    /// Under the inbox's lock: the jobs admitted now, the models that step, and the cancellations
    /// to apply; nil once the engine stops (every job then fails).
    private func takeWork() -> (admitted: [GenerationJob], stepping: Set<Int>, cancelled: Set<Int>)? {
        let maxSequences = configuration.maxSequences
        var stopped: [GenerationJob] = []
        let work = inbox.state.withLock { state -> (admitted: [GenerationJob], stepping: Set<Int>, cancelled: Set<Int>)? in
            if state.stopping {
                stopped = state.waiting.flatMap(\.self) + lanes.flatMap { $0.running.values }
                state.waiting = state.waiting.map { _ in [] }
                return nil
            }
            let cancelled = state.cancelled
            state.cancelled = []
            func requests(_ m: Int) -> Int { lanes[m].running.count + state.waiting[m].count }
            let someFull = lanes.indices.contains { requests($0) >= maxSequences }
            var admitted: [GenerationJob] = []
            var stepping: Set<Int> = []
            for (m, lane) in lanes.enumerated() where requests(m) > 0 && (requests(m) >= maxSequences || !someFull) {
                stepping.insert(m)
                var running = lane.running.count
                var reserved = lane.reservedCells
                while let next = state.waiting[m].first, running < maxSequences,
                      reserved + next.cells <= configuration.capacity {
                    state.waiting[m].removeFirst()
                    admitted.append(next)
                    running += 1
                    reserved += next.cells
                }
                state.running[m] = running   // counted before `enqueue` sees the shorter queue
            }
            return (admitted, stepping, cancelled)
        }
        for job in stopped { job.post(.failed(.shuttingDown)) }
        return work
    }

    private func start(_ job: GenerationJob) {
        let lane = lanes[job.model]
        do {
            let gid = try lane.generator.start(job.request)
            lane.running[gid] = job
            lane.reservedCells += job.cells
        } catch {
            job.post(.failed(.rejected(error)))
        }
    }

    /// One forward pass of `lane`'s running jobs; each hears of its tokens, and of its end.
    /// Returns whether some job ended.
    private func step(_ lane: Lane) -> Bool {
        let before = lane.running.count
        do {
            for event in try lane.generator.step() {
                guard let job = lane.running[event.request] else { continue }
                job.post(.token(event.token, text: event.text))
                guard event.finished != nil else { continue }
                lane.running[event.request] = nil
                lane.reservedCells -= job.cells
                if let result = lane.generator.takeResult(event.request) { job.post(.finished(result)) }
            }
        } catch {
            for (gid, job) in lane.running {
                lane.generator.cancel(gid)
                job.post(.failed(.failed(error)))
            }
            lane.running = [:]
            lane.reservedCells = 0
        }
        return lane.running.count < before
    }

    /// Makes the running counts and cache use visible to clients.
    private func publish() {
        let cells = lanes.reduce(0) { $0 + $1.generator.context.cache.capacity - $1.generator.context.cache.freeCellCount }
        inbox.state.withLock { state in
            for (m, lane) in lanes.enumerated() { state.running[m] = lane.running.count }
            state.peakRunning = max(state.peakRunning, state.running.reduce(0, +))
            state.cellsInUse = cells
        }
    }
}
