import SQLiteKit

/// Reading runs back from the log.
extension AgentStore {
    /// A run's summary line, for listings.
    public struct RunSummary: Sendable, Codable, Equatable {
        public let id: Int64
        public let command: String
        public let input: String
        public let startedAt: String
        public let status: String
        public let tasks: Int
        public let correct: Int
        /// Tasks that had a gold answer to compare with.
        public let graded: Int
        public let cacheHits: Int
        public let cacheMisses: Int
    }

    /// The latest `limit` runs, newest first.
    public func runSummaries(limit: Int) throws -> [RunSummary] {
        try guarded {
            try database.fetchAll("""
                SELECT r.id, r.command, r.input, r.started_at, r.status,
                    (SELECT count(*) FROM tasks t WHERE t.run_id = r.id),
                    (SELECT count(*) FROM tasks t WHERE t.run_id = r.id AND t.correct = 1),
                    (SELECT count(*) FROM tasks t WHERE t.run_id = r.id AND t.correct IS NOT NULL),
                    (SELECT count(*) FROM model_calls c JOIN tasks t ON c.task_id = t.id WHERE t.run_id = r.id AND c.cache_hit = 1),
                    (SELECT count(*) FROM model_calls c JOIN tasks t ON c.task_id = t.id WHERE t.run_id = r.id AND c.cache_hit = 0)
                FROM runs r ORDER BY r.id DESC LIMIT ?
                """, [.integer(Int64(limit))]) { row in
                RunSummary(id: row.int64(at: 0) ?? 0, command: row.string(at: 1) ?? "", input: row.string(at: 2) ?? "",
                           startedAt: row.string(at: 3) ?? "", status: row.string(at: 4) ?? "",
                           tasks: Int(row.int64(at: 5) ?? 0), correct: Int(row.int64(at: 6) ?? 0),
                           graded: Int(row.int64(at: 7) ?? 0),
                           cacheHits: Int(row.int64(at: 8) ?? 0), cacheMisses: Int(row.int64(at: 9) ?? 0))
            }
        }
    }

    /// Run `id` with all its finished tasks.
    /// - Throws: ``AgentError/noSuchRun(_:)`` when there is none.
    public func run(_ id: Int64) throws -> RunRecord {
        try guarded {
            let runs = try database.fetchAll("""
                SELECT command, input, started_at, finished_at, status, planner_path, planner_identity, solver_path,
                       solver_identity, no_plan, parallel, max_tokens, use_cache, seconds, planner_exemplars, exemplar_source,
                       planner_adapter, steps, cpu_seconds, paths
                FROM runs WHERE id = ?
                """, [.integer(id)]) { row in
                guard let steps = StepStrategy(rawValue: row.string(at: 17) ?? "") else {
                    throw AgentError.corruptLog("run \(id) has step strategy '\(row.string(at: 17) ?? "")'")
                }
                return (row.string(at: 0) ?? "", row.string(at: 1) ?? "", row.string(at: 2) ?? "", row.string(at: 3),
                 row.string(at: 4) ?? "", RunSettings(
                    plannerPath: row.string(at: 5), plannerIdentity: row.string(at: 6), solverPath: row.string(at: 7) ?? "",
                    solverIdentity: row.string(at: 8) ?? "", noPlan: row.int64(at: 9) == 1,
                    plannerExemplars: Int(row.int64(at: 14) ?? 0), parallel: Int(row.int64(at: 10) ?? 0), maxTokens: Int(row.int64(at: 11) ?? 0),
                    useCache: row.int64(at: 12) == 1, exemplarSource: row.string(at: 15) ?? "builtin",
                    plannerAdapter: row.string(at: 16), steps: steps, paths: row.string(at: 19) ?? ""),
                 row.double(at: 13), row.double(at: 18))
            }
            guard let (command, input, started, finished, status, settings, seconds, cpuSeconds) = runs.first else {
                throw AgentError.noSuchRun(id)
            }
            return RunRecord(id: id, command: command, input: input, startedAt: started, finishedAt: finished,
                             status: status, settings: settings, seconds: seconds, cpuSeconds: cpuSeconds, tasks: try tasks(ofRun: id))
        }
    }

