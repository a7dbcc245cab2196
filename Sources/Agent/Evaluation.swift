import Foundation

/// How `divvy eval` solves a dataset's problems.
public enum EvalMode: String, Sendable, CaseIterable {
    /// The solver alone, with chain of thought.
    case direct
    /// The planner's subquestions, solved by the solver, then a synthesis.
    case decomposed
    /// The dataset's gold subquestions solved by the solver: an upper bound for plan quality.
    case goldPlan = "gold-plan"

    /// The run log's command name for runs of this mode (runs resume only their own mode).
    public var command: String { "eval:" + rawValue }
}

/// Gold decompositions (`gsm8k_*_decomp.jsonl`: `{"id", "subquestions": [{"q", "a"}]}` per line).
public enum GoldPlans {
    /// The plans by problem id. Each subquestion builds on all earlier answers (GSM8K's socratic
    /// steps refer back implicitly), so step k references steps 1…k-1.
    public static func load(_ path: String) throws(TaskFileError) -> [String: Plan] {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw .unreadable(path: path, reason: error.localizedDescription)
        }
        var plans: [String: Plan] = [:]
        for line in data.split(separator: UInt8(ascii: "\n")) {
            guard let object = try? JSONSerialization.jsonObject(with: line) as? [String: Any],
                  let id = object["id"].map({ "\($0)" }),
                  let subquestions = object["subquestions"] as? [[String: Any]] else { continue }
            let questions = subquestions.compactMap { $0["q"] as? String }
            guard !questions.isEmpty else { continue }
            plans[id] = Plan(steps: questions.enumerated().map { index, question in
                PlanStep(number: index + 1, question: question, references: Array(1..<(index + 1)))
            })
        }
        return plans
    }
}

/// What one mode of an evaluation measured.
public struct EvalSummary: Sendable, Codable, Equatable {
    public let mode: String
    public let run: Int64
    public let problems: Int
    public let correct: Int
    public let errors: Int
    /// correct ÷ problems
    public let accuracy: Double
    public let plannerPromptTokens, plannerCompletionTokens: Int
    public let solverPromptTokens, solverCompletionTokens: Int
    /// Wall time of the run (of its resumed part too, when it was interrupted).
    public let seconds: Double
    /// CPU time of the run, all threads: compare modes by it when the machine was shared.
    public let cpuSeconds: Double
    public let cacheHits, cacheMisses: Int
    /// Tasks whose planner output was unusable and that were solved directly instead.
    public let planFallbacks: Int
    /// Where the planner's worked plans came from (`builtin` or `db:<count>:<hash>`).
    public let exemplarSource: String
    /// The planner's plans against the gold decompositions (decomposed mode, when gold plans are known).
    public let planQuality: PlanQuality?

    /// The summary of `record`; `goldPlans` (by problem id) grade the planner's plans.
    public init(mode: EvalMode, run record: RunRecord, goldPlans: [String: Plan] = [:]) {
        self.mode = mode.rawValue
        run = record.id
        problems = record.tasks.count
        correct = record.tasks.filter { $0.correct == true }.count
        errors = record.tasks.filter { $0.error != nil }.count
        accuracy = problems == 0 ? 0 : Double(correct) / Double(problems)
        let calls = record.tasks.flatMap(\.calls).filter { !$0.cacheHit }
        let planner = calls.filter { $0.role == "planner" }, solver = calls.filter { $0.role != "planner" }
        plannerPromptTokens = planner.reduce(0) { $0 + $1.promptTokens }
        plannerCompletionTokens = planner.reduce(0) { $0 + $1.completionTokens }
        solverPromptTokens = solver.reduce(0) { $0 + $1.promptTokens }
        solverCompletionTokens = solver.reduce(0) { $0 + $1.completionTokens }
        seconds = record.seconds ?? 0
        cpuSeconds = record.cpuSeconds ?? 0
        cacheHits = record.cacheHits
        cacheMisses = record.cacheMisses
        planFallbacks = record.tasks.filter { $0.plan?.status == .fallback }.count
        exemplarSource = record.settings.exemplarSource
        planQuality = PlanQuality(tasks: record.tasks, gold: goldPlans)
    }
}
