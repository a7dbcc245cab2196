import Foundation
import SQLiteKit

/// Writing runs and their finished tasks; each write is one committed transaction.
extension AgentStore {
    /// Records a new run and returns its id.
    public func startRun(command: String, input: String, settings: RunSettings) throws -> Int64 {
        try guarded {
            try database.transaction {
                try database.execute("""
                    INSERT INTO runs (command, input, started_at, status, planner_path, planner_identity, solver_path,
                                      solver_identity, no_plan, planner_exemplars, parallel, max_tokens, use_cache,
                                      exemplar_source, planner_adapter, steps, paths)
                    VALUES (?, ?, ?, 'running', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """, [.text(command), .text(input), .text(Self.now()), settings.plannerPath.map(SQLiteValue.text) ?? .null,
                          settings.plannerIdentity.map(SQLiteValue.text) ?? .null, .text(settings.solverPath),
                          .text(settings.solverIdentity), .integer(settings.noPlan ? 1 : 0),
                          .integer(Int64(settings.plannerExemplars)), .integer(Int64(settings.parallel)), .integer(Int64(settings.maxTokens)),
                          .integer(settings.useCache ? 1 : 0), .text(settings.exemplarSource),
                          settings.plannerAdapter.map(SQLiteValue.text) ?? .null, .text(settings.steps.rawValue),
                          .text(settings.paths)])
                return database.lastInsertRowID
            }
        }
    }

    /// Marks run `id` finished after the wall and CPU time `timer` measured in this process.
    public func finishRun(_ id: Int64, timer: RunTimer) throws {
        try guarded {
            try database.execute("""
                UPDATE runs SET status = 'finished', finished_at = ?, seconds = coalesce(seconds, 0) + ?,
                                cpu_seconds = coalesce(cpu_seconds, 0) + ? WHERE id = ?
                """, [.text(Self.now()), .real(timer.wallSeconds), .real(timer.cpuSeconds), .integer(id)])
        }
    }

    /// Marks run `id` interrupted (Ctrl-C or SIGTERM): its finished tasks are all recorded, and
    /// the same command resumes it.
    public func interruptRun(_ id: Int64, timer: RunTimer) throws {
        try guarded {
            try database.execute("""
                UPDATE runs SET status = 'interrupted', seconds = coalesce(seconds, 0) + ?,
                                cpu_seconds = coalesce(cpu_seconds, 0) + ? WHERE id = ? AND status = 'running'
                """, [.real(timer.wallSeconds), .real(timer.cpuSeconds), .integer(id)])
        }
    }

    /// Marks an interrupted run running again, as a resumed run is.
    public func resumeRun(_ id: Int64) throws {
        try guarded { try database.execute("UPDATE runs SET status = 'running' WHERE id = ? AND status = 'interrupted'", [.integer(id)]) }
    }

    /// The latest unfinished (running or interrupted) run of `command` on `input` with the same
    /// models, answer-changing settings and cache setting, which a new run can resume: a run
    /// without the cache never mixes with one that uses it.
    public func resumableRun(command: String, input: String, settings: RunSettings) throws -> Int64? {
        try guarded {
            try database.fetchAll("""
                SELECT id FROM runs WHERE status IN ('running', 'interrupted') AND command = ? AND input = ? AND solver_identity = ?
                    AND planner_identity IS ? AND no_plan = ? AND planner_exemplars = ? AND max_tokens = ?
                    AND exemplar_source = ? AND steps = ? AND paths = ? AND use_cache = ?
                ORDER BY id DESC LIMIT 1
                """, [.text(command), .text(input), .text(settings.solverIdentity),
                      settings.plannerIdentity.map(SQLiteValue.text) ?? .null, .integer(settings.noPlan ? 1 : 0),
                      .integer(Int64(settings.plannerExemplars)), .integer(Int64(settings.maxTokens)),
                      .text(settings.exemplarSource), .text(settings.steps.rawValue), .text(settings.paths),
                      .integer(settings.useCache ? 1 : 0)]) { $0.int64(at: 0) }.first ?? nil
        }
    }

