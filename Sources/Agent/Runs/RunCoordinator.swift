/// Runs many tasks with a bounded number in flight; their model requests meet in the backends'
/// batches. Each finished task is committed to the log before `onFinished` sees it.
public enum RunCoordinator {
    public static func run(_ items: [TaskItem], solver: TaskSolver, inFlight: Int, store: AgentStore, run: Int64,
                           onFinished: @Sendable (TaskRecord) -> Void) async throws {
        try await withThrowingTaskGroup(of: TaskRecord.self) { group in
            var pending = items[...]
            func startNext() {
                guard let item = pending.popFirst() else { return }
                group.addTask { await solver.solve(item) }
            }
            for _ in 0..<max(1, inFlight) { startNext() }
            while let record = try await group.next() {
                try store.recordTask(record, run: run)
                onFinished(record)
                startNext()
            }
        }
    }
}
