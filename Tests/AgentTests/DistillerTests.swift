@testable import Agent
import Foundation
import LLM
import Testing

/// A backend answering each request from its messages and sampling parameters.
final class SamplingScriptBackend: ModelBackend, @unchecked Sendable {
    let identity: String
    let location = "scripted"
    private let reply: @Sendable (String, SamplingParameters) -> String
    private let lock = NSLock()
    private var count = 0

    init(identity: String, reply: @escaping @Sendable (String, SamplingParameters) -> String) {
        self.identity = identity
        self.reply = reply
    }

    var calls: Int { lock.withLock { count } }

    func renderedPrompt(_ messages: [ChatMessage]) -> String {
        messages.map { "\($0.role): \($0.content)" }.joined(separator: "\n")
    }

    func complete(_ request: CompletionRequest) async throws -> Completion {
        lock.withLock { count += 1 }
        let text = reply(request.messages.last?.content ?? "", request.sampling)
        return Completion(text: text, promptTokens: 10, completionTokens: 5, stopReason: .endOfTurn, seconds: 0)
    }
}

struct DistillerTests {
    static let task = TaskItem(id: "train-1", task: "A box holds 4 rows of 5 eggs. Half are sold. How many eggs are left?",
                               answer: "10", line: 1)
    static let wrongPlan = "1. How many rows are there?\n2. How many eggs are left if #1 rows are left?"
    static let rightPlan = "1. How many eggs are in the box?\n2. How many eggs are left after half of #1 are sold?"

    /// Greedy gives the wrong plan, the seeded samples the right one; the solver follows each plan faithfully.
    static func backends() -> (teacher: SamplingScriptBackend, solver: SamplingScriptBackend) {
        let teacher = SamplingScriptBackend(identity: "teacher") { _, sampling in
            sampling.temperature == 0 ? wrongPlan : rightPlan
        }
        let solver = SamplingScriptBackend(identity: "solver") { prompt, _ in
            if prompt.contains("Subquestions already answered") {
                return prompt.contains("half of 20 are sold? 10") ? "The answer is: 10" : "The answer is: 4"
            }
            if prompt.contains("half of 20") { return "The answer is: 10" }
            if prompt.contains("eggs are in the box") { return "The answer is: 20" }
            if prompt.contains("rows") { return "The answer is: 4" }
            return "unexpected"
        }
        return (teacher, solver)
    }

    @Test("Only a plan that leads to the gold answer is kept; greedy is tried first, then seeded samples")
    func rejection() async throws {
        let (teacher, solver) = Self.backends()
        let taskSolver = TaskSolver(planner: teacher, solver: solver, cache: nil, maxTokens: 64, steps: .separately)

        let greedyOnly = await Distiller(source: .teacher(teacher, samples: 1), solver: taskSolver).distill(Self.task)
        #expect(greedyOnly.exemplar == nil)
        #expect(greedyOnly.keptSample == nil)
        #expect(greedyOnly.record.correct == false)
        #expect(greedyOnly.record.plan?.steps == ["How many rows are there?", "How many eggs are left if #1 rows are left?"])

        let sampled = await Distiller(source: .teacher(teacher, samples: 3), solver: taskSolver).distill(Self.task)
        #expect(sampled.exemplar == Exemplar(problem: Self.task.task, plan: Self.rightPlan))
        #expect(sampled.keptSample == 1)
        #expect(sampled.record.correct == true)
        #expect(sampled.record.plan?.status == .planned)
        // Both attempts are logged: two teacher calls, each followed by two steps and a synthesis.
        #expect(sampled.record.calls.map(\.role) == [.planner, .step, .step, .synthesis] + [.planner, .step, .step, .synthesis])
    }