    /// Records a finished task with its plan, subproblems and model calls, in one transaction.
    /// When another process resuming the same run recorded the task first, its record stays.
    public func recordTask(_ task: TaskRecord, run: Int64) throws {
        try guarded {
            try database.transaction {
                try database.execute("""
                    INSERT INTO tasks (run_id, task_key, line, task, gold, status, answer, correct, output, error, seconds,
                                       finished_at, confidence)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT (run_id, task_key) DO NOTHING
                    """, [.integer(run), .text(task.key), task.line.map { .integer(Int64($0)) } ?? .null, .text(task.task),
                          optional(task.gold), .text(task.error == nil ? "done" : "error"), optional(task.answer),
                          task.correct.map { .integer($0 ? 1 : 0) } ?? .null, optional(task.output), optional(task.error),
                          .real(task.seconds), .text(Self.now()), task.confidence.map(SQLiteValue.real) ?? .null])
                guard database.changes > 0 else { return }
                let taskID = database.lastInsertRowID
                if let plan = task.plan {
                    try database.execute("INSERT INTO plans (task_id, status, reason, raw_output) VALUES (?, ?, ?, ?)",
                                         [.integer(taskID), .text(plan.status.rawValue), optional(plan.reason),
                                          optional(plan.rawOutput)])
                    for (offset, question) in plan.steps.enumerated() {
                        try database.execute("""
                            INSERT INTO subproblems (task_id, kind, number, question, refs) VALUES (?, 'step', ?, ?, ?)
                            """, [.integer(taskID), .integer(Int64(offset + 1)), .text(question),
                                  .text(PlanReferences.numbers(in: question).map(String.init).joined(separator: ","))])
                    }
                }
                for (order, sub) in task.subproblems.enumerated() {
                    try record(sub, order: order, task: taskID)
                }
                for call in task.calls {
                    try database.execute("""
                        INSERT INTO model_calls (task_id, role, step, model_identity, cache_key, prompt_tokens,
                                                 completion_tokens, seconds, cache_hit, first_token_seconds)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                        """, [.integer(taskID), .text(call.role.rawValue), call.step.map { .integer(Int64($0)) } ?? .null,
                              .text(call.modelIdentity), .text(call.cacheKey), .integer(Int64(call.promptTokens)),
                              .integer(Int64(call.completionTokens)), .real(call.seconds), .integer(call.cacheHit ? 1 : 0),
                              call.firstTokenSeconds.map(SQLiteValue.real) ?? .null])
                }
            }
        }
    }

    /// Fills in a plan step's row, or adds the row of a reasoning path's answer.
    private func record(_ sub: SubproblemRecord, order: Int, task: Int64) throws {
        let refs = SQLiteValue.text(sub.references.map(String.init).joined(separator: ","))
        if sub.kind == .step {
            try database.execute("""
                UPDATE subproblems SET resolved_question = ?, output = ?, answer = ?, solved_order = ?, truncated = ?
                WHERE task_id = ? AND kind = 'step' AND number = ?
                """, [.text(sub.question), .text(sub.output), optional(sub.answer), .integer(Int64(order)),
                      .integer(sub.truncated ? 1 : 0), .integer(task), .integer(Int64(sub.number))])
        } else {
            try database.execute("""
                INSERT INTO subproblems (task_id, kind, number, question, refs, resolved_question, output, answer, solved_order,
                                         path, note, truncated)
                VALUES (?, ?, 0, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, [.integer(task), .text(sub.kind.rawValue), .text(sub.question), refs, .text(sub.question),
                      .text(sub.output), optional(sub.answer), .integer(Int64(order)), optional(sub.path), optional(sub.note),
                      .integer(sub.truncated ? 1 : 0)])
        }
    }

    private func optional(_ text: String?) -> SQLiteValue { text.map(SQLiteValue.text) ?? .null }
}
