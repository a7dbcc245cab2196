import Agent
import Distill
import ArgParse
import Foundation

/// `divvy distill`: mine planner exemplars from training problems by rejection sampling.
enum DistillCommand: CLICommand {
    static let path = ["distill"]
    static let data = Option<String>("data", valueName: "path",
                                     help: "JSONL training problems: {\"id\", \"question\", \"answer\"} per line (never the dev set).",
                                     default: BundledData.trainDecompositions)
    static let limit = Option<Int>("limit", valueName: "n", help: "Use only the first n problems.",
                                   validate: { $0 > 0 ? nil : "must be positive" })
    static let teacher = Option<String>("teacher", valueName: "name|path",
                                        help: "Model writing the plans: short name or .gguf path (default \(defaultTeacher); with --out, "
                                            + "only when given: its kept plans join the gold ones).")
    static let defaultTeacher = "qwen2.5-coder-1.5b"
    static let samples = Option<Int>("samples", valueName: "k",
                                     help: "Most plans tried per problem: greedy first, then sampled at temperature 0.7 with seeds 1…k-1.",
                                     default: 1, validate: { (1...16).contains($0) ? nil : "must be 1…16" })
    static let source = Option<ExemplarOrigin>("source", valueName: "teacher|gold",
                                               help: "Plans to try: the teacher's, or the data file's gold subquestions.",
                                               default: .teacher)
    static let command = Command(
        "distill", summary: "Distil the planner: train a LoRA adapter on good plans (--out), or keep good plans as exemplars.",
        discussion: """
        With --out FILE: fine-tunes the planner model (--base) with LoRA on the data file's gold subquestions, in the \
        planner's zero-exemplar prompt, with the loss on the plan only; with --teacher, the teacher first plans the first \
        --teacher-limit problems and its plans that lead the solver to the gold answer join the gold ones (rejection \
        sampling). Progress shows loss, tokens/s and time left; every step is logged in the database; Ctrl-C stops after \
        the current step with a checkpoint, and the same command resumes. The adapter is a GGUF file in llama.cpp's \
        LoRA layout; use it with --planner-lora.

        Without --out: the teacher plans each problem with the planner prompt and its built-in exemplars (or, with \
        --source gold, the data file's subquestions are the plan); the solver solves the problem with that plan; a plan \
        is stored in the exemplars table only when the final answer matches the gold one. Problems this source, teacher \
        and solver already tried are skipped. The planner of solve, batch and eval then shows the stored exemplars most \
        similar to each task (see --exemplars-from).
        """,
        arguments: [data, limit, teacher, samples, source] + DistillLoRA.options
            + [AgentOptions.db, AgentOptions.solver, AgentOptions.exemplars, AgentOptions.parallel, AgentOptions.maxTokens,
               AgentOptions.kvBudget, AgentOptions.json])

    static func run(_ arguments: ParsedCommand) async throws {
        let dataPath = URL(fileURLWithPath: BundledData.resolve(arguments[data]!)).standardizedFileURL.path
        guard !URL(fileURLWithPath: dataPath).lastPathComponent.contains("dev") else {
            throw UsageError("--data \(dataPath): distilling from the dev set would tune the planner on the problems it is evaluated on",
                             commandPath: path)
        }
        let store = try AgentOptions.store(arguments)
        guard let output = arguments[DistillLoRA.out] else {
            let summary = try await mineExemplars(arguments, dataPath: dataPath, store: store, limit: arguments[limit])
            if arguments[AgentOptions.json] { return try Console.printJSON(summary) }
            return print(summary.text)
        }
        if arguments[teacher] != nil {
            let summary = try await mineExemplars(arguments, dataPath: dataPath, store: store, limit: arguments[DistillLoRA.teacherLimit])
            Console.error(summary.text)
        }
        try DistillLoRA.run(arguments, output: URL(fileURLWithPath: output).standardizedFileURL.path, dataPath: dataPath, store: store)
    }

