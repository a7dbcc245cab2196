@testable import Agent
import Foundation
import LLM
import Testing

/// A backend that answers from a script and records how many requests overlapped in time.
final class ScriptedBackend: ModelBackend, @unchecked Sendable {
    let identity: String
    let location = "scripted"
    let adapterPath: String?
    private let reply: @Sendable (String, SamplingParameters) -> String
    private let stopReason: StopReason
    private let lock = NSLock()
    private var inFlight = 0
    private(set) var maxInFlight = 0
    private(set) var prompts: [String] = []
    /// Every request's whole conversation.
    private(set) var conversations: [[ChatMessage]] = []
    /// Every request's sampling parameters.
    private(set) var samplings: [SamplingParameters] = []

    init(identity: String, adapterPath: String? = nil, stopReason: StopReason = .endOfTurn,
         reply: @escaping @Sendable (String) -> String) {
        self.identity = identity
        self.adapterPath = adapterPath
        self.stopReason = stopReason
        self.reply = { user, _ in reply(user) }
    }

    /// A backend whose reply also depends on the request's sampling (e.g. its seed).
    init(identity: String, replyTo reply: @escaping @Sendable (String, SamplingParameters) -> String) {
        self.identity = identity
        adapterPath = nil
        stopReason = .endOfTurn
        self.reply = reply
    }

    func renderedPrompt(_ messages: [ChatMessage]) -> String {
        messages.map { "\($0.role): \($0.content)" }.joined(separator: "\n")
    }

    func complete(_ request: CompletionRequest) async throws -> Completion {
        let user = request.messages.last?.content ?? ""
        lock.withLock {
            inFlight += 1
            maxInFlight = max(maxInFlight, inFlight)
            prompts.append(user)
            conversations.append(request.messages)
            samplings.append(request.sampling)
        }
        try await Task.sleep(for: .milliseconds(100))
        lock.withLock { inFlight -= 1 }
        return Completion(text: reply(user, request.sampling), promptTokens: user.count, completionTokens: 5, stopReason: stopReason, seconds: 0.1)
    }
}

struct TaskSolverTests {
    static let task = TaskItem(id: "jane", task: "Jane runs 3 kilometers in two hours. What is her speed in meters per minute?",
                               answer: "25", line: 1)

    @Test("Separately: independent steps run together, references are filled in, the synthesis gives the answer")
    func plannedSolve() async throws {
        let planner = ScriptedBackend(identity: "planner") { _ in
            "1. How many meters are in 3 km?\n2. How many minutes are in 2 hours?\n3. What is #1 divided by #2?"
        }
        let solver = ScriptedBackend(identity: "solver") { prompt in
            if prompt.contains("Notes from subquestions") { return "3000 / 120 = 25. The answer is: 25 meters per minute." }
            if prompt.contains("meters are in") { return "3 × 1000. The answer is: 3000" }
            if prompt.contains("minutes are in") { return "2 × 60. The answer is: 120" }
            if prompt.contains("3000 divided by 120") { return "The answer is: 25" }
            return "unexpected prompt"
        }
        let record = await TaskSolver(planner: planner, solver: solver, cache: nil, maxTokens: 32, steps: .separately).solve(Self.task)
        #expect(record.error == nil)
        #expect(record.plan?.status == .planned)
        #expect(record.plan?.steps.count == 3)
        #expect(solver.maxInFlight == 2)
        #expect(record.subproblems.map(\.kind) == [.step, .step, .step, .synthesis])
        #expect(record.subproblems[2].question == "What is 3000 divided by 120?")
        #expect(solver.prompts.contains { $0.contains("Known:\n- How many meters are in 3 km? 3000") })
        #expect(record.answer == "25")
        #expect(record.correct == true)
        #expect(record.calls.map(\.role) == [.planner, .step, .step, .step, .synthesis])
    }

