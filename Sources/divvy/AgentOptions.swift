import Agent
import ArgParse
import Foundation
import LLM

/// Options shared by the commands that solve tasks or read the run database.
enum AgentOptions {
    static let db = Option<String>("db", valueName: "path", help: "Run database (created with its folders if missing; $DIVVY_DB, else $XDG_DATA_HOME/divvy/divvy.db).",
                                   default: AgentStore.defaultPath)
    static let json = Flag("json", help: "Print JSON instead of text.")
    static let planner = Option<String>("planner", valueName: "name|path", help: "Planner model: short name or .gguf path.",
                                        default: "qwen2.5-coder-0.5b")
    static let solver = Option<String>("solver", valueName: "name|path", help: "Solver model: short name or .gguf path.",
                                       default: "qwen2.5-coder-1.5b")
    static let plannerLoRA = Option<String>("planner-lora", valueName: "file|none",
                                            help: "LoRA adapter (GGUF) for the local planner; its prompt then shows no worked plans. "
                                                + "Default: <planner>.planner-lora.gguf beside the planner model, if installed; none: no adapter.")
    static let noPlan = Flag("no-plan", help: "No planner: each reasoning path runs without the plan (a path that then repeats another is dropped).")
    static let paths = Option<PathSchedule>("paths", valueName: "list",
                                            help: "Reasoning paths whose answers vote: cot (chain of thought) or pot (a program, run by Divvy's interpreter), "
                                                + "each with +plan (the planner's subquestions) and @SEED (a copy sampled at temperature 0.7); "
                                                + "',' between paths of a stage, '/' before a stage that runs only while the vote is open. "
                                                + "Ties go to the path named first.",
                                            default: .standard)
    static let parallel = Option<Int>("parallel", valueName: "n", help: "Most sequences in flight per model; tasks in flight: as many, or three times as many with a planner.",
                                      default: 8, validate: { (1...KVCache.maxSequences).contains($0) ? nil : "must be 1…\(KVCache.maxSequences)" })
    static let maxTokens = Option<Int>("max-tokens", valueName: "n", help: "Most tokens per model answer.", default: 384,
                                       validate: { $0 > 0 ? nil : "must be positive" })
    static let exemplars = Option<Int>("exemplars", valueName: "n", help: "Worked plans in the planner's prompt.",
                                       default: TaskSolver.availableExemplars,
                                       validate: { (0...TaskSolver.availableExemplars).contains($0) ? nil : "must be 0…\(TaskSolver.availableExemplars)" })
    static let kvBudget = Option<Int>("kv-budget", valueName: "MiB", help: "Most memory for the models' KV caches; more sequences are refused.",
                                      default: LocalModels.defaultKVBudgetMiB, validate: { $0 > 0 ? nil : "must be positive" })
    static let noCache = Flag("no-cache", help: "Neither read nor write the result cache.")
    static let steps = Option<StepStrategy>("steps", valueName: "together|separately",
                                            help: "How the cot+plan path uses the plan: one call with its subquestions as a hint, or one call each and then a synthesis.",
                                            default: .together)

    /// The options of `solve` and `batch`.
    static let solving: [any ArgumentDeclaration] = [db, planner, plannerLoRA, solver, paths, noPlan, exemplars, ExemplarChoice.option, parallel,
                                                     maxTokens, kvBudget, noCache, steps, json] + SpeculationOption.all + RemoteOptions.all

    /// Opens the database named by `--db`; with `create` false (commands that only read), a
    /// missing file is an error instead of a new empty database.
    static func store(_ arguments: ParsedCommand, create: Bool = true) throws -> AgentStore {
        try AgentStore(path: arguments[db]!, create: create)
    }

