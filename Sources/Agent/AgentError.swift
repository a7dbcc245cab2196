import SQLiteKit

/// Errors of running tasks and of the run database.
public enum AgentError: Error, Equatable, CustomStringConvertible {
    /// The database stayed locked by another connection longer than the busy timeout.
    case databaseBusy(path: String, waitedSeconds: Double)
    /// Any other SQLite failure.
    case database(path: String, SQLiteError)
    /// A prompt plus its token budget does not fit the model's context.
    case promptTooLong(tokens: Int, limit: Int)
    /// No run with this id in the database.
    case noSuchRun(Int64)
    /// The database holds something this program cannot read.
    case corruptLog(String)

    public var description: String {
        switch self {
        case let .databaseBusy(path, waited):
            "database \(path) is locked by another process (waited \(waited) s); try again when it is done"
        case let .database(path, error): "database \(path): \(error)"
        case let .promptTooLong(tokens, limit):
            "prompt and answer need \(tokens) tokens, more than the \(limit) the model's context allows"
        case .noSuchRun(let id): "no run \(id) in the database (list runs with: divvy runs)"
        case .corruptLog(let reason): "the run log is inconsistent: \(reason)"
        }
    }
}
