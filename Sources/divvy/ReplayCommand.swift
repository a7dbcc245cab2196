import Agent
import ArgParse

/// `divvy replay`: prints a run's output again from the log, with no model calls.
enum ReplayCommand: CLICommand {
    static let path = ["replay"]
    static let runID = Positional<Int>("run-id", help: "The run's id (see divvy runs).")
    static let command = Command("replay", summary: "Reproduce a run's output from the log, without running models; say whether the model files changed since.",
                                 arguments: [runID, AgentOptions.db, AgentOptions.json])

    static func run(_ arguments: ParsedCommand) async throws {
        let store = try AgentOptions.store(arguments, create: false)
        let run = try store.run(Int64(arguments[runID]!))
        let json = arguments[AgentOptions.json]
        if run.command == "batch" {
            run.tasks.forEach { print(RunPrinter.batchLine($0)) }
            try BatchCommand.printSummary(of: run, json: json, toStdout: false)
        } else if json {
            try SolveCommand.printResult(of: run, json: true)
        } else {
            guard let task = run.tasks.first else { throw AgentError.corruptLog("run \(run.id) has no task") }
            RunPrinter.solveText(task, run: run.id).forEach { print($0) }
        }
        var models: [(role: String, path: String, adapter: String?, identity: String)] =
            [("solver", run.settings.solverPath, nil, run.settings.solverIdentity)]
        if let path = run.settings.plannerPath, let identity = run.settings.plannerIdentity {
            models.append(("planner", path, run.settings.plannerAdapter, identity))
        }
        for model in models {
            let files = model.path + (model.adapter.map { " with the LoRA adapter \($0)" } ?? "")
            switch try store.currentModelIdentity(path: model.path, adapterPath: model.adapter) {
            case nil: Console.error("replay: the \(model.role) model \(files) is no longer readable")
            case model.identity?: continue
            case let now?: Console.error("replay: the \(model.role) model \(files) changed since the run (identity was \(model.identity), now \(now)); a new run may answer differently")
            }
        }
        Console.error("replay: run \(run.id) reproduced from the log with 0 model calls" + (run.status == "finished" ? "" : " (the run did not finish)"))
    }
}
