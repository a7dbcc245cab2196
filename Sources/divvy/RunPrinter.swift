import Agent
import Foundation

/// The text and JSON forms of solve and batch output, shared by live runs and `divvy replay`
/// so a replay prints exactly what the run printed.
enum RunPrinter {
    /// The lines printed when a task's plan is known.
    static func planLines(_ plan: PlanRecord) -> [String] {
        switch plan.status {
        case .planned, .given: [plan.status == .given ? "Plan (given):" : "Plan:"] + plan.steps.enumerated().map { "  \($0.offset + 1). \($0.element)" }
        case .direct: ["Plan: no decomposition; solving directly"]
        case .fallback: ["Plan: unusable planner output (\(plan.reason ?? "no reason")); solving directly"]
        case .skipped: ["Plan: none (--no-plan, or no reasoning path uses one)"]
        case .unneeded: ["Plan: not needed (the first reasoning paths agreed)"]
        }
    }

    /// The line printed when a plan step is solved, or a reasoning path has answered.
    static func stepLine(_ sub: SubproblemRecord) -> String {
        guard sub.kind == .step else {
            return "[\(sub.path ?? sub.kind.rawValue)] → \(sub.answer ?? "(no answer)")" + (sub.note.map { " (\($0))" } ?? "")
        }
        return "[\(sub.number)] \(sub.question) → \(sub.answer ?? "(no answer)")"
    }

    /// How many of the task's reasoning paths gave its answer, e.g. "2 of 3 paths agree".
    static func agreement(_ task: TaskRecord) -> String? {
        let paths = task.subproblems.filter(\.isPathAnswer).count
        guard let share = task.confidence, paths > 1 else { return nil }
        return "\(Int((share * Double(paths)).rounded())) of \(paths) paths agree"
    }

    /// The closing lines of `solve`.
    static func solveSummary(_ task: TaskRecord, run: Int64) -> [String] {
        var lines: [String] = []
        if let error = task.error { lines.append("Error: \(error)") }
        let notes = [task.answerPhrase, agreement(task)].compactMap { $0 }
        lines.append("Answer: \(task.answer ?? "(none)")" + (notes.isEmpty ? "" : " (\(notes.joined(separator: "; ")))"))
        if task.truncated {
            lines.append("truncated: every reply that gave this answer was cut at the token limit; --max-tokens raises it")
        }
        lines.append("[run \(run) · cache: \(task.cacheHits) hits, \(task.cacheMisses) misses · tokens: "
            + "\(task.promptTokens) in, \(task.completionTokens) out · \(String(format: "%.2f", task.seconds)) s]")
        return lines
    }

    /// All text `solve` prints for `task`, in order.
    static func solveText(_ task: TaskRecord, run: Int64) -> [String] {
        (task.plan.map(planLines) ?? []) + task.subproblems.map(stepLine) + solveSummary(task, run: run)
    }

    struct SolveJSON: Encodable {
        let run: Int64
        let task: String
        let plan: PlanRecord?
        let subproblems: [SubproblemRecord]
        let answer: String?
        /// The answer in words, from a prose reply that gave it.
        let phrase: String?
        /// The share of the reasoning paths that gave the answer.
        let confidence: Double?
        /// The answer rests only on replies cut at the token limit.
        let truncated: Bool
        let output: String?
        let error: String?
        let tokens: Tokens
        let cache: CacheCounts
        let seconds: Double
    }

    struct Tokens: Encodable { let prompt, completion: Int }
    struct CacheCounts: Encodable { let hits, misses: Int }

    static func solveJSON(_ task: TaskRecord, run: Int64) -> SolveJSON {
        SolveJSON(run: run, task: task.task, plan: task.plan, subproblems: task.subproblems, answer: task.answer,
                  phrase: task.answerPhrase, confidence: task.confidence, truncated: task.truncated, output: task.output, error: task.error,
                  tokens: Tokens(prompt: task.promptTokens, completion: task.completionTokens),
                  cache: CacheCounts(hits: task.cacheHits, misses: task.cacheMisses), seconds: task.seconds)
    }

    struct BatchLine: Encodable {
        let id: String?
        let line: Int?
        let task: String?
        let gold: String?
        /// The plan's subquestions, when the planner gave some.
        let plan: [String]?
        let answer: String?
        let confidence: Double?
        let truncated: Bool
        let correct: Bool?
        let error: String?
        let tokens: Tokens
        let cache: CacheCounts
        let seconds: Double
    }

    /// One JSONL result line of `batch`.
    static func batchLine(_ task: TaskRecord) -> String {
        let isBadLine = task.key.hasPrefix(BatchRun.badLinePrefix)
        let line = BatchLine(id: isBadLine ? nil : task.key, line: task.line, task: isBadLine ? nil : task.task, gold: task.gold,
                             plan: task.plan.flatMap { $0.steps.isEmpty ? nil : $0.steps }, answer: task.answer,
                             confidence: task.confidence, truncated: task.truncated, correct: task.correct, error: task.error,
                             tokens: Tokens(prompt: task.promptTokens, completion: task.completionTokens),
                             cache: CacheCounts(hits: task.cacheHits, misses: task.cacheMisses), seconds: task.seconds)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: (try? encoder.encode(line)) ?? Data(), as: UTF8.self)
    }

    /// "1 task", "3 tasks".
    static func counted(_ count: Int, _ noun: String) -> String { "\(count) \(noun)\(count == 1 ? "" : "s")" }

    /// The summary of a batch run.
    static func batchSummary(_ run: RunRecord) -> String {
        let graded = run.tasks.filter { $0.correct != nil }
        let correct = graded.filter { $0.correct == true }.count
        let errors = run.tasks.filter { $0.error != nil }.count
        var text = "run \(run.id): \(counted(run.tasks.count, "task"))"
        if !graded.isEmpty {
            text += ", \(correct)/\(graded.count) correct (\(String(format: "%.1f", 100 * Double(correct) / Double(graded.count)))%)"
        }
        if errors > 0 { text += ", \(counted(errors, "error"))" }
        text += " · cache: \(run.cacheHits) hits, \(run.cacheMisses) misses"
        text += " · tokens: \(run.tasks.reduce(0) { $0 + $1.promptTokens }) in, \(run.tasks.reduce(0) { $0 + $1.completionTokens }) out"
        return text
    }
}
