@testable import Agent
import Testing

struct BatchRunInFlightTests {
    @Test("With a planner, a batch keeps three times --parallel tasks in flight, so the solver's batch stays full while others plan")
    func plannedTasksInFlight() async throws {
        let folder = try TemporaryFolder()
        let store = try AgentStore(path: folder.path("divvy.db"))
        let items = (1...8).map { TaskItem(id: "t\($0)", task: "What is \($0) plus 1?", answer: String($0 + 1), line: $0) }
        func run(planner: ScriptedBackend?, solver: ScriptedBackend) async throws {
            let taskSolver = TaskSolver(planner: planner, solver: solver, cache: nil, maxTokens: 16)
            _ = try await BatchRun.run(path: folder.path("tasks-\(planner == nil).jsonl"), items: items, problems: [],
                                       solver: taskSolver,
                                       settings: testSettings(planner: planner, solver: solver, maxTokens: 16, parallel: 2),
                                       store: store) { _ in }
        }
        let planner = ScriptedBackend(identity: "planner") { _ in "No decomposition." }
        let plannedSolver = ScriptedBackend(identity: "solver") { _ in "The answer is: 2" }
        try await run(planner: planner, solver: plannedSolver)
        #expect(planner.maxInFlight == 6)

        let directSolver = ScriptedBackend(identity: "solver") { _ in "The answer is: 2" }
        try await run(planner: nil, solver: directSolver)
        #expect(directSolver.maxInFlight == 2)
    }
}
