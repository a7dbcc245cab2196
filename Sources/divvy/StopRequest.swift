import ArgParse
import Dispatch
import Foundation

/// A request to stop after the current unit of work: the first Ctrl-C (SIGINT) or SIGTERM sets it;
/// a second Ctrl-C quits at once.
final class StopRequest: @unchecked Sendable {
    // @unchecked Sendable: `requested` is only read and written under `lock`.
    private let lock = NSLock()
    private var requested = false
    private var sources: [DispatchSourceSignal] = []

    /// Starts listening for SIGINT and SIGTERM; they no longer end the process on the first one.
    static func onInterrupt() -> StopRequest {
        let request = StopRequest()
        request.sources = TerminationSignals.listen(label: "divvy.stop-request") { request.signalled() }
        return request
    }

    func isRequested() -> Bool { lock.withLock { requested } }

    private func signalled() {
        let again = lock.withLock { () -> Bool in
            defer { requested = true }
            return requested
        }
        if again { exit(ExitCode.interrupted.rawValue) }
        Console.error("\nstopping after this step (Ctrl-C again to quit at once, losing the step)")
    }
}
