import DurationUnits
import LLM

/// What distilling one problem came to.
public struct DistillOutcome: Sendable {
    /// For the log: the deciding attempt's plan and subproblems, with the calls of all attempts.
    public let record: TaskRecord
    /// The kept plan, when one led the solver to the gold answer.
    public let exemplar: Exemplar?
    /// Which sample was kept (0 is the greedy one).
    public let keptSample: Int?
}

/// Where the plans to try come from.
public enum DistillSource: Sendable {
    /// A model writing plans with the planner prompt: greedy first, then seeded samples at
    /// ``Distiller/temperature``, at most `samples` per problem.
    case teacher(any ModelBackend, samples: Int)
    /// A dataset's decompositions by problem id (``GoldPlans``), one attempt each.
    case gold([String: Plan])

    /// How stored exemplars from this source are labelled.
    public var origin: ExemplarOrigin {
        switch self {
        case .teacher: .teacher
        case .gold: .gold
        }
    }
}

/// Planner distillation by rejection sampling (Divide-or-Conquer's SD-R): the solver solves each
/// problem following a candidate plan, and the first plan that reaches the gold answer is kept.
public struct Distiller: Sendable {
    public static let temperature: Float = 0.7

    public let source: DistillSource
    /// Solves with a given plan; its cache, token limit and exemplars serve the teacher too.
    public let solver: TaskSolver

    public init(source: DistillSource, solver: TaskSolver) {
        self.source = source
        self.solver = solver
    }

    /// Tries the source's plans for `item` until one is right; failures end up in the record's `error`.
    public func distill(_ item: TaskItem) async -> DistillOutcome {
        let start = ContinuousClock.now
        switch source {
        case .gold(let plans):
            guard let plan = plans[item.id] else {
                return DistillOutcome(record: Self.unsolved(item, plan: nil, error: "no gold decomposition for \(item.id)",
                                                            calls: [], since: start), exemplar: nil, keptSample: nil)
            }
            var calls: [ModelCallRecord] = []
            let given = PlanRecord(status: .given, steps: plan.steps.map(\.question), reason: nil, rawOutput: nil)
            let (record, right) = await attempt(item, plan: plan, record: given, calls: &calls, since: start)
            return DistillOutcome(record: record, exemplar: right ? Exemplar(problem: item.task, plan: plan.text) : nil,
                                  keptSample: nil)
        case let .teacher(teacher, samples):
            return await fromTeacher(item, teacher: teacher, samples: samples, since: start)
        }
    }

    /// Up to `samples` teacher plans for `item`, greedy first; the first right one is kept.
    private func fromTeacher(_ item: TaskItem, teacher: any ModelBackend, samples: Int,
                             since start: ContinuousClock.Instant) async -> DistillOutcome {
        var calls: [ModelCallRecord] = []
        var last: TaskRecord?
        for sample in 0..<max(1, samples) {
            let completion: Completion
            do {
                let call: ModelCallRecord
                (completion, call) = try await CachedRequest.complete(
                    teacher, cache: solver.cache, role: .planner, step: nil,
                    messages: PlannerPrompt.messages(task: item.task, exemplars: solver.exemplars.pick(
                        for: item.task, count: solver.plannerExemplars)),
                    sampling: sampling(sample), sampleIndex: sample)
                calls.append(call)
            } catch {
                last = Self.unsolved(item, plan: nil, error: String(describing: error), calls: calls, since: start)
                break
            }
            let (planRecord, plan) = TaskSolver.readPlan(completion)
            guard planRecord.status == .planned else {
                last = Self.unsolved(item, plan: planRecord, error: nil, calls: calls, since: start)
                continue
            }
            let (record, right) = await attempt(item, plan: plan, record: planRecord, calls: &calls, since: start)
            if right {
                return DistillOutcome(record: record, exemplar: Exemplar(problem: item.task, plan: plan.text),
                                      keptSample: sample)
            }
            last = record
            if record.error != nil { break }
        }
        return DistillOutcome(record: last ?? Self.unsolved(item, plan: nil, error: nil, calls: calls, since: start),
                              exemplar: nil, keptSample: nil)
    }

    /// Solves `item` following `plan`; the record carries `record` as its plan and all `calls` so far.
    private func attempt(_ item: TaskItem, plan: Plan, record planRecord: PlanRecord, calls: inout [ModelCallRecord],
                         since start: ContinuousClock.Instant) async -> (TaskRecord, correct: Bool) {
        var withPlan = solver
        withPlan.givenPlans = [item.id: plan]
        let solved = await withPlan.solve(item)
        calls += solved.calls
        return (solved.attempt(plan: planRecord, calls: calls, since: start), solved.correct == true)
    }

    /// The planner's own sampling (its step-limit stop and repeat guard): greedy for sample 0,
    /// else at ``temperature``, seeded with the sample's number.
    func sampling(_ sample: Int) -> SamplingParameters {
        sample == 0 ? PlannerPrompt.sampling(maxTokens: solver.maxTokens)
            : PlannerPrompt.sampling(maxTokens: solver.maxTokens, temperature: Self.temperature, seed: UInt64(sample))
    }

    /// The teacher's identity, stored with its exemplars (nil for gold plans).
    private var teacherIdentity: String? {
        if case let .teacher(teacher, _) = source { return teacher.identity }
        return nil
    }

    private static func unsolved(_ item: TaskItem, plan: PlanRecord?, error: String?, calls: [ModelCallRecord],
                                 since start: ContinuousClock.Instant) -> TaskRecord {
        TaskRecord(key: item.id, line: item.line, task: item.task, gold: item.answer, answer: nil,
                   correct: item.answer == nil ? nil : false, output: nil, error: error, plan: plan, subproblems: [],
                   calls: calls, seconds: (ContinuousClock.now - start).seconds)
    }

    /// Distills `items` with up to `inFlight` at once, committing each problem's record (and
    /// its exemplar) to run `run` before `onFinished` sees it.
    public func run(_ items: [TaskItem], inFlight: Int, store: AgentStore, run: Int64,
                    onFinished: @Sendable (DistillOutcome) -> Void) async throws {
        try await withThrowingTaskGroup(of: DistillOutcome.self) { group in
            var pending = items[...]
            func startNext() {
                guard let item = pending.popFirst() else { return }
                group.addTask { await distill(item) }
            }
            for _ in 0..<max(1, inFlight) { startNext() }
            while let outcome = try await group.next() {
                try store.recordDistilled(outcome.record, exemplar: outcome.exemplar, origin: source.origin,
                                          modelIdentity: teacherIdentity, sample: outcome.keptSample, run: run)
                onFinished(outcome)
                startNext()
            }
        }
    }
}

private extension TaskRecord {
    /// This record with the teacher's plan and the calls of every attempt so far.
    func attempt(plan: PlanRecord, calls: [ModelCallRecord], since start: ContinuousClock.Instant) -> TaskRecord {
        TaskRecord(key: key, line: line, task: task, gold: gold, answer: answer, correct: correct, output: output,
                   error: error, plan: plan, subproblems: subproblems, calls: calls, seconds: (ContinuousClock.now - start).seconds)
    }
}
