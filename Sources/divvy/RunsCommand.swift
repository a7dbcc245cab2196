import Agent
import ArgParse

/// `divvy runs`: the latest runs of the database.
enum RunsCommand: CLICommand {
    static let path = ["runs"]
    static let limit = Option<Int>("limit", valueName: "n", help: "How many runs to list.", default: 20,
                                   validate: { $0 > 0 ? nil : "must be positive" })
    static let command = Command("runs", summary: "List the latest runs, newest first.",
                                 arguments: [limit, AgentOptions.db, AgentOptions.json])

    static func run(_ arguments: ParsedCommand) async throws {
        let runs = try AgentOptions.store(arguments, create: false).runSummaries(limit: arguments[limit]!)
        if arguments[AgentOptions.json] { return try Console.printJSON(runs) }
        guard !runs.isEmpty else { return print("no runs yet") }
        print("run  command  status    started               tasks  correct  cache hits/misses  input")
        for run in runs {
            let input = run.input.count > 50 ? run.input.prefix(49) + "…" : run.input[...]
            print([pad(String(run.id), 4), pad(run.command, 7), pad(run.status, 8), pad(run.startedAt, 20),
                   pad(String(run.tasks), 5), pad(run.graded == 0 ? "–" : "\(run.correct)/\(run.graded)", 7),
                   pad("\(run.cacheHits)/\(run.cacheMisses)", 17), input.replacingOccurrences(of: "\n", with: " ")]
                .joined(separator: "  "))
        }
    }

    private static func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text : text + String(repeating: " ", count: width - text.count)
    }
}
