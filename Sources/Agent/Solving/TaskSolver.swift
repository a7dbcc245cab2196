import DurationUnits
import Foundation
import LLM

/// What happens while a task is solved, in order, for live output.
public enum RunEvent: Sendable {
    case planned(taskKey: String, PlanRecord)
    case solved(taskKey: String, SubproblemRecord)
    /// Text a model call (`call`: "plan", a path such as "pot+plan", or "step 2") wrote, as a
    /// local model writes it; a cached or remote reply comes whole.
    case writing(taskKey: String, call: String, text: String)
}

/// Solves one task: plan (when a reasoning path asks for the plan and there is a planner), then
/// answer it along each path of the schedule (in prose or as a program, with or without the
/// plan), and take the paths' majority answer. Every model request goes through the result cache.
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
    /// The reasoning paths that answer each task (the CLI's default is ``PathSchedule/standard``;
    /// this type's is chain of thought with the plan, when there is one).
    public let paths: PathSchedule
    /// How the `cot+plan` path answers a plan's subquestions.
    public let steps: StepStrategy
    public let onEvent: @Sendable (RunEvent) -> Void

    /// The number of worked plans the planner prompt holds.
    public static let availableExemplars = PlannerPrompt.exemplars.count

    public init(planner: (any ModelBackend)?, solver: any ModelBackend, cache: ResultCache?, maxTokens: Int,
                plannerExemplars: Int = availableExemplars, exemplars: PlannerExemplars = .builtin,
                paths: PathSchedule = .guidedChainOfThought, steps: StepStrategy = .together, onEvent: @escaping @Sendable (RunEvent) -> Void = { _ in }) {
        self.planner = planner
        self.solver = solver
        self.cache = cache
        self.maxTokens = maxTokens
        self.plannerExemplars = planner?.adapterPath == nil ? plannerExemplars : 0
        self.exemplars = exemplars
        self.paths = paths
        self.steps = steps
        self.onEvent = onEvent
    }

    /// Tasks to keep in flight so that each model can batch `parallel` requests. With a planner,
    /// three times as many: the solver keeps a full batch and a backlog while the planner
    /// gathers a full batch of its own (see `GenerationEngine`).
    public func tasksInFlight(parallel: Int) -> Int { planner == nil ? parallel : 3 * parallel }

    /// Solves `item`; failures end up in the record's `error`, never thrown.
    public func solve(_ item: TaskItem) async -> TaskRecord {
        let start = ContinuousClock.now
        var calls: [ModelCallRecord] = []
        var plan: PlanRecord?
        var subproblems: [SubproblemRecord] = []
        var failure: String?
        var vote = PathVote([])
        do {
            // Without a planner (and no given plan) the plan is known at once: there is none.
            var planned: (record: PlanRecord, plan: Plan)? = planner == nil && givenPlans[item.id] == nil
                ? (PlanRecord(status: .skipped, steps: [], reason: nil, rawOutput: nil), .direct) : nil
            vote = try await solvePaths(paths, task: item, planned: &planned, subproblems: &subproblems, calls: &calls)
            plan = planned?.record ?? PlanRecord(status: paths.usesPlan ? .unneeded : .skipped, steps: [], reason: nil, rawOutput: nil)
        } catch {
            failure = String(describing: error)
        }
        // Events in the order the log keeps them (the plan, then the paths in schedule order), so
        // a replay prints what the run printed.
        if let plan { onEvent(.planned(taskKey: item.id, plan)) }
        subproblems.forEach { onEvent(.solved(taskKey: item.id, $0)) }
        let answers = subproblems.filter(\.isPathAnswer)
        let winner = vote.winner.map { answers[$0] }
        let answer = failure == nil ? winner?.answer : nil
        let elapsed = ContinuousClock.now - start
        return TaskRecord(
            key: item.id, line: item.line, task: item.task, gold: item.answer, answer: answer,
            correct: item.answer.map { gold in answer.map { AnswerExtractor.matches($0, gold: gold) } ?? false },
            output: winner?.output, error: failure, plan: plan, subproblems: subproblems, calls: calls,
            seconds: elapsed.seconds, confidence: answer == nil ? nil : vote.share)
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
        let (completion, call) = try await complete(planner, role: .planner, step: nil, prompt,
                                                    sampling: PlannerPrompt.sampling(maxTokens: maxTokens), for: item, call: "plan")
        let (record, plan) = Self.readPlan(completion)
        return (record, plan, call)
    }

    /// The plan in a planner's reply (sampled by ``PlannerPrompt/sampling(maxTokens:temperature:seed:)``)
    /// and its record: planned, direct, or a fallback to direct with the reason when the reply
    /// ran past the step limit or does not parse.
    static func readPlan(_ completion: Completion) -> (record: PlanRecord, plan: Plan) {
        let text = completion.text
        do throws(PlanFailure) {
            guard completion.stopReason != .stopString else {
                throw PlanFailure.stoppedPastLimit(limit: PlanParser.defaultMaxSteps)
            }
            let plan = try PlanParser.parse(planText(completion))
            if plan.isDirect { return (PlanRecord(status: .direct, steps: [], reason: nil, rawOutput: text), plan) }
            return (PlanRecord(status: .planned, steps: plan.steps.map(\.question), reason: nil, rawOutput: text), plan)
        } catch {
            return (PlanRecord(status: .fallback, steps: [], reason: error.description, rawOutput: text), .direct)
        }
    }

    /// Runs `schedule` stage by stage, each stage's paths concurrently, until the paths left
    /// could no longer change the vote; returns the vote over the paths that ran.
    ///
    /// The plan is made (into `planned`) only when a stage that uses it is about to run, so a
    /// schedule whose first paths need no plan pays for the planner only when they disagree.
    /// Without a usable plan, a plan path runs plain, unless it then repeats an earlier path.
    private func solvePaths(_ schedule: PathSchedule, task item: TaskItem, planned: inout (record: PlanRecord, plan: Plan)?,
                            subproblems: inout [SubproblemRecord], calls: inout [ModelCallRecord]) async throws -> PathVote {
        let all = schedule.paths
        /// The path run at flat index `i` (nil: dropped as a repeat), given what is known of the plan.
        func effective(_ i: Int) -> ReasoningPath? {
            guard let plan = planned?.plan, plan.isDirect else { return all[i] }
            let plain = all[i].withoutPlan
            return all[..<i].contains { $0.withoutPlan == plain } ? nil : plain
        }
        var answers: [String?] = []
        var start = 0
        for stage in schedule.stages {
            let indices = start..<(start + stage.count)
            start += stage.count
            let remaining = (indices.lowerBound..<all.count).filter { effective($0) != nil }.count
            if !answers.isEmpty, PathVote.isSettled(answers, remaining: remaining) { break }
            if planned == nil, stage.contains(where: \.usesPlan) {
                let (record, plan, call) = try await makePlan(item)
                planned = (record, plan)
                if let call { calls.append(call) }
            }
            let plan = planned?.plan ?? .direct
            let runnable = indices.compactMap(effective)
            let results = try await withThrowingTaskGroup(of: (Int, [SubproblemRecord], [ModelCallRecord]).self) { group in
                for (index, path) in runnable.enumerated() {
                    group.addTask {
                        let (records, pathCalls) = try await solvePath(path, plan: plan, task: item)
                        return (index, records, pathCalls)
                    }
                }
                var results: [(Int, [SubproblemRecord], [ModelCallRecord])] = []
                for try await result in group { results.append(result) }
                return results.sorted { $0.0 < $1.0 }
            }
            for (_, records, pathCalls) in results {
                subproblems += records
                calls += pathCalls
                answers.append(records.last?.answer)
            }
        }
        return PathVote(answers)
    }

    /// One reasoning path; its last record carries the path's answer.
    private func solvePath(_ path: ReasoningPath, plan: Plan, task item: TaskItem) async throws
        -> ([SubproblemRecord], [ModelCallRecord]) {
        let sampling = path.seed.map {
            SamplingParameters(temperature: ReasoningPath.sampledTemperature, seed: $0, maxTokens: maxTokens)
        } ?? .greedy(maxTokens: maxTokens)
        let guided = path.usesPlan && !plan.isDirect
        let references = guided ? plan.steps.map(\.number) : []
        switch path.style {
        case .pot:
            var programSampling = sampling
            programSampling.stop = SolverPrompt.programStop
            let messages = guided ? SolverPrompt.guidedProgram(task: item.task, steps: plan.steps) : SolverPrompt.program(task: item.task)
            let (completion, call) = try await complete(solver, role: .program, step: nil, messages, sampling: programSampling,
                                                        for: item, call: path.description)
            let cut = completion.stopReason == .maxTokens
            let outcome = ProgramAnswer(reply: completion.text, cut: cut)
            return ([SubproblemRecord(kind: .program, number: 0, question: item.task, references: references,
                                      output: completion.text, answer: outcome.answer, path: path.description,
                                      note: outcome.note, truncated: cut)], [call])
        case .cot where guided && steps == .separately:
            var records: [SubproblemRecord] = []
            var calls: [ModelCallRecord] = []
            let facts = try await solveSeparately(plan, task: item, subproblems: &records, calls: &calls)
            let (synthesis, call) = try await solveWhole(item, kind: .synthesis, references: references, path: path,
                                                         SolverPrompt.synthesis(task: item.task, solved: facts), sampling: sampling)
            return (records + [synthesis], calls + [call])
        case .cot:
            let messages = guided ? SolverPrompt.guided(task: item.task, steps: plan.steps) : SolverPrompt.direct(task: item.task)
            let (record, call) = try await solveWhole(item, kind: guided ? .guided : .direct, references: references,
                                                      path: path, messages, sampling: sampling)
            return ([record], [call])
        }
    }

    /// Answers the plan's steps one call each, all ready steps at once; returns each step's
    /// resolved question and answer, in plan order.
    private func solveSeparately(_ plan: Plan, task item: TaskItem, subproblems: inout [SubproblemRecord],
                                 calls: inout [ModelCallRecord]) async throws -> [(question: String, answer: String)] {
        var answers: [Int: String] = [:]
        var questions: [Int: String] = [:]
        while answers.count < plan.steps.count {
            let ready = plan.readySteps(answered: Set(answers.keys)).compactMap { number in
                plan.steps.first { $0.number == number }
            }
            let solved = try await withThrowingTaskGroup(of: (SubproblemRecord, ModelCallRecord).self) { group in
                for step in ready {
                    let question = step.resolvedQuestion(answers: answers)
                    let known = plan.inputs(of: step.number).map { (questions[$0] ?? "", answers[$0] ?? "") }
                    group.addTask {
                        let (completion, call) = try await complete(solver, role: .step, step: step.number,
                                                                    SolverPrompt.step(task: item.task, question: question, known: known),
                                                                    for: item, call: "step \(step.number)")
                        let output = completion.text
                        return (SubproblemRecord(kind: .step, number: step.number, question: question,
                                                 references: step.references, output: output,
                                                 answer: Self.shortAnswer(output), truncated: completion.stopReason == .maxTokens), call)
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
                subproblems.append(sub)
            }
        }
        return plan.steps.map { (questions[$0.number] ?? $0.question, answers[$0.number] ?? "") }
    }

    /// One chain-of-thought call whose output ends with the task's answer (direct, guided or synthesis).
    private func solveWhole(_ item: TaskItem, kind: SubproblemRecord.Kind, references: [Int], path: ReasoningPath,
                            _ messages: [ChatMessage], sampling: SamplingParameters) async throws -> (SubproblemRecord, ModelCallRecord) {
        let (completion, call) = try await complete(solver, role: CallRole(kind), step: nil, messages, sampling: sampling,
                                                    for: item, call: path.description)
        let answer = AnswerExtractor.extract(from: completion.text).map(AnswerExtractor.normalize)
        let cut = completion.stopReason == .maxTokens
        return (SubproblemRecord(kind: kind, number: 0, question: item.task, references: references, output: completion.text,
                                 answer: answer, path: path.description,
                                 note: cut ? "cut at --max-tokens \(maxTokens)" : answer == nil ? "no answer in the reply" : nil,
                                 truncated: cut),
                call)
    }

    /// The plan in the planner's output: without its unfinished last line when generation stopped
    /// at the token limit; when it stopped at a repeated subquestion, the lines before the first
    /// repeat (the plan never holds one subquestion twice).
    static func planText(_ completion: Completion) -> String {
        switch completion.stopReason {
        case .repeatedLine:
            var seen = Set<String>()
            let lines = completion.text.split(separator: "\n", omittingEmptySubsequences: false)
                .prefix { line in
                    let key = LineRepeatGuard.key(String(line))
                    return key.isEmpty || seen.insert(key).inserted
                }
            return lines.joined(separator: "\n")
        case .maxTokens:
            guard let lastBreak = completion.text.lastIndex(where: \.isNewline) else { return completion.text }
            return String(completion.text[..<lastBreak])
        default:
            return completion.text
        }
    }

    /// A step's answer as substituted for `#k`: the extracted answer, else the output's last line.
    static func shortAnswer(_ output: String) -> String {
        if let answer = AnswerExtractor.extract(from: output) { return answer }
        let lastLine = output.split(whereSeparator: \.isNewline).last.map(String.init) ?? output
        return String(lastLine.trimmingCharacters(in: .whitespaces).prefix(200))
    }

    /// `call` names the call in the `.writing` events of its text.
    private func complete(_ backend: any ModelBackend, role: CallRole, step: Int?, _ messages: [ChatMessage],
                          sampling: SamplingParameters? = nil, for item: TaskItem, call: String) async throws
        -> (Completion, ModelCallRecord) {
        try await CachedRequest.complete(backend, cache: cache, role: role, step: step, messages: messages,
                                         sampling: sampling ?? .greedy(maxTokens: maxTokens)) { [onEvent] text in
            onEvent(.writing(taskKey: item.id, call: call, text: text))
        }
    }
}
