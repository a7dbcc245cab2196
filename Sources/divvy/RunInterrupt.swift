import Agent
import ArgParse
import Dispatch
import Foundation

/// Ctrl-C (SIGINT) or SIGTERM during `solve`, `batch` or `eval`: stop now. Every finished task is
/// already committed to the log, so the run is marked `interrupted`, a line says how to resume,
/// and the process exits 130 at once (work in flight is dropped; the same command redoes it).
final class RunInterrupt: @unchecked Sendable {
    // @unchecked Sendable: `run` is only read and written under `lock`; the sources live as long as the process.
    private let lock = NSLock()
    private var run: (store: AgentStore, id: Int64, timer: RunTimer, resume: String)?
    private var sources: [DispatchSourceSignal] = []

    /// Starts listening for SIGINT and SIGTERM; from now on they end the process through `stop`.
    static func install() -> RunInterrupt {
        let interrupt = RunInterrupt()
        interrupt.sources = TerminationSignals.listen(label: "divvy.run-interrupt") { interrupt.stop() }
        return interrupt
    }

    /// The run a signal marks interrupted from now on, and what to say to resume it.
    func watch(_ id: Int64, in store: AgentStore, timer: RunTimer, resume: String) {
        lock.withLock { run = (store, id, timer, resume) }
    }

    private func stop() {
        if let run = lock.withLock({ run }) {
            let finished = (try? run.store.run(run.id).tasks.count) ?? 0
            try? run.store.interruptRun(run.id, timer: run.timer)
            Console.error("\ninterrupted: run \(run.id) keeps its \(RunPrinter.counted(finished, "finished task")); \(run.resume)")
        } else {
            Console.error("\ninterrupted")
        }
        exit(ExitCode.interrupted.rawValue)
    }
}
