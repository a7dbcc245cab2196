import Agent
import ArgParse

/// `--exemplars-from`: which worked plans the planner's prompt shows.
enum ExemplarChoice: String, CaseIterable, ArgumentValue {
    /// The stored exemplars most similar to each task (`divvy distill` fills the table).
    case db
    /// The three fixed plans.
    case builtin

    static let option = Option<ExemplarChoice>(
        "exemplars-from", valueName: "db|builtin",
        help: "Planner exemplars: the stored ones most similar to each task (db), or the three built-in ones "
            + "(default: db when the database holds any).")

    /// The planner exemplars for `choice`; nil means the stored ones when there are any, else the built-in ones.
    /// - Throws: ``ArgParse/UsageError`` when `db` is asked for and none are stored.
    static func resolve(_ choice: ExemplarChoice?, store: AgentStore, commandPath: [String]) throws -> PlannerExemplars {
        if choice == .builtin { return .builtin }
        let stored = try store.exemplars()
        if stored.isEmpty {
            guard choice == nil else {
                throw UsageError("--exemplars-from db: the database \(store.path) holds no exemplars; run `divvy distill` first",
                                 commandPath: commandPath)
            }
            return .builtin
        }
        return .stored(stored)
    }
}
