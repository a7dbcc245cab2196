/// How a task's plan came about.
public struct PlanRecord: Sendable, Codable, Equatable {
    public enum Status: String, Sendable, Codable {
        /// Numbered subquestions were solved, then a synthesis step.
        case planned
        /// The planner said "no decomposition"; the task was solved directly.
        case direct
        /// The planner's output was unusable (`reason` says why); the task was solved directly.
        case fallback
        /// No planner ran (`--no-plan`, or no reasoning path uses a plan).
        case skipped
        /// The planner was not asked: the paths before the first that uses a plan settled the vote.
        case unneeded
        /// The plan was given, not made by the planner (gold decompositions in `divvy eval`).
        case given
    }

    public let status: Status
    /// The plan's subquestions, as written (with `#k` references).
    public let steps: [String]
    public let reason: String?
    /// The planner's text, when it ran.
    public let rawOutput: String?
}

/// One solved subproblem: a plan step, the synthesis, the whole plan answered in one call, or
/// the direct solution.
public struct SubproblemRecord: Sendable, Codable, Equatable {
    public enum Kind: String, Sendable, Codable {
        /// One subquestion (``StepStrategy/separately``).
        case step
        /// The final answer from the answers of the steps (``StepStrategy/separately``).
        case synthesis
        /// All subquestions, then the final answer, in one call (``StepStrategy/together``).
        case guided
        /// The task solved without subquestions.
        case direct
        /// A program answering the task (with the plan's subquestions as named variables, or without).
        case program
    }

    public let kind: Kind
    /// The plan step number; 0 for synthesis, guided and direct.
    public let number: Int
    /// The question with `#k` references replaced by the answers they point to.
    public let question: String
    public let references: [Int]
    public let output: String
    /// The extracted answer, when one was found.
    public let answer: String?
    /// The reasoning path this answer came from (``ReasoningPath``); nil for a plan step.
    public let path: String?
    /// Why the path gave no answer, or what to doubt about it (a program's error, a reply cut at the token limit).
    public let note: String?
    /// Whether the reply stopped at the token limit, so its answer may be cut short.
    public let truncated: Bool

    public init(kind: Kind, number: Int, question: String, references: [Int], output: String, answer: String?,
                path: String? = nil, note: String? = nil, truncated: Bool = false) {
        self.kind = kind
        self.number = number
        self.question = question
        self.references = references
        self.output = output
        self.answer = answer
        self.path = path
        self.note = note
        self.truncated = truncated
    }

    /// Whether this record is a reasoning path's final answer (which votes), not a plan step.
    public var isPathAnswer: Bool { kind != .step }
}

/// One request to a model, served by the model or the cache.
public struct ModelCallRecord: Sendable, Codable, Equatable {
    public let role: CallRole
    public let step: Int?
    public let modelIdentity: String
    public let cacheKey: String
    public let promptTokens: Int
    public let completionTokens: Int
    public let seconds: Double
    public let cacheHit: Bool
    /// Time to the first text of a streamed reply (nil for a cache hit, a reply that came whole,
    /// and calls logged before schema v10).
    public var firstTokenSeconds: Double? = nil
}

/// A finished task of a run (solved, or failed with `error`).
public struct TaskRecord: Sendable, Codable, Equatable {
    public let key: String
    /// Line of the task file, for batch runs.
    public let line: Int?
    public let task: String
    public let gold: String?
    public let answer: String?
    public let correct: Bool?
    /// The final model output (synthesis, guided or direct solution).
    public let output: String?
    public let error: String?
    public let plan: PlanRecord?
    /// Subproblems in the order they were solved.
    public let subproblems: [SubproblemRecord]
    public let calls: [ModelCallRecord]
    public let seconds: Double
    /// The share of the reasoning paths that gave the answer (nil without an answer).
    public let confidence: Double?

    /// The answer in words, from the first prose reply that gave it (``AnswerExtractor/phrase(in:answer:)``:
    /// "the Amazon is longer by 150 kilometers" for 150); nil for an answer only programs gave.
    public var answerPhrase: String? {
        guard let answer else { return nil }
        return subproblems.lazy.filter { $0.isPathAnswer && $0.kind != .program && $0.answer == answer }
            .compactMap { AnswerExtractor.phrase(in: $0.output, answer: answer) }.first
    }

