import Foundation
import LLM

/// What happens while a task is solved, in order, for live output.
public enum RunEvent: Sendable {
    case planned(taskKey: String, PlanRecord)
    case solved(taskKey: String, SubproblemRecord)
}

/// Solves one task: plan (unless planning is off), then answer the subquestions in one call, or
/// one call each (ready ones together) and synthesise; or solve directly. Every model request
/// goes through the result cache.
public struct TaskSolver: Sendable {
    /// nil solves every task directly (`--no-plan`).
    public let planner: (any ModelBackend)?
    public let solver: any ModelBackend
    /// nil bypasses the cache (`--no-cache`).
    public let cache: ResultCache?
    public let maxTokens: Int
    /// Plans to use instead of asking the planner, by task id (gold decompositions in `divvy eval`).
    public var givenPlans: [String: Plan] = [:]
    /// How many worked plans the planner's prompt shows (fewer make a shorter, faster prompt);
    /// 0 when the planner has a LoRA adapter, which is run with the prompt it was trained on.
    public let plannerExemplars: Int
    /// Where those worked plans come from.
    public let exemplars: PlannerExemplars
    /// How a plan's subquestions are answered.
    public let steps: StepStrategy
    public let onEvent: @Sendable (RunEvent) -> Void

    /// The number of worked plans the planner prompt holds.
    public static let availableExemplars = PlannerPrompt.exemplars.count

    public init(planner: (any ModelBackend)?, solver: any ModelBackend, cache: ResultCache?, maxTokens: Int,
                plannerExemplars: Int = availableExemplars, exemplars: PlannerExemplars = .builtin,
                steps: StepStrategy = .together, onEvent: @escaping @Sendable (RunEvent) -> Void = { _ in }) {
        self.planner = planner
        self.solver = solver
        self.cache = cache
        self.maxTokens = maxTokens
        self.plannerExemplars = planner?.adapterPath == nil ? plannerExemplars : 0
        self.exemplars = exemplars
        self.steps = steps
        self.onEvent = onEvent
    }

    /// Tasks to keep in flight so that each model can batch `parallel` requests. With a planner,
    /// three times as many: the solver keeps a full batch and a backlog while the planner
    /// gathers a full batch of its own (see ``EngineScheduler``).
    public func tasksInFlight(parallel: Int) -> Int { planner == nil ? parallel : 3 * parallel }

    /// Solves `item`; failures end up in the record's `error`, never thrown.
    public func solve(_ item: TaskItem) async -> TaskRecord {
        let start = ContinuousClock.now
        var calls: [ModelCallRecord] = []
        var plan: PlanRecord?
        var subproblems: [SubproblemRecord] = []
        var failure: String?
        do {
            let (made, parsed, planCall) = try await makePlan(item)
            plan = made
            if let planCall { calls.append(planCall) }
            onEvent(.planned(taskKey: item.id, made))
            try await solveSteps(of: parsed, task: item, subproblems: &subproblems, calls: &calls)
        } catch {
            failure = String(describing: error)
        }
        let final = subproblems.last { $0.kind != .step }
        let answer = failure == nil ? final?.answer : nil
        let elapsed = ContinuousClock.now - start
        return TaskRecord(
            key: item.id, line: item.line, task: item.task, gold: item.answer, answer: answer,
            correct: item.answer.map { gold in answer.map { AnswerExtractor.matches($0, gold: gold) } ?? false },
            output: final?.output, error: failure, plan: plan, subproblems: subproblems, calls: calls,
            seconds: elapsed.seconds)
    }

    /// The plan to follow (direct when there is no usable one) and how it came about.
    private func makePlan(_ item: TaskItem) async throws -> (PlanRecord, Plan, ModelCallRecord?) {
        if let given = givenPlans[item.id] {
            return (PlanRecord(status: .given, steps: given.steps.map(\.question), reason: nil, rawOutput: nil), given, nil)
        }
        guard let planner else { return (PlanRecord(status: .skipped, steps: [], reason: nil, rawOutput: nil), .direct, nil) }
        let prompt = planner.adapterPath == nil
            ? PlannerPrompt.messages(task: item.task, exemplars: exemplars.pick(for: item.task, count: plannerExemplars))
            : PlannerPrompt.trained(task: item.task)
        let (completion, call) = try await complete(planner, role: "planner", step: nil, prompt,
                                                    sampling: PlannerPrompt.sampling(maxTokens: maxTokens))
        let text = completion.text
        do throws(PlanFailure) {
            guard completion.stopReason != StopReason.stopString.rawValue else {
                throw PlanFailure.stoppedPastLimit(limit: PlanParser.defaultMaxSteps)
            }
            guard completion.stopReason != StopReason.repeatedLine.rawValue else {
                throw PlanFailure.stoppedInLoop(copies: PlanParser.loopCopies)
            }
            let plan = try PlanParser.parse(Self.completeLines(completion))
            if plan.isDirect { return (PlanRecord(status: .direct, steps: [], reason: nil, rawOutput: text), plan, call) }
            return (PlanRecord(status: .planned, steps: plan.steps.map(\.question), reason: nil, rawOutput: text), plan, call)
        } catch {
            return (PlanRecord(status: .fallback, steps: [], reason: error.description, rawOutput: text), .direct, call)
        }
    }

