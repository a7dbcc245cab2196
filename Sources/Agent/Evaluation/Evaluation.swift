import Foundation
import LLM

/// How `divvy eval` solves a dataset's problems: `direct` (chain of thought, no planner),
/// `decomposed` (chain of thought with the planner's plan as a hint), `gold-plan` (the same with
/// the dataset's gold subquestions: an upper bound for plan quality), `paths` (the `--paths`
/// schedule's vote, with the planner), `paths-no-plan` (the same paths without it), or one
/// reasoning path by name (`pot`, `pot+plan`, `cot@1`, …).
public struct EvalMode: Hashable, Sendable, CustomStringConvertible {
    public let name: String
    /// The paths to run; nil means the `--paths` schedule.
    public let schedule: PathSchedule?
    /// Whether the planner runs (without it, paths run without the plan).
    public let usesPlanner: Bool
    /// Whether the dataset's gold subquestions are the plans.
    public let usesGoldPlans: Bool

    public static let direct = EvalMode(name: "direct", schedule: .chainOfThought, usesPlanner: false, usesGoldPlans: false)
    public static let decomposed = EvalMode(name: "decomposed", schedule: .guidedChainOfThought, usesPlanner: true, usesGoldPlans: false)
    public static let goldPlan = EvalMode(name: "gold-plan", schedule: .guidedChainOfThought, usesPlanner: false, usesGoldPlans: true)
    public static let paths = EvalMode(name: "paths", schedule: nil, usesPlanner: true, usesGoldPlans: false)
    public static let pathsNoPlan = EvalMode(name: "paths-no-plan", schedule: nil, usesPlanner: false, usesGoldPlans: false)

    /// The named modes, then any single reasoning path.
    public init?(_ name: String) {
        if let mode = [Self.direct, .decomposed, .goldPlan, .paths, .pathsNoPlan].first(where: { $0.name == name }) {
            self = mode
        } else if let path = ReasoningPath(name) {
            self.init(name: path.description, schedule: PathSchedule(stages: [[path]]), usesPlanner: path.usesPlan, usesGoldPlans: false)
        } else {
            return nil
        }
    }

    private init(name: String, schedule: PathSchedule?, usesPlanner: Bool, usesGoldPlans: Bool) {
        self.name = name
        self.schedule = schedule
        self.usesPlanner = usesPlanner
        self.usesGoldPlans = usesGoldPlans
    }

    public var description: String { name }

    /// The run log's command name for runs of this mode (runs resume only their own mode; the
    /// paths a run used are among its settings).
    public var command: String { "eval:" + name }
}

/// Gold decompositions (`gsm8k_*_decomp.jsonl`: `{"id", "subquestions": [{"q", "a"}]}` per line).
public enum GoldPlans {
    /// The plans by problem id, and the lines that hold none (read as task files are, by
    /// ``TaskFile``). Each subquestion builds on all earlier answers (GSM8K's socratic steps refer
    /// back implicitly), so step k references steps 1…k-1.
    /// - Throws: ``TaskFileError/unreadable(path:reason:)`` when the file cannot be read.
    public static func load(_ path: String) throws(TaskFileError) -> (plans: [String: Plan], problems: [TaskLineProblem]) {
        var plans: [String: Plan] = [:]
        var problems: [TaskLineProblem] = []
        for (number, value) in TaskFile.jsonLines(try TaskFile.read(path)) {
            do throws(TaskFile.Rejection) {
                let (id, fields) = try TaskFile.identified(value)
                guard let subquestions = fields["subquestions"] else {
                    throw TaskFile.Rejection(reason: .missingField("subquestions"))
                }
                guard case .array(let entries) = subquestions else {
                    throw TaskFile.Rejection(reason: .wrongType(field: "subquestions", expected: "a list",
                                                                found: subquestions.typeName))
                }
                let questions = try entries.map { (entry) throws(TaskFile.Rejection) -> String in
                    guard case .object(let step) = entry, case .string(let question)? = step["q"],
                          question.contains(where: { !$0.isWhitespace }) else {
                        throw TaskFile.Rejection(reason: .wrongType(field: "subquestions", expected: "objects with a \"q\" string",
                                                                    found: entry.typeName))
                    }
                    return question
                }
                guard !questions.isEmpty else { throw TaskFile.Rejection(reason: .missingField("subquestions")) }
                plans[id] = Plan(steps: questions.enumerated().map { index, question in
                    PlanStep(number: index + 1, question: question, references: Array(1..<(index + 1)))
                })
            } catch {
                problems.append(TaskLineProblem(line: number, reason: error.reason))
            }
        }
        return (plans, problems)
    }
}