    private func tasks(ofRun run: Int64) throws -> [TaskRecord] {
        let rows = try database.fetchAll("""
            SELECT t.id, t.task_key, t.line, t.task, t.gold, t.answer, t.correct, t.output, t.error, t.seconds,
                   p.status, p.reason, p.raw_output, t.confidence
            FROM tasks t LEFT JOIN plans p ON p.task_id = t.id WHERE t.run_id = ? ORDER BY t.id
            """, [.integer(run)]) { row in
            (id: row.int64(at: 0) ?? 0, key: row.string(at: 1) ?? "", line: row.int64(at: 2).map(Int.init),
             task: row.string(at: 3) ?? "", gold: row.string(at: 4), answer: row.string(at: 5),
             correct: row.int64(at: 6).map { $0 == 1 }, output: row.string(at: 7), error: row.string(at: 8),
             seconds: row.double(at: 9) ?? 0, planStatus: row.string(at: 10), reason: row.string(at: 11),
             raw: row.string(at: 12), confidence: row.double(at: 13))
        }
        return try rows.map { t in
            var plan: PlanRecord?
            if let statusText = t.planStatus {
                guard let status = PlanRecord.Status(rawValue: statusText) else {
                    throw AgentError.corruptLog("task \(t.key) has plan status '\(statusText)'")
                }
                let steps = try database.fetchAll(
                    "SELECT question FROM subproblems WHERE task_id = ? AND kind = 'step' ORDER BY number",
                    [.integer(t.id)]) { $0.string(at: 0) ?? "" }
                plan = PlanRecord(status: status, steps: steps, reason: t.reason, rawOutput: t.raw)
            }
            return TaskRecord(key: t.key, line: t.line, task: t.task, gold: t.gold, answer: t.answer, correct: t.correct,
                              output: t.output, error: t.error, plan: plan, subproblems: try subproblems(ofTask: t.id),
                              calls: try calls(ofTask: t.id), seconds: t.seconds, confidence: t.confidence)
        }
    }

    private func subproblems(ofTask task: Int64) throws -> [SubproblemRecord] {
        try database.fetchAll("""
            SELECT kind, number, resolved_question, refs, output, answer, path, note, truncated FROM subproblems
            WHERE task_id = ? AND solved_order IS NOT NULL ORDER BY solved_order
            """, [.integer(task)]) { row in
            guard let kind = SubproblemRecord.Kind(rawValue: row.string(at: 0) ?? "") else {
                throw AgentError.corruptLog("subproblem of kind '\(row.string(at: 0) ?? "")'")
            }
            return SubproblemRecord(kind: kind, number: Int(row.int64(at: 1) ?? 0), question: row.string(at: 2) ?? "",
                                    references: (row.string(at: 3) ?? "").split(separator: ",").compactMap { Int($0) },
                                    output: row.string(at: 4) ?? "", answer: row.string(at: 5), path: row.string(at: 6),
                                    note: row.string(at: 7), truncated: row.int64(at: 8) == 1)
        }
    }

    private func calls(ofTask task: Int64) throws -> [ModelCallRecord] {
        try database.fetchAll("""
            SELECT role, step, model_identity, cache_key, prompt_tokens, completion_tokens, seconds, cache_hit,
                   first_token_seconds
            FROM model_calls WHERE task_id = ? ORDER BY id
            """, [.integer(task)]) { row in
            let name = row.string(at: 0) ?? ""
            guard let role = CallRole(rawValue: name) else { throw AgentError.corruptLog("a model call of task \(task) has the unknown role '\(name)'") }
            return ModelCallRecord(role: role, step: row.int64(at: 1).map(Int.init),
                            modelIdentity: row.string(at: 2) ?? "", cacheKey: row.string(at: 3) ?? "",
                            promptTokens: Int(row.int64(at: 4) ?? 0), completionTokens: Int(row.int64(at: 5) ?? 0),
                            seconds: row.double(at: 6) ?? 0, cacheHit: row.int64(at: 7) == 1,
                            firstTokenSeconds: row.double(at: 8))
        }
    }
}