    /// Whether the answer rests only on replies cut at the token limit (no complete reply gave it).
    public var truncated: Bool {
        guard let answer else { return false }
        let supporting = subproblems.filter { $0.isPathAnswer && $0.answer == answer }
        return !supporting.isEmpty && supporting.allSatisfy(\.truncated)
    }

    public init(key: String, line: Int?, task: String, gold: String?, answer: String?, correct: Bool?, output: String?,
                error: String?, plan: PlanRecord?, subproblems: [SubproblemRecord], calls: [ModelCallRecord],
                seconds: Double, confidence: Double? = nil) {
        self.key = key
        self.line = line
        self.task = task
        self.gold = gold
        self.answer = answer
        self.correct = correct
        self.output = output
        self.error = error
        self.plan = plan
        self.subproblems = subproblems
        self.calls = calls
        self.seconds = seconds
        self.confidence = confidence
    }

    /// Tokens the models processed (cache hits cost none).
    public var promptTokens: Int { calls.filter { !$0.cacheHit }.reduce(0) { $0 + $1.promptTokens } }
    public var completionTokens: Int { calls.filter { !$0.cacheHit }.reduce(0) { $0 + $1.completionTokens } }
    public var cacheHits: Int { calls.filter(\.cacheHit).count }
    public var cacheMisses: Int { calls.filter { !$0.cacheHit }.count }
}

/// The settings a run was made with.
public struct RunSettings: Sendable, Codable, Equatable {
    public var plannerPath: String?
    public var plannerIdentity: String?
    /// The planner's LoRA adapter file, if it has one (its hash is part of `plannerIdentity`).
    public var plannerAdapter: String?
    public var solverPath: String
    public var solverIdentity: String
    public var noPlan: Bool
    /// Worked plans in the planner's prompt.
    public var plannerExemplars: Int
    public var parallel: Int
    public var maxTokens: Int
    public var useCache: Bool
    /// Where the planner's worked plans came from (``PlannerExemplars/sourceName``).
    public var exemplarSource: String
    /// How a plan's subquestions were answered.
    public var steps: StepStrategy
    /// The reasoning paths that answered each task (``PathSchedule``).
    public var paths: String

    public init(plannerPath: String?, plannerIdentity: String?, solverPath: String, solverIdentity: String,
                noPlan: Bool, plannerExemplars: Int, parallel: Int, maxTokens: Int, useCache: Bool,
                exemplarSource: String = PlannerExemplars.builtin.sourceName, plannerAdapter: String? = nil,
                steps: StepStrategy = .together, paths: String = PathSchedule.standard.description) {
        self.plannerPath = plannerPath
        self.plannerIdentity = plannerIdentity
        self.solverPath = solverPath
        self.solverIdentity = solverIdentity
        self.noPlan = noPlan
        self.plannerExemplars = plannerExemplars
        self.parallel = parallel
        self.maxTokens = maxTokens
        self.useCache = useCache
        self.exemplarSource = exemplarSource
        self.plannerAdapter = plannerAdapter
        self.steps = steps
        self.paths = paths
    }
}

/// A run as the log holds it.
public struct RunRecord: Sendable, Codable, Equatable {
    public let id: Int64
    /// `solve`, `batch` or `eval:<mode>`.
    public let command: String
    /// The task text (solve) or task file path (batch).
    public let input: String
    public let startedAt: String
    public let finishedAt: String?
    /// `running` until it ends, then `finished`.
    public let status: String
    public let settings: RunSettings
    public let seconds: Double?
    /// CPU time of the run's processes, all threads (summed over resumptions; nil before it finished).
    public let cpuSeconds: Double?
    /// Finished tasks in the order they finished.
    public let tasks: [TaskRecord]

    public var cacheHits: Int { tasks.reduce(0) { $0 + $1.cacheHits } }
    public var cacheMisses: Int { tasks.reduce(0) { $0 + $1.cacheMisses } }
}