    /// Keeps the teacher's (or the gold) plans of the first `limit` problems that lead the solver to the gold answer.
    static func mineExemplars(_ arguments: ParsedCommand, dataPath: String, store: AgentStore, limit: Int?) async throws -> Summary {
        var (items, problems) = try TaskFile.load(dataPath)
        for problem in problems { Console.error("\(dataPath): \(problem)") }
        if let limit { items = Array(items.prefix(limit)) }
        // The solver follows each candidate plan with chain of thought, as the plans were judged before paths existed.
        let (solver, settings) = try AgentOptions.session(arguments, store: store, schedule: .guidedChainOfThought, noPlan: false,
                                                          teacher: arguments[teacher] ?? defaultTeacher, exemplarsDefault: .builtin) { _ in }
        // A session with noPlan false always has a planner (distill offers no remote one): the teacher.
        let teacherModel = solver.planner!, teacherIdentity = settings.plannerIdentity!
        let origin = arguments[source]!
        let runCommand = origin == .teacher ? "distill" : "distill:gold"
        let tried = try store.distilledProblems(command: runCommand, teacherIdentity: teacherIdentity,
                                                solverIdentity: settings.solverIdentity)
        let todo = items.filter { !tried.contains($0.id) }
        let plans: DistillSource = origin == .teacher ? .teacher(teacherModel, samples: arguments[samples]!)
            : .gold(try GoldPlans.load(dataPath).plans)
        let runID = try store.resumableRun(command: runCommand, input: dataPath, settings: settings)
            ?? store.startRun(command: runCommand, input: dataPath, settings: settings)

        let progress = BatchProgress(total: todo.count, shown: Console.stderrIsTerminal, label: "distill")
        let outcomes = Outcomes()
        let timer = RunTimer()
        try await Distiller(source: plans, solver: solver)
            .run(todo, inFlight: settings.parallel, store: store, run: runID) { outcome in
                outcomes.add(outcome)
                progress.add(outcome.record)
            }
        progress.end()
        let seconds = timer.wallSeconds
        try store.finishRun(runID, timer: timer)

        return outcomes.summary(run: runID, selected: items.count, skipped: items.count - todo.count,
                                stored: try store.exemplars().count, seconds: seconds)
    }

    /// What a distill invocation did.
    struct Summary: Encodable {
        let run: Int64
        /// Problems selected (after --limit), skipped because tried before, tried now, kept now.
        let problems, skipped, tried, kept: Int
        /// Problems whose attempt failed with an error (not a wrong answer).
        let errors: Int
        /// Exemplars in the database after this run.
        let exemplars: Int
        let cacheHits, cacheMisses, promptTokens, completionTokens: Int
        let seconds: Double

        var text: String {
            let rate = tried == 0 ? "" : String(format: " (%.0f%%)", 100 * Double(kept) / Double(tried))
            return """
            distill run \(run): tried \(tried) of \(problems) problems (\(skipped) tried before), kept \(kept)\(rate), \(errors) errors
            exemplars stored: \(exemplars)
            tokens (in/out): \(promptTokens)/\(completionTokens) · cache \(cacheHits) hits, \(cacheMisses) misses · \
            \(String(format: "%.1f", seconds)) s
            """
        }
    }

    /// Tallies outcomes as they arrive from concurrent tasks.
    final class Outcomes: @unchecked Sendable {
        private let lock = NSLock()
        private var records: [TaskRecord] = []
        private var kept = 0

        func add(_ outcome: DistillOutcome) {
            lock.withLock {
                records.append(outcome.record)
                if outcome.exemplar != nil { kept += 1 }
            }
        }

        func summary(run: Int64, selected: Int, skipped: Int, stored: Int, seconds: Double) -> Summary {
            lock.withLock {
                Summary(run: run, problems: selected, skipped: skipped, tried: records.count, kept: kept,
                        errors: records.filter { $0.error != nil }.count, exemplars: stored,
                        cacheHits: records.reduce(0) { $0 + $1.cacheHits }, cacheMisses: records.reduce(0) { $0 + $1.cacheMisses },
                        promptTokens: records.reduce(0) { $0 + $1.promptTokens },
                        completionTokens: records.reduce(0) { $0 + $1.completionTokens }, seconds: seconds)
            }
        }
    }
}

extension ExemplarOrigin: ArgumentValue {}