/// What one mode of an evaluation measured.
public struct EvalSummary: Sendable, Codable, Equatable {
    public let mode: String
    /// The reasoning paths of the mode's run (``PathSchedule``).
    public let paths: String
    public let run: Int64
    public let problems: Int
    public let correct: Int
    public let errors: Int
    /// Answers that rest only on replies cut at the token limit (``TaskRecord/truncated``).
    public let truncated: Int
    /// correct ÷ problems
    public let accuracy: Double
    public let plannerPromptTokens, plannerCompletionTokens: Int
    public let solverPromptTokens, solverCompletionTokens: Int
    /// Wall time of the run (of its resumed part too, when it was interrupted).
    public let seconds: Double
    /// CPU time of the run, all threads: compare modes by it when the machine was shared.
    public let cpuSeconds: Double
    public let cacheHits, cacheMisses: Int
    /// Tasks the planner planned (it is asked only when a path that uses the plan runs).
    public let plansMade: Int
    /// Tasks whose planner output was unusable and that were solved directly instead.
    public let planFallbacks: Int
    /// Plans the planner was stopped in at a repeated subquestion (kept without the repeat).
    public let plansCutAtRepeat: Int
    /// Where the planner's worked plans came from (`builtin` or `db:<count>:<hash>`).
    public let exemplarSource: String
    /// The planner's plans against the gold decompositions (decomposed mode, when gold plans are known).
    public let planQuality: PlanQuality?

    /// The summary of `record`; `goldPlans` (by problem id) grade the planner's plans.
    public init(mode: EvalMode, run record: RunRecord, goldPlans: [String: Plan] = [:]) {
        self.mode = mode.name
        paths = record.settings.paths
        run = record.id
        problems = record.tasks.count
        correct = record.tasks.filter { $0.correct == true }.count
        errors = record.tasks.filter { $0.error != nil }.count
        truncated = record.tasks.filter(\.truncated).count
        accuracy = problems == 0 ? 0 : Double(correct) / Double(problems)
        let calls = record.tasks.flatMap(\.calls).filter { !$0.cacheHit }
        let planner = calls.filter { $0.role == .planner }, solver = calls.filter { $0.role != .planner }
        plannerPromptTokens = planner.reduce(0) { $0 + $1.promptTokens }
        plannerCompletionTokens = planner.reduce(0) { $0 + $1.completionTokens }
        solverPromptTokens = solver.reduce(0) { $0 + $1.promptTokens }
        solverCompletionTokens = solver.reduce(0) { $0 + $1.completionTokens }
        seconds = record.seconds ?? 0
        cpuSeconds = record.cpuSeconds ?? 0
        cacheHits = record.cacheHits
        cacheMisses = record.cacheMisses
        plansMade = record.tasks.filter { [.planned, .direct, .fallback].contains($0.plan?.status) }.count
        planFallbacks = record.tasks.filter { $0.plan?.status == .fallback }.count
        plansCutAtRepeat = record.tasks.filter { task in
            let lines = (task.plan?.rawOutput ?? "").split(whereSeparator: \.isNewline)
                .map { LineRepeatGuard.key(String($0)) }.filter { !$0.isEmpty }
            return Set(lines).count < lines.count
        }.count
        exemplarSource = record.settings.exemplarSource
        planQuality = PlanQuality(tasks: record.tasks, gold: goldPlans)
    }
}