    @Test("A plan cut by the token limit loses its unfinished last line; the last step waits for all others")
    func truncatedPlan() async throws {
        let planner = ScriptedBackend(identity: "planner", stopReason: .maxTokens) { _ in
            "1. How many meters are in 3 km?\n2. How many minutes are in 2 hours?\n3. What is her speed?\n4. How"
        }
        let solver = ScriptedBackend(identity: "solver") { prompt in
            if prompt.contains("Notes from subquestions") { return "The answer is: 25" }
            if prompt.contains("subquestion: How many meters") { return "The answer is: 3000" }
            if prompt.contains("subquestion: How many minutes") { return "The answer is: 120" }
            let sawBoth = prompt.contains("- How many meters are in 3 km? 3000")
                && prompt.contains("- How many minutes are in 2 hours? 120")
            return sawBoth ? "The answer is: 25" : "answered too early"
        }
        let record = await TaskSolver(planner: planner, solver: solver, cache: nil, maxTokens: 32, steps: .separately).solve(Self.task)
        #expect(record.plan?.status == .planned)
        #expect(record.plan?.steps == ["How many meters are in 3 km?", "How many minutes are in 2 hours?", "What is her speed?"])
        #expect(record.subproblems.map(\.number) == [1, 2, 3, 0] || record.subproblems.map(\.number) == [2, 1, 3, 0])
        #expect(record.subproblems.first { $0.number == 3 }?.answer == "25")
        #expect(record.answer == "25")
    }

    @Test("An answer is truncated only when every reply that gave it was cut at the token limit")
    func truncatedAnswers() async throws {
        let cut = ScriptedBackend(identity: "solver", stopReason: .maxTokens) { _ in "12 × 3 = 36. The answer is: 36" }
        let alone = await TaskSolver(planner: nil, solver: cut, cache: nil, maxTokens: 32,
                                     paths: try PathSchedule(parsing: "cot")).solve(Self.task)
        #expect(alone.answer == "36")
        #expect(alone.subproblems.map(\.truncated) == [true])
        #expect(alone.truncated)
        let whole = ScriptedBackend(identity: "solver") { _ in "The answer is: 36" }
        let complete = await TaskSolver(planner: nil, solver: whole, cache: nil, maxTokens: 32,
                                        paths: try PathSchedule(parsing: "cot")).solve(Self.task)
        #expect(!complete.truncated)
        #expect(complete.subproblems.map(\.truncated) == [false])
    }

    @Test("The planner stops where a ninth step would begin; such a plan is refused and the task solved directly")
    func plannerStoppedPastTheLimit() async throws {
        let loop = (1...8).map { "\($0). How many cats are left?" }.joined(separator: "\n")
        let planner = ScriptedBackend(identity: "planner", stopReason: .stopString) { _ in loop }
        let solver = ScriptedBackend(identity: "solver") { _ in "The answer is: 25" }
        let record = await TaskSolver(planner: planner, solver: solver, cache: nil, maxTokens: 64).solve(Self.task)
        #expect(planner.samplings.map(\.stop) == [["\n9.", "\n9)"]])
        #expect(record.plan?.status == .fallback)
        #expect(record.plan?.reason == "stopped at step 9, past the limit of 8")
        #expect(record.calls.map(\.role) == [.planner, .direct])
        #expect(record.answer == "25")
    }

    @Test("The planner stops at the first repeated subquestion; the plan is the subquestions before it")
    func plannerStoppedInALoop() async throws {
        let planner = ScriptedBackend(identity: "planner", stopReason: .repeatedLine) { _ in
            "1. How many km?\n2. How many cats?\n3. How many cats?\n4"
        }
        let solver = ScriptedBackend(identity: "solver") { _ in "The answer is: 25" }
        let record = await TaskSolver(planner: planner, solver: solver, cache: nil, maxTokens: 64).solve(Self.task)
        #expect(planner.samplings.map(\.lineRepeatLimit) == [2])
        #expect(record.plan?.status == .planned)
        #expect(record.plan?.steps == ["How many km?", "How many cats?"])
        #expect(record.calls.map(\.role) == [.planner, .guided])
        #expect(record.answer == "25")
    }

