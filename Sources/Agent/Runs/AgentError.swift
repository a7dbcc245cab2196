import SQLiteKit

/// Errors of running tasks and of the run database.
public enum AgentError: Error, Equatable, CustomStringConvertible {
    /// The database stayed locked by another connection longer than the busy timeout.
    case databaseBusy(path: String, waitedSeconds: Double)
    /// A command that only reads found no database at this path.
    case noDatabase(path: String)
    /// The file is not a database, or a damaged one.
    case databaseCorrupt(path: String, SQLiteError)
    /// Any other SQLite failure.
    case database(path: String, SQLiteError)
    /// A prompt plus its token budget does not fit the model's context.
    case promptTooLong(tokens: Int, limit: Int)
    /// The KV caches for this many sequences would exceed the memory budget.
    case kvBudgetExceeded(sequences: Int, tokensPerSequence: Int, neededMiB: Int, budgetMiB: Int)
    /// No run with this id in the database.
    case noSuchRun(Int64)
    /// The database holds something this program cannot read.
    case corruptLog(String)

    public var description: String {
        switch self {
        case let .databaseBusy(path, waited):
            "database \(path) is locked by another process (waited \(waited) s); try again when it is done"
        case let .databaseCorrupt(path, error):
            "database \(path) is damaged or not a Divvy database (\(error.message)); move it aside "
                + "(mv \(path) \(path).bad) to start a new one, or pass --db PATH; `sqlite3 \(path).bad .recover` may rescue its runs"
        case let .database(path, error): "database \(path): \(error)"
        case let .promptTooLong(tokens, limit):
            "prompt and answer need \(tokens) tokens, more than the \(limit) the model's context allows"
        case let .kvBudgetExceeded(sequences, tokens, needed, budget):
            "\(sequences) sequences of \(tokens) tokens need \(needed) MiB of KV cache, over the budget of \(budget) MiB; "
                + "lower --parallel or --max-tokens, or raise --kv-budget"
        case .noDatabase(let path):
            "no run database at \(path) (solve, batch or eval create one; --db or DIVVY_DB chooses another)"
        case .noSuchRun(let id): "no run \(id) in the database (list runs with: divvy runs)"
        case .corruptLog(let reason): "the run log is inconsistent: \(reason)"
        }
    }
}
