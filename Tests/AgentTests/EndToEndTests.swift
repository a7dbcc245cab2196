@testable import Agent
import Foundation
import Testing

/// SmolLM2 plays planner and solver on the real engine (debug build: token budgets stay tiny).
@Suite(.serialized)
struct EndToEndTests {
    @Test("Plan and solve, then an identical run is served from the cache with zero model calls")
    func solveThenCachedRerun() async throws {
        let folder = try TemporaryFolder()
        let store = try AgentStore(path: folder.path("divvy.db"))
        let path = try SmolModel.requirePath()
        let task = TaskItem(id: "1", task: "Tom has 3 apples and buys 5 more. How many apples does he have?",
                            answer: "8", line: 1)

        func solveOnce() async throws -> (RunRecord, planner: Int, solver: Int) {
            let backends = try LocalModels.load(paths: [path, path], store: store, parallel: 4, tokensPerSequence: 512)
            let planner = CountingBackend(backends[0]), solver = CountingBackend(backends[1])
            // One exemplar keeps the planner prompt short: attention in a debug build is slow.
            let taskSolver = TaskSolver(planner: planner, solver: solver, cache: ResultCache(store: store), maxTokens: 12,
                                        plannerExemplars: 1)
            let run = try store.startRun(command: "solve", input: task.task,
                                         settings: testSettings(planner: planner, solver: solver, maxTokens: 12))
            let timer = RunTimer()
            try await RunCoordinator.run([task], solver: taskSolver, inFlight: 1, store: store, run: run) { _ in }
            try store.finishRun(run, timer: timer)
            return (try store.run(run), planner.calls, solver.calls)
        }

        let (first, plannerCalls, solverCalls) = try await solveOnce()
        let record = try #require(first.tasks.first)
        #expect(record.error == nil)
        #expect(plannerCalls == 1)
        #expect(record.plan != nil && record.plan?.status != .skipped)
        #expect(solverCalls == record.subproblems.count)
        #expect(record.subproblems.last?.kind != .step)
        #expect(record.cacheMisses == plannerCalls + solverCalls && record.cacheHits == 0)
        #expect(record.promptTokens > 0 && record.completionTokens > 0)
        #expect((first.cpuSeconds ?? 0) > 0)

        let (second, plannerAgain, solverAgain) = try await solveOnce()
        let again = try #require(second.tasks.first)
        #expect(plannerAgain == 0 && solverAgain == 0)
        #expect(again.cacheHits == record.cacheMisses && again.cacheMisses == 0)
        #expect(again.promptTokens == 0)
        #expect(again.plan == record.plan)
        #expect(again.subproblems == record.subproblems)
        #expect(again.answer == record.answer)
    }

    @Test("A bad JSONL line is reported with its line number, the other tasks still run, and a resumed run skips finished tasks")
    func batchWithBadLineAndResume() async throws {
        let folder = try TemporaryFolder()
        let store = try AgentStore(path: folder.path("divvy.db"))
        let path = try SmolModel.requirePath()
        let file = folder.path("tasks.jsonl")
        try """
        {"id": "a", "task": "What is 2 plus 3?", "answer": "5"}
        {"id": "b", "task": 
        {"id": "c", "task": "What is 4 times 2?", "answer": 8}
        """.write(toFile: file, atomically: true, encoding: .utf8)
        let (items, problems) = try TaskFile.load(file)
        #expect(problems.map(\.line) == [2])

        func batch() async throws -> (run: Int64, resumed: Int, records: [TaskRecord], calls: Int) {
            let solver = CountingBackend(try LocalModels.load(paths: [path], store: store, parallel: 2,
                                                              tokensPerSequence: 256)[0])
            let collected = Collected()
            let taskSolver = TaskSolver(planner: nil, solver: solver, cache: ResultCache(store: store), maxTokens: 6)
            let (run, resumed) = try await BatchRun.run(
                path: file, items: items, problems: problems, solver: taskSolver,
                settings: testSettings(planner: nil, solver: solver, maxTokens: 6),
                store: store) { collected.add($0) }
            return (run, resumed, collected.records, solver.calls)
        }

        let first = try await batch()
        #expect(first.resumed == 0 && first.calls == 2)
        let bad = try #require(first.records.first { $0.line == 2 })
        #expect(bad.error == "line 2: not valid JSON")
        #expect(Set(first.records.filter { $0.error == nil }.map(\.key)) == ["a", "c"])
        #expect(try store.run(first.run).tasks.count == 3)

        // As if interrupted before task c finished: the run is unfinished and c is not logged.
        try store.database.execute("UPDATE runs SET status = 'running' WHERE id = ?", [.integer(first.run)])
        try store.database.execute("DELETE FROM tasks WHERE run_id = ? AND task_key = 'c'", [.integer(first.run)])
        let second = try await batch()
        #expect(second.run == first.run)
        #expect(second.resumed == 2)
        #expect(second.records.count == 3)
        // a and the bad line come back from the log as first recorded; only c is solved again
        // (from the cache, which the first run filled).
        #expect(second.records.first { $0.key == "a" } == first.records.first { $0.key == "a" })
        let redone = try #require(second.records.first { $0.key == "c" })
        #expect(redone.cacheHits == 1 && redone.cacheMisses == 0 && second.calls == 0)
        #expect(redone.answer == first.records.first { $0.key == "c" }?.answer)
        #expect(try store.run(first.run).status == "finished")

        // Roles are read back as the enum: a role this program does not know is a damaged log.
        try store.database.execute("UPDATE model_calls SET role = 'wizard'")
        let error = #expect(throws: AgentError.self) { try store.run(first.run) }
        guard case .corruptLog(let why)? = error else { Issue.record("got \(String(describing: error))"); return }
        #expect(why.contains("'wizard'"))
    }
}

/// Records collected from a callback.
final class Collected: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [TaskRecord] = []
    var records: [TaskRecord] { lock.withLock { items } }
    func add(_ record: TaskRecord) { lock.withLock { items.append(record) } }
}