    @Test("Together: one solver call on the problem with every subquestion in order as a hint, #k read as an earlier answer; its last answer is the task's")
    func guidedSolve() async throws {
        let planner = ScriptedBackend(identity: "planner") { _ in
            "1. How many meters are in 3 km?\n2. How many minutes are in 2 hours?\n3. What is #1 divided by #2?"
        }
        let solver = ScriptedBackend(identity: "solver") { _ in
            "1. 3 × 1000 = 3000. The answer is: 3000\n2. 2 × 60 = 120. The answer is: 120\n3. 3000 / 120 = 25.\nThe answer is: 25 meters per minute."
        }
        let record = await TaskSolver(planner: planner, solver: solver, cache: nil, maxTokens: 32).solve(Self.task)
        #expect(record.error == nil)
        #expect(record.plan?.status == .planned)
        #expect(record.plan?.steps == ["How many meters are in 3 km?", "How many minutes are in 2 hours?", "What is #1 divided by #2?"])
        let prompt = try #require(solver.prompts.count == 1 ? solver.prompts.first : nil)
        #expect(prompt.hasPrefix("\(Self.task.task)\n\nHint:"))
        #expect(prompt.contains("""
            (they can be incomplete or wrong):
            1. How many meters are in 3 km?
            2. How many minutes are in 2 hours?
            3. What is the answer to 1 divided by the answer to 2?

            """))
        #expect(record.calls.map(\.role) == [.planner, .guided])
        #expect(record.subproblems.map(\.kind) == [.guided])
        #expect(record.subproblems.first?.references == [1, 2, 3])
        #expect(record.output == record.subproblems.first?.output)
        #expect(record.answer == "25")
        #expect(record.correct == true)
    }

    @Test("Together with a given plan: no planner call, one solver call with the given subquestions")
    func guidedGivenPlan() async throws {
        let solver = ScriptedBackend(identity: "solver") { prompt in
            prompt.contains("1. How far does Jane run in meters?\n2. How long does she run in minutes?\n3. What is her speed")
                ? "3000 m in 120 min, 3000 / 120 = 25. The answer is: 25" : "unexpected prompt"
        }
        var taskSolver = TaskSolver(planner: nil, solver: solver, cache: nil, maxTokens: 32)
        taskSolver.givenPlans = [Self.task.id: Plan(steps: [
            PlanStep(number: 1, question: "How far does Jane run in meters?", references: []),
            PlanStep(number: 2, question: "How long does she run in minutes?", references: [1]),
            PlanStep(number: 3, question: "What is her speed in meters per minute?", references: [1, 2]),
        ])]
        let record = await taskSolver.solve(Self.task)
        #expect(record.plan?.status == .given)
        #expect(solver.prompts.count == 1)
        #expect(record.calls.map(\.role) == [.guided])
        #expect(record.answer == "25")
    }

    @Test("A malformed plan falls back to solving directly and records why")
    func malformedPlanFallsBack() async throws {
        let planner = ScriptedBackend(identity: "planner") { _ in "1. Find the meters.\n3. Divide #5 by the minutes." }
        let solver = ScriptedBackend(identity: "solver") { _ in "Speed is 3000/120. The answer is: 25" }
        let record = await TaskSolver(planner: planner, solver: solver, cache: nil, maxTokens: 32).solve(Self.task)
        #expect(record.plan?.status == .fallback)
        #expect(record.plan?.reason == PlanFailure.numberingGap(expected: 2, found: 3).description)
        #expect(record.subproblems.map(\.kind) == [.direct])
        #expect(record.answer == "25")
    }

    @Test("\"No decomposition\" solves directly")
    func noDecomposition() async throws {
        let planner = ScriptedBackend(identity: "planner") { _ in "No decomposition." }
        let solver = ScriptedBackend(identity: "solver") { _ in "The answer is: 24" }
        let record = await TaskSolver(planner: planner, solver: solver, cache: nil, maxTokens: 32, steps: .together).solve(Self.task)
        #expect(record.plan?.status == .direct)
        #expect(record.calls.map(\.role) == [.planner, .direct])
        #expect(record.subproblems.map(\.kind) == [.direct])
        #expect(record.answer == "24")
        #expect(record.correct == false)
    }

    @Test("A failing model ends the task with an error, not the run")
    func failingModel() async throws {
        struct Down: Error {}
        final class Failing: ModelBackend {
            let identity = "down", location = "nowhere"
            func renderedPrompt(_ messages: [ChatMessage]) -> String { "" }
            func complete(_ request: CompletionRequest) async throws -> Completion { throw Down() }
        }
        let record = await TaskSolver(planner: nil, solver: Failing(), cache: nil, maxTokens: 8).solve(Self.task)
        #expect(record.error != nil)
        #expect(record.answer == nil)
        #expect(record.correct == false)
    }
}
