import Agent
import ArgParse
import Foundation

/// `divvy solve`: plan and solve one task along its reasoning paths, printing each path's answer as it comes.
enum SolveCommand: CLICommand {
    static let path = ["solve"]
    static let task = Positional<String>("task", help: "The task, e.g. a math word problem; - reads it from standard input.")
    static let verbose = Flag("verbose", short: "v", help: "Echo what the planner and solver write to stderr as they write it, each line tagged with its call ([plan], [pot+plan], …).")
    static let command = Command("solve", summary: "Solve one task: print its plan, each reasoning path's answer, then the answer most paths gave.",
                                 arguments: [task, verbose] + AgentOptions.solving)

    static func run(_ arguments: ParsedCommand) async throws {
        let text = Console.textOrStandardInput(arguments[task]!)
        guard text.contains(where: { !$0.isWhitespace }) else {
            throw UsageError("the task is empty", commandPath: ["divvy", "solve"])
        }
        let json = arguments[AgentOptions.json]
        let echo = arguments[verbose] ? WritingEcho() : nil
        let store = try AgentOptions.store(arguments)
        let (solver, settings) = try AgentOptions.session(arguments, store: store) { event in
            switch event {
            case let .writing(_, call, text):
                echo?.add(call: call, text: text)
            case .planned(_, let plan) where !json:
                RunPrinter.planLines(plan).forEach { print($0) }
            case .solved(_, let sub) where !json:
                print(RunPrinter.stepLine(sub))
            case .planned, .solved:
                break
            }
        }
        let runID = try store.startRun(command: "solve", input: text, settings: settings)
        if Console.stderrIsTerminal && echo == nil { Console.error("solving…") }
        let timer = RunTimer()
        RunInterrupt.install().watch(runID, in: store, timer: timer, resume: "solve it again to get its answer")
        try await RunCoordinator.run([TaskItem(id: "1", task: text, answer: nil, line: 1)], solver: solver, inFlight: 1,
                                     store: store, run: runID) { _ in }
        echo?.finish()
        try store.finishRun(runID, timer: timer)
        let run = try store.run(runID)
        try printResult(of: run, json: json)
        if let failure = run.tasks.first?.error { throw TaskFailure(reason: failure) }
    }

    /// Prints what follows the streamed steps: the final answer and the run's counts (or all as JSON).
    static func printResult(of run: RunRecord, json: Bool) throws {
        guard let record = run.tasks.first else { throw AgentError.corruptLog("run \(run.id) has no task") }
        if json {
            try Console.printJSON(RunPrinter.solveJSON(record, run: run.id))
        } else {
            RunPrinter.solveSummary(record, run: run.id).forEach { print($0) }
        }
    }
}
