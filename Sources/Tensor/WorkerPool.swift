import CKernels
import Dispatch
import Foundation
import Synchronization

/// A persistent set of threads that run the chunks of one job alongside the calling thread.
///
/// `run(chunks:_:)` publishes a job by bumping `generation`; idle workers spin briefly (so the
/// ~200 matmuls of a decoded token do not pay a thread wake-up each) and then block on a
/// semaphore. Chunks are claimed with an atomic counter, so a busy core just takes fewer.
/// Only one job runs at a time; a caller that finds the pool busy runs its job serially.
///
/// `@unchecked Sendable`: the job fields (`body`, `chunkCount`) are written only by the one
/// submitter holding `submitLock`, before `open` is set (sequentially consistent atomics), and are
/// read by workers only between `busy.add` and `busy.subtract`; the submitter clears them only after
/// every chunk is done, `open` is false and `busy` is 0, so no worker can observe a stale closure.
public final class WorkerPool: @unchecked Sendable {
    /// The process-wide pool: one thread per core beyond the caller's.
    public static let shared = WorkerPool(extraThreads: max(0, ProcessInfo.processInfo.activeProcessorCount - 1))

    /// A pool without extra threads: jobs run on the caller.
    public static let serial = WorkerPool(extraThreads: 0)

    /// Threads that run chunks, counting the caller.
    public var threadCount: Int { workers.count + 1 }

    private final class Worker: @unchecked Sendable {  // Sendable: only atomics and a semaphore.
        let sleeping = Atomic<Bool>(false)
        let wake = DispatchSemaphore(value: 0)
    }

    private let workers: [Worker]
    private let submitLock = Mutex(())
    private let generation = Atomic<Int>(0)
    private let open = Atomic<Bool>(false)
    private let busy = Atomic<Int>(0)
    private let nextChunk = Atomic<Int>(0)
    private let doneChunks = Atomic<Int>(0)
    private nonisolated(unsafe) var body: ((Int, Int) -> Void)?
    private nonisolated(unsafe) var chunkCount = 0
    /// Contention fallback (touched only under `submitLock`): jobs where the caller had to wait
    /// long for a worker (preempted by another process mid-chunk) count as strikes; 3 strikes in
    /// a row run the next 256 jobs on the caller alone.
    private nonisolated(unsafe) var strikes = 0
    private nonisolated(unsafe) var serialJobsLeft = 0
    /// Spin iterations (each a `pause`) before an idle worker blocks.
    private let spinLimit: Int

    public init(extraThreads: Int, spinLimit: Int = 5_000) {
        self.workers = (0..<extraThreads).map { _ in Worker() }
        self.spinLimit = spinLimit
        for (i, w) in workers.enumerated() {
            let t = Thread { [self] in self.workerLoop(w, index: i + 1) }
            t.stackSize = 1 << 20
            t.start()
        }
    }

    /// Runs `body(chunk, thread)` for every chunk in 0..<chunks, spread over the pool's threads
    /// (`thread` is 0 for the caller, 1... for workers, < threadCount); returns when all are done.
    /// Chunks must write disjoint memory.
    public func run(chunks: Int, _ body: (_ chunk: Int, _ thread: Int) -> Void) {
        if chunks <= 0 { return }
        if workers.isEmpty || chunks == 1 {
            for c in 0..<chunks { body(c, 0) }
            return
        }
        let ran: Bool? = submitLock.withLockIfAvailable { _ in
            if serialJobsLeft > 0 {
                serialJobsLeft -= 1
                for c in 0..<chunks { body(c, 0) }
            } else {
                withoutActuallyEscaping(body) { esc in runLocked(chunks: chunks, esc) }
            }
            return true
        }
        if ran == nil {
            for c in 0..<chunks { body(c, 0) }
        }
    }

    private func runLocked(chunks: Int, _ esc: @escaping (Int, Int) -> Void) {
        body = esc
        chunkCount = chunks
        nextChunk.store(0, ordering: .sequentiallyConsistent)
        doneChunks.store(0, ordering: .sequentiallyConsistent)
        open.store(true, ordering: .sequentiallyConsistent)
        generation.add(1, ordering: .sequentiallyConsistent)
        for w in workers where w.sleeping.exchange(false, ordering: .sequentiallyConsistent) {
            w.wake.signal()
        }
        let t0 = DispatchTime.now().uptimeNanoseconds
        let mine = drain(thread: 0)
        let t1 = DispatchTime.now().uptimeNanoseconds
        var spins = 0
        while doneChunks.load(ordering: .sequentiallyConsistent) < chunks {
            // A worker may have been preempted mid-chunk (other processes on the cores): after a
            // short spin, yield the core so it can finish.
            spins += 1
            if spins < 2000 { dv_pause() } else { sched_yield() }
        }
        // Waiting for the last chunk should take at most about one chunk's time; far longer means
        // a preempted worker.
        if spins >= 2000 && mine > 0 {
            let waited = DispatchTime.now().uptimeNanoseconds - t1, perChunk = (t1 - t0) / UInt64(mine)
            if waited > 3 * perChunk + 20_000 {
                strikes += 1
                if strikes >= 3 { strikes = 0; serialJobsLeft = 256 }
            } else {
                strikes = 0
            }
        } else {
            strikes = 0
        }
        open.store(false, ordering: .sequentiallyConsistent)
        while busy.load(ordering: .sequentiallyConsistent) != 0 { dv_pause() }
        body = nil
        chunkCount = 0
    }

    /// Claims and runs chunks of the open job until none are left; returns how many it ran.
    @discardableResult
    private func drain(thread: Int) -> Int {
        guard let body else { return 0 }
        let n = chunkCount
        var ran = 0
        while true {
            let c = nextChunk.add(1, ordering: .sequentiallyConsistent).oldValue
            if c >= n { return ran }
            body(c, thread)
            ran += 1
            doneChunks.add(1, ordering: .sequentiallyConsistent)
        }
    }

    private func workerLoop(_ w: Worker, index: Int) {
        var seen = generation.load(ordering: .sequentiallyConsistent)
        while true {
            var spins = 0
            while generation.load(ordering: .sequentiallyConsistent) == seen {
                if spins < spinLimit {
                    spins += 1
                    dv_pause()
                    continue
                }
                w.sleeping.store(true, ordering: .sequentiallyConsistent)
                if generation.load(ordering: .sequentiallyConsistent) != seen {
                    // A job arrived meanwhile: take our flag back, or consume the signal it sent.
                    if !w.sleeping.exchange(false, ordering: .sequentiallyConsistent) { w.wake.wait() }
                    break
                }
                w.wake.wait()
                spins = 0
            }
            seen = generation.load(ordering: .sequentiallyConsistent)
            busy.add(1, ordering: .sequentiallyConsistent)
            if open.load(ordering: .sequentiallyConsistent) { drain(thread: index) }
            busy.subtract(1, ordering: .sequentiallyConsistent)
        }
    }
}