    /// Loads the local models (or connects to the servers given by `--solver-url`/`--planner-url`)
    /// and builds the task solver for the parsed options; `schedule`, when given, overrides
    /// `--paths`, and `noPlan` overrides `--no-plan`; with `plansGiven` (gold plans in `eval`), the
    /// paths keep the plan without a planner; `teacher`, when given, is the planner model instead of `--planner`, without an
    /// adapter (distillation's teacher); `exemplarsDefault` applies when `--exemplars-from` is not given.
    static func session(_ arguments: ParsedCommand, store: AgentStore, schedule: PathSchedule? = nil, noPlan noPlanOverride: Bool? = nil,
                        plansGiven: Bool = false, teacher: String? = nil, exemplarsDefault: ExemplarChoice? = nil,
                        onEvent: @escaping @Sendable (RunEvent) -> Void) throws -> (TaskSolver, RunSettings) {
        let requested = schedule ?? arguments[paths] ?? .standard
        // A schedule with no path that uses the plan needs no planner.
        let noPlan = (noPlanOverride ?? arguments[noPlan]) || (!requested.usesPlan && teacher == nil)
        let schedule = noPlan && !plansGiven ? requested.withoutPlan : requested
        let parallel = arguments[parallel]!, maxTokens = arguments[maxTokens]!
        if arguments[SpeculationOption.draftModel] != nil && arguments[RemoteOptions.solverURL] != nil {
            throw UsageError("--draft-model drafts for a local solver, not one behind --solver-url", commandPath: ["divvy"] + arguments.path)
        }
        let limiter = RequestLimiter(limit: parallel)
        let remoteSolver = try RemoteOptions.solver(arguments, limiter: limiter)
        let remotePlanner = noPlan ? nil : try RemoteOptions.planner(arguments, limiter: limiter)
        let solverPath = remoteSolver == nil ? try ModelLocator.resolve(arguments[solver]!) : nil
        let draftPath = try SpeculationOption.draftPath(arguments)
        let plannerPath = noPlan || remotePlanner != nil ? nil : try ModelLocator.resolve(teacher ?? arguments[planner]!)
        let adapterPath = noPlan || teacher != nil ? nil
            : try plannerAdapter(arguments, plannerPath: plannerPath, remotePlanner: remotePlanner != nil)
        // An adapted planner is prompted without worked plans, so it uses none of the stored ones.
        let exemplarSet = noPlan || adapterPath != nil ? .builtin
            : try ExemplarChoice.resolve(arguments[ExemplarChoice.option] ?? exemplarsDefault, store: store,
                                         commandPath: arguments.path)
        let localModels = [solverPath.map { LocalModelSpec(path: $0, draftPath: draftPath) },
                           plannerPath.map { LocalModelSpec(path: $0, adapterPath: adapterPath) }].compactMap { $0 }
        let local = localModels.isEmpty ? [] : try LocalModels.load(localModels, store: store, parallel: parallel,
                                                                    tokensPerSequence: 1024 + maxTokens,
                                                                    kvBudgetMiB: arguments[kvBudget]!,
                                                                    speculation: SpeculationOption.policy(arguments))
        let solverBackend: any ModelBackend = remoteSolver.map { $0 as any ModelBackend } ?? local[0]
        let plannerBackend: (any ModelBackend)? = noPlan ? nil : remotePlanner.map { $0 as any ModelBackend } ?? local.last
        let useCache = !arguments[noCache]
        let solver = TaskSolver(planner: plannerBackend, solver: solverBackend,
                                cache: useCache ? ResultCache(store: store) : nil, maxTokens: maxTokens,
                                plannerExemplars: arguments[exemplars]!, exemplars: exemplarSet, paths: schedule,
                                steps: arguments[steps]!, onEvent: onEvent)
        let settings = RunSettings(plannerPath: plannerPath ?? remotePlanner?.location, plannerIdentity: plannerBackend?.identity,
                                   solverPath: solverPath ?? solverBackend.location, solverIdentity: solverBackend.identity, noPlan: noPlan,
                                   plannerExemplars: solver.plannerExemplars, parallel: parallel, maxTokens: maxTokens,
                                   useCache: useCache, exemplarSource: exemplarSet.sourceName, plannerAdapter: adapterPath,
                                   steps: solver.steps, paths: schedule.description)
        return (solver, settings)
    }

    /// The planner's adapter: `--planner-lora FILE` (absolute), none with `--planner-lora none`,
    /// else the one installed beside the planner model, if any. It needs a local planner.
    static func plannerAdapter(_ arguments: ParsedCommand, plannerPath: String?, remotePlanner: Bool) throws -> String? {
        guard let path = arguments[plannerLoRA] else { return plannerPath.flatMap(ModelLocator.plannerAdapter(besideModelAt:)) }
        guard path != "none" else { return nil }
        guard !remotePlanner else {
            throw UsageError("--planner-lora applies to a local planner, not one behind --planner-url",
                             commandPath: ["divvy"] + arguments.path)
        }
        return URL(fileURLWithPath: path).standardizedFileURL.path
    }
}

extension StepStrategy: ArgumentValue {}

extension PathSchedule: ArgumentValue {
    public init?(argument: String) { try? self.init(parsing: argument) }
    public static var expectation: String { "reasoning paths such as pot,pot+plan/cot" }
    public var argumentDescription: String { description }
}

