import Dispatch
import Foundation

/// Waiting for SIGINT or SIGTERM, so `divvy serve` can stop cleanly.
enum ServeSignals {
    /// Returns the first of SIGINT and SIGTERM that arrives.
    static func waitForTermination() async -> Int32 {
        await withCheckedContinuation { continuation in
            let queue = DispatchQueue(label: "divvy.serve.signals")
            queue.async {
                var sources: [DispatchSourceSignal] = []
                var resumed = false
                for number in [SIGINT, SIGTERM] {
                    signal(number, SIG_IGN)   // delivered through the dispatch source instead
                    let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
                    source.setEventHandler {
                        guard !resumed else { return }
                        resumed = true
                        sources.forEach { $0.cancel() }
                        continuation.resume(returning: number)
                    }
                    source.resume()
                    sources.append(source)
                }
            }
        }
    }
}
