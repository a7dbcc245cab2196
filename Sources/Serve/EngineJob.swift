import Dispatch
import LLM
import Synchronization

/// What the engine reports to a job's waiting request handler.
enum JobEvent: Sendable {
    /// Generated text that became final.
    case text(String)
    /// The generation ended; its result carries the tokens and why it stopped.
    case finished(GenerationResult)
    /// The engine could not run the job.
    case failed(APIError)
}

/// One request's place in the engine: the engine posts events, the request handler's thread
/// takes them (waiting with a timeout so it can check on its client between events).
final class EngineJob: Sendable {
    let id: Int
    let request: GenerationRequest
    private let mailbox = Mutex<[JobEvent]>([])
    private let posted = DispatchSemaphore(value: 0)

    init(id: Int, request: GenerationRequest) {
        self.id = id
        self.request = request
    }

    /// Called by the engine.
    func post(_ event: JobEvent) {
        mailbox.withLock { $0.append(event) }
        posted.signal()
    }

    /// The events posted since the last call; empty when none came within `timeout`.
    func take(waiting timeout: Duration) -> [JobEvent] {
        let nanoseconds = timeout.components.seconds * 1_000_000_000 + timeout.components.attoseconds / 1_000_000_000
        _ = posted.wait(timeout: .now() + .nanoseconds(Int(nanoseconds)))
        return mailbox.withLock { events in
            defer { events = [] }
            return events
        }
    }
}
