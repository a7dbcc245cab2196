import Agent
import ArgParse
import Foundation

/// `divvy eval`: accuracy and cost of solving a dataset directly, decomposed, and with gold plans.
enum EvalCommand: CLICommand {
    static let path = ["eval"]
    static let data = Option<String>("data", valueName: "path", help: "JSONL problems: {\"id\", \"question\", \"answer\"} per line.",
                                     default: BundledData.devProblems)
    static let decompositions = Option<String>("decompositions", valueName: "path",
                                               help: "Gold decompositions for gold-plan mode (default: the data file with _decomp before .jsonl).")
    static let skip = Option<Int>("skip", valueName: "n", help: "Leave out the first n problems (e.g. those used to tune prompts).",
                                  validate: { $0 >= 0 ? nil : "must not be negative" })
    static let limit = Option<Int>("limit", valueName: "n", help: "Use only the first n problems (after --skip).",
                                   validate: { $0 > 0 ? nil : "must be positive" })
    static let modes = Option<[EvalMode]>("modes", valueName: "list",
                                          help: "Comma-separated: direct (chain of thought alone), decomposed (with the plan as a hint), "
                                            + "gold-plan (with gold subquestions), paths (the --paths vote), paths-no-plan (the same without "
                                            + "the planner), or one reasoning path (pot, pot+plan, cot@1, …).",
                                          default: [.direct, .paths, .pathsNoPlan])
    static let baseline = Option<Int>("baseline", valueName: "run",
                                      help: "A stored run (e.g. an earlier eval's direct mode) to compare every mode with, problem by problem.",
                                      validate: { $0 > 0 ? nil : "must be positive" })
    static let command = Command(
        "eval", summary: "Measure exact-match accuracy, tokens and time per mode on a dataset; resumable.",
        discussion: "Each mode is a run in the database (inspect it with `divvy show`); running the same command again resumes unfinished modes. "
            + "Every pair of modes (and each mode and --baseline) is compared problem by problem: the problems only one got right, "
            + "and the exact sign test's two-sided p-value.",
        arguments: [data, decompositions, skip, limit, modes, AgentOptions.paths, baseline, AgentOptions.db, AgentOptions.planner, AgentOptions.plannerLoRA, AgentOptions.solver, AgentOptions.exemplars,
                    ExemplarChoice.option, AgentOptions.parallel, AgentOptions.maxTokens, AgentOptions.kvBudget,
                    AgentOptions.noCache, AgentOptions.steps, AgentOptions.json] + SpeculationOption.all + RemoteOptions.all)

    static func run(_ arguments: ParsedCommand) async throws {
        let dataPath = URL(fileURLWithPath: BundledData.resolve(arguments[data]!)).standardizedFileURL.path
        var (items, problems) = try TaskFile.load(dataPath)
        for problem in problems { Console.error("\(dataPath): \(problem)") }
        if let skip = arguments[skip] { items = Array(items.dropFirst(skip)) }
        if let limit = arguments[limit] { items = Array(items.prefix(limit)) }
        let selected = arguments[modes]!
        let decompositionsPath = arguments[decompositions] ?? dataPath.replacingOccurrences(of: ".jsonl", with: "_decomp.jsonl")
        // Gold plans drive gold-plan mode and grade the planner's plans in decomposed mode (when the file is there).
        var goldPlans: [String: Plan] = [:]
        if selected.contains(where: \.usesGoldPlans) || FileManager.default.fileExists(atPath: decompositionsPath) {
            let (plans, problems) = try GoldPlans.load(decompositionsPath)
            for problem in problems { Console.error("\(decompositionsPath): \(problem)") }
            goldPlans = plans
        }
        let store = try AgentOptions.store(arguments)
        let baselineRun = try arguments[baseline].map { try store.run(Int64($0)) }
        var summaries: [EvalSummary] = []
        var runs: [(String, RunRecord)] = []
        let interrupt = RunInterrupt.install()
        for mode in selected {
            let (base, settings) = try AgentOptions.session(arguments, store: store, schedule: mode.schedule,
                                                            noPlan: !mode.usesPlanner, plansGiven: mode.usesGoldPlans) { _ in }
            var solver = base
            if mode.usesGoldPlans { solver.givenPlans = goldPlans }
            let progress = BatchProgress(total: items.count, shown: Console.stderrIsTerminal, label: mode.name)
            let (runID, _) = try await BatchRun.run(command: mode.command, path: dataPath, items: items, problems: [],
                                                    solver: solver, settings: settings, store: store, onStart: { runID, resumed in
                interrupt.watch(runID, in: store, timer: RunTimer(), resume: "the same eval command resumes it")
                if resumed > 0 { Console.error("\(mode.name): resuming run \(runID), \(resumed) problems already done") }
            }) { progress.add($0) }
            progress.end()
            let run = try store.run(runID)
            summaries.append(EvalSummary(mode: mode, run: run, goldPlans: goldPlans))
            runs.append((mode.name, run))
        }
        if let baselineRun { runs.append(("run \(baselineRun.id) (\(baselineRun.command))", baselineRun)) }
        let comparisons = runs.indices.flatMap { i in
            runs.indices.filter { $0 > i }.map { j in PairedComparison(runs[i].0, runs[i].1, runs[j].0, runs[j].1) }
        }
        if arguments[AgentOptions.json] { return try Console.printJSON(Report(modes: summaries, comparisons: comparisons)) }
        print(table(summaries))
        if !comparisons.isEmpty { print("\n" + pairTable(comparisons)) }
    }