    /// Solves the plan: a direct plan in one chain-of-thought call; otherwise all subquestions in
    /// one call (``StepStrategy/together``) or one call each, wave by wave, then a synthesis.
    private func solveSteps(of plan: Plan, task item: TaskItem, subproblems: inout [SubproblemRecord],
                            calls: inout [ModelCallRecord]) async throws {
        if plan.isDirect {
            try await solveWhole(item, kind: .direct, references: [], SolverPrompt.direct(task: item.task),
                                 subproblems: &subproblems, calls: &calls)
            return
        }
        switch steps {
        case .together:
            try await solveWhole(item, kind: .guided, references: plan.steps.map(\.number),
                                 SolverPrompt.guided(task: item.task, steps: plan.steps), subproblems: &subproblems, calls: &calls)
        case .separately:
            let facts = try await solveSeparately(plan, task: item, subproblems: &subproblems, calls: &calls)
            try await solveWhole(item, kind: .synthesis, references: plan.steps.map(\.number),
                                 SolverPrompt.synthesis(task: item.task, solved: facts), subproblems: &subproblems, calls: &calls)
        }
    }

    /// Answers the plan's steps one call each, all ready steps at once; returns each step's
    /// resolved question and answer, in plan order.
    private func solveSeparately(_ plan: Plan, task item: TaskItem, subproblems: inout [SubproblemRecord],
                                 calls: inout [ModelCallRecord]) async throws -> [(question: String, answer: String)] {
        var answers: [Int: String] = [:]
        var questions: [Int: String] = [:]
        while answers.count < plan.steps.count {
            let ready = plan.steps.filter { answers[$0.number] == nil && Self.uses(plan, $0).allSatisfy { answers[$0] != nil } }
            let solved = try await withThrowingTaskGroup(of: (SubproblemRecord, ModelCallRecord).self) { group in
                for step in ready {
                    let question = step.resolvedQuestion(answers: answers)
                    let known = Self.uses(plan, step).map { (questions[$0] ?? "", answers[$0] ?? "") }
                    group.addTask {
                        let (completion, call) = try await complete(solver, role: "step", step: step.number,
                                                                    SolverPrompt.step(task: item.task, question: question, known: known))
                        let output = completion.text
                        return (SubproblemRecord(kind: .step, number: step.number, question: question,
                                                 references: step.references, output: output,
                                                 answer: Self.shortAnswer(output)), call)
                    }
                }
                var results: [(SubproblemRecord, ModelCallRecord)] = []
                for try await result in group { results.append(result) }
                return results
            }
            for (sub, call) in solved {
                calls.append(call)
                answers[sub.number] = sub.answer
                questions[sub.number] = sub.question
                emit(sub, item, into: &subproblems)
            }
        }
        return plan.steps.map { (questions[$0.number] ?? $0.question, answers[$0.number] ?? "") }
    }

    /// One call whose output ends with the task's answer (direct, guided or synthesis).
    private func solveWhole(_ item: TaskItem, kind: SubproblemRecord.Kind, references: [Int], _ messages: [ChatMessage],
                            subproblems: inout [SubproblemRecord], calls: inout [ModelCallRecord]) async throws {
        let (completion, call) = try await complete(solver, role: kind.rawValue, step: nil, messages)
        calls.append(call)
        emit(SubproblemRecord(kind: kind, number: 0, question: item.task, references: references, output: completion.text,
                              answer: AnswerExtractor.extract(from: completion.text).map(AnswerExtractor.normalize)),
             item, into: &subproblems)
    }

    /// The steps whose answers `step` needs: its `#k` references; the last step, which asks what
    /// the task asks, needs all earlier ones (small planners often leave its references out).
    static func uses(_ plan: Plan, _ step: PlanStep) -> [Int] {
        step.number == plan.steps.count ? Array(1..<step.number) : step.references
    }

    private func emit(_ sub: SubproblemRecord, _ item: TaskItem, into subproblems: inout [SubproblemRecord]) {
        subproblems.append(sub)
        onEvent(.solved(taskKey: item.id, sub))
    }

    /// The output without its unfinished last line when generation stopped at the token limit.
    static func completeLines(_ completion: Completion) -> String {
        guard completion.stopReason == StopReason.maxTokens.rawValue,
              let lastBreak = completion.text.lastIndex(where: \.isNewline) else { return completion.text }
        return String(completion.text[..<lastBreak])
    }

    /// A step's answer as substituted for `#k`: the extracted answer, else the output's last line.
    static func shortAnswer(_ output: String) -> String {
        if let answer = AnswerExtractor.extract(from: output) { return answer }
        let lastLine = output.split(whereSeparator: \.isNewline).last.map(String.init) ?? output
        return String(lastLine.trimmingCharacters(in: .whitespaces).prefix(200))
    }

    private func complete(_ backend: any ModelBackend, role: String, step: Int?, _ messages: [ChatMessage],
                          sampling: SamplingParameters? = nil) async throws -> (Completion, ModelCallRecord) {
        try await CachedRequest.complete(backend, cache: cache, role: role, step: step, messages: messages,
                                         sampling: sampling ?? .greedy(maxTokens: maxTokens))
    }
}
