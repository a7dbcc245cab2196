/// A batch run over a task file: bad lines are logged as failed tasks, finished tasks are
/// committed one by one, and an unfinished run with the same settings is resumed.
public enum BatchRun {
    /// Task key under which a bad task file line is logged (such a line has no usable id).
    public static let badLinePrefix = "line:"

    /// Solves the tasks loaded from `path` (`items` and the `problems` of bad lines), calling
    /// `onStart` with the run's id and how many of its tasks an earlier, interrupted run already
    /// finished, then `onRecord` with each task's record as it is committed: first those already
    /// finished, then the bad lines, then the rest as they finish.
    /// - Returns: the run's id and how many of its tasks were resumed from the log.
    /// `command` names the run in the log (`batch`, `eval:direct`, …); a run resumes only one with the same name.
    public static func run(command: String = "batch", path: String, items: [TaskItem], problems: [TaskLineProblem], solver: TaskSolver,
                           settings: RunSettings, store: AgentStore,
                           onStart: (_ run: Int64, _ resumed: Int) -> Void = { _, _ in },
                           onRecord: @escaping @Sendable (TaskRecord) -> Void) async throws -> (run: Int64, resumed: Int) {
        var finished: [TaskRecord] = []
        let runID: Int64
        if let resumed = try store.resumableRun(command: command, input: path, settings: settings) {
            runID = resumed
            try store.resumeRun(resumed)
            finished = try store.run(resumed).tasks
        } else {
            runID = try store.startRun(command: command, input: path, settings: settings)
        }
        let done = Set(finished.map(\.key))
        onStart(runID, finished.count)
        finished.forEach(onRecord)
        for problem in problems where !done.contains(badLinePrefix + String(problem.line)) {
            let record = TaskRecord(key: badLinePrefix + String(problem.line), line: problem.line, task: "", gold: nil,
                                    answer: nil, correct: nil, output: nil, error: problem.description, plan: nil,
                                    subproblems: [], calls: [], seconds: 0)
            try store.recordTask(record, run: runID)
            onRecord(record)
        }
        let timer = RunTimer()
        try await RunCoordinator.run(items.filter { !done.contains($0.id) }, solver: solver,
                                     inFlight: solver.tasksInFlight(parallel: settings.parallel),
                                     store: store, run: runID, onFinished: onRecord)
        try store.finishRun(runID, timer: timer)
        return (runID, finished.count)
    }
}