    /// What `--json` prints: each mode's summary and every pair compared.
    struct Report: Encodable {
        let modes: [EvalSummary]
        let comparisons: [PairedComparison]
    }

    static func pairTable(_ comparisons: [PairedComparison]) -> String {
        var lines = ["paired (A vs B)                          problems  both  only A  only B  neither  A - B (points)  sign test p"]
        for c in comparisons {
            lines.append([
                "\(c.first) vs \(c.second)".padding(toLength: 40, withPad: " ", startingAt: 0),
                String(c.problems).leftPadded(8),
                String(c.bothRight).leftPadded(5),
                String(c.onlyFirst).leftPadded(7),
                String(c.onlySecond).leftPadded(7),
                String(c.bothWrong).leftPadded(8),
                String(format: "%+15.1f", c.difference),
                String(format: "%12.4f", c.pValue),
            ].joined(separator: " "))
        }
        return lines.joined(separator: "\n")
    }

    static func table(_ summaries: [EvalSummary]) -> String {
        var lines = ["mode           run  accuracy        planner tok (in/out)  solver tok (in/out)  wall s    cpu s   cache hit/miss  plans made/refused/cut  truncated  paths"]
        for s in summaries {
            let accuracy = String(format: "%5.1f%% (%d/%d)", 100 * s.accuracy, s.correct, s.problems)
            lines.append([
                s.mode.padding(toLength: 13, withPad: " ", startingAt: 0),
                String(s.run).leftPadded(5),
                accuracy.padding(toLength: 16, withPad: " ", startingAt: 0),
                "\(s.plannerPromptTokens)/\(s.plannerCompletionTokens)".leftPadded(20),
                "\(s.solverPromptTokens)/\(s.solverCompletionTokens)".leftPadded(20),
                String(format: "%8.1f", s.seconds),
                String(format: "%8.1f", s.cpuSeconds),
                "\(s.cacheHits)/\(s.cacheMisses)".leftPadded(15),
                "\(s.plansMade)/\(s.planFallbacks)/\(s.plansCutAtRepeat)".leftPadded(22),
                String(s.truncated).leftPadded(10),
                " " + s.paths,
            ].joined(separator: " "))
        }
        for s in summaries {
            guard let q = s.planQuality else { continue }
            lines.append(String(format: "%@ plans vs gold (%d tasks): %.2f subquestions (gold %.2f), same count %.0f%%, overlap %.2f",
                                s.mode, q.tasks, q.meanSteps, q.meanGoldSteps, 100 * q.sameCount, q.overlap))
        }
        return lines.joined(separator: "\n")
    }
}

extension String {
    func leftPadded(_ width: Int) -> String { count >= width ? self : String(repeating: " ", count: width - count) + self }
}
extension EvalMode: ArgumentValue {
    public init?(argument: String) { self.init(argument) }
    public static var expectation: String { "direct, decomposed, gold-plan, paths, paths-no-plan or a reasoning path (pot+plan, cot@1, …)" }
    public var argumentDescription: String { name }
}
