import DurationUnits
import Dispatch
import LLM
import Synchronization

/// A request handler's inbox for one engine job: the engine thread posts its events, the
/// handler's thread takes them, waiting with a timeout so it can check on its client between events.
final class JobMailbox: Sendable {
    private let events = Mutex<[EngineEvent]>([])
    private let posted = DispatchSemaphore(value: 0)

    /// The engine's sink for the job.
    func post(_ event: EngineEvent) {
        events.withLock { $0.append(event) }
        posted.signal()
    }

    /// The events posted since the last call; empty when none came within `timeout`.
    func take(waiting timeout: Duration) -> [EngineEvent] {
        _ = posted.wait(timeout: .now() + .nanoseconds(Int(timeout.nanoseconds)))
        return events.withLock { events in
            defer { events = [] }
            return events
        }
    }
}
