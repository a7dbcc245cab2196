import Agent
import ArgParse
import Foundation

/// `divvy show`: one run as a tree of tasks, plans, subproblems and model calls.
enum ShowCommand: CLICommand {
    static let path = ["show"]
    static let runID = Positional<Int>("run-id", help: "The run's id (see divvy runs).")
    static let full = Flag("full", help: "Also print each task's whole text and everything the models wrote: the planner's plan and each path's reply.")
    static let command = Command("show", summary: "Print a run as a tree: tasks, plans, subproblems, model calls.",
                                 arguments: [runID, full, AgentOptions.db, AgentOptions.json])

    static func run(_ arguments: ParsedCommand) async throws {
        let run = try AgentOptions.store(arguments, create: false).run(Int64(arguments[runID]!))
        if arguments[AgentOptions.json] { return try Console.printJSON(run) }
        let s = run.settings
        print("run \(run.id) · \(run.command) · \(run.status) · started \(run.startedAt)"
            + (run.seconds.map { String(format: " · %.2f s", $0) } ?? ""))
        print("├─ solver \(s.solverPath) (\(s.solverIdentity))")
        print("├─ planner " + (s.noPlan ? "none (--no-plan)"
            : "\(s.plannerPath ?? "?")" + (s.plannerAdapter.map { " + LoRA \($0)" } ?? "")
                + " (\(s.plannerIdentity ?? "?")), \(s.plannerExemplars) exemplars from \(s.exemplarSource)"))
        print("├─ paths \(s.paths) · steps \(s.steps.rawValue) · parallel \(s.parallel) · max tokens \(s.maxTokens) · cache \(s.useCache ? "on" : "off")"
            + " · \(run.cacheHits) hits, \(run.cacheMisses) misses")
        for (index, task) in run.tasks.enumerated() {
            let last = index == run.tasks.count - 1
            printTask(task, full: arguments[full], branch: last ? "└─ " : "├─ ", indent: last ? "   " : "│  ")
        }
    }

    /// A child of the tree: its first line, and with `--full` the text under it.
    private struct Child {
        let line: String
        var text: String?
    }

    private static func printTask(_ task: TaskRecord, full: Bool, branch: String, indent: String) {
        var head = "task \(task.key)"
        if let line = task.line { head += " (line \(line))" }
        head += ": " + oneLine(task.task, 70)
        if let answer = task.answer { head += " → \(answer)" + (RunPrinter.agreement(task).map { " (\($0))" } ?? "") }
        if let correct = task.correct { head += correct ? " ✓" : " ✗ (gold \(task.gold ?? "?"))" }
        print(branch + head)
        var children: [Child] = []
        if full { children.append(Child(line: "task text:", text: task.task)) }
        if let error = task.error { children.append(Child(line: "error: \(error)")) }
        if let plan = task.plan {
            children.append(Child(line: "plan: \(plan.status.rawValue)" + (plan.reason.map { " (\($0))" } ?? "")
                + (plan.steps.isEmpty ? "" : " · " + plan.steps.enumerated().map { "\($0.offset + 1). \($0.element)" }
                    .joined(separator: " ")), text: full ? plan.rawOutput : nil))
        }
        for sub in task.subproblems {
            let label = sub.kind == .step ? "[\(sub.number)] " + oneLine(sub.question, 70) : sub.path ?? sub.kind.rawValue
            children.append(Child(line: "\(label) → \(sub.answer ?? "(no answer)")" + (sub.note.map { " (\($0))" } ?? ""),
                                  text: full ? sub.output : nil))
        }
        for call in task.calls {
            children.append(Child(line: "call \(call.role.rawValue)\(call.step.map { " \($0)" } ?? ""): \(call.promptTokens) in, "
                + "\(call.completionTokens) out, " + String(format: "%.2f s", call.seconds)
                + (call.firstTokenSeconds.map { String(format: " (first token %.2f s)", $0) } ?? "")
                + (call.cacheHit ? ", cache hit" : "")))
        }
        children.append(Child(line: String(format: "%.2f s", task.seconds)))
        for (index, child) in children.enumerated() {
            let last = index == children.count - 1
            print(indent + (last ? "└─ " : "├─ ") + child.line)
            if let text = child.text {
                for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
                    print(indent + (last ? "   " : "│  ") + "  │ " + line)
                }
            }
        }
    }

    private static func oneLine(_ text: String, _ limit: Int) -> String {
        let flat = text.split(whereSeparator: \.isNewline).joined(separator: " ")
        return flat.count > limit ? String(flat.prefix(limit - 1)) + "…" : flat
    }
}
