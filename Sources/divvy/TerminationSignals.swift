import Dispatch
import Foundation

/// SIGINT and SIGTERM delivered to a handler on a queue of its own, instead of ending the process.
enum TerminationSignals {
    /// Starts listening; the returned sources must be kept alive for as long as the handler should run.
    static func listen(label: String, _ handler: @escaping @Sendable () -> Void) -> [DispatchSourceSignal] {
        let queue = DispatchQueue(label: label)
        return [SIGINT, SIGTERM].map { number in
            signal(number, SIG_IGN)   // delivered through the dispatch source instead
            let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
            source.setEventHandler(handler: handler)
            source.resume()
            return source
        }
    }
}