    @Test("Samples are seeded and cached apart; a rerun is answered from the cache")
    func cachedSamples() async throws {
        let folder = try TemporaryFolder()
        let store = try AgentStore(path: folder.path("divvy.db"))
        let (teacher, solver) = Self.backends()
        let taskSolver = TaskSolver(planner: teacher, solver: solver, cache: ResultCache(store: store), maxTokens: 64)
        let distiller = Distiller(source: .teacher(teacher, samples: 2), solver: taskSolver)
        #expect(distiller.sampling(0) == PlannerPrompt.sampling(maxTokens: 64), "the solver's own planner sampling")
        #expect(distiller.sampling(0).temperature == 0 && !distiller.sampling(0).stop.isEmpty)
        #expect(distiller.sampling(1).lineRepeatLimit == PlanParser.loopCopies)
        #expect(distiller.sampling(1).seed == 1 && distiller.sampling(1).temperature == Distiller.temperature)

        let first = await distiller.distill(Self.task)
        let calls = teacher.calls + solver.calls
        let again = await distiller.distill(Self.task)
        #expect(teacher.calls + solver.calls == calls)
        #expect(again.exemplar == first.exemplar)
        #expect(Set(first.record.calls.filter { $0.role == .planner }.map(\.cacheKey)).count == 2)
    }

    @Test("A distill run stores kept exemplars and remembers every problem it tried")
    func storedRun() async throws {
        let folder = try TemporaryFolder()
        let store = try AgentStore(path: folder.path("divvy.db"))
        let (teacher, solver) = Self.backends()
        let taskSolver = TaskSolver(planner: teacher, solver: solver, cache: nil, maxTokens: 64, steps: .separately)
        let hopeless = TaskItem(id: "train-2", task: "A box holds 4 rows of 5 eggs. How many rows?", answer: "99", line: 2)
        let settings = testSettings(planner: teacher, solver: solver, maxTokens: 64)
        let run = try store.startRun(command: "distill", input: "train.jsonl", settings: settings)
        try await Distiller(source: .teacher(teacher, samples: 2), solver: taskSolver)
            .run([Self.task, hopeless], inFlight: 2, store: store, run: run) { _ in }

        #expect(try store.exemplars() == [Exemplar(problem: Self.task.task, plan: Self.rightPlan)])
        #expect(try store.distilledProblems(command: "distill", teacherIdentity: "teacher", solverIdentity: "solver") == ["train-1", "train-2"])
        #expect(try store.distilledProblems(command: "distill", teacherIdentity: "other", solverIdentity: "solver").isEmpty)
        let origin = try store.database.fetchAll("SELECT source, problem_id, sample, run_id FROM exemplars") {
            [$0.string(at: 0) ?? "", $0.string(at: 1) ?? "", String($0.int64(at: 2) ?? -1), String($0.int64(at: 3) ?? -1)]
        }
        #expect(origin == [["teacher", "train-1", "1", String(run)]])
        #expect(try store.run(run).tasks.count == 2)
    }

    @Test("Gold plans are kept only when the solver reaches the gold answer with them")
    func goldPlans() async throws {
        let (teacher, solver) = Self.backends()
        let taskSolver = TaskSolver(planner: teacher, solver: solver, cache: nil, maxTokens: 64, steps: .separately)
        func plan(_ text: String) throws -> Plan { try PlanParser.parse(text) }
        let right = await Distiller(source: .gold([Self.task.id: try plan(Self.rightPlan)]), solver: taskSolver).distill(Self.task)
        #expect(right.exemplar == Exemplar(problem: Self.task.task, plan: Self.rightPlan))
        #expect(right.record.plan?.status == .given)
        #expect(teacher.calls == 0)
        let wrong = await Distiller(source: .gold([Self.task.id: try plan(Self.wrongPlan)]), solver: taskSolver).distill(Self.task)
        #expect(wrong.exemplar == nil)
        let missing = await Distiller(source: .gold([:]), solver: taskSolver).distill(Self.task)
        #expect(missing.exemplar == nil)
        #expect(missing.record.error == "no gold decomposition for train-1")
    }
}
