import SQLiteKit

/// Where a stored exemplar's plan came from.
public enum ExemplarOrigin: String, Sendable, Codable, CaseIterable {
    /// Written by a teacher model and kept because the solver answered correctly with it.
    case teacher
    /// A dataset's gold decomposition, likewise kept only when the solver got it right.
    case gold
}

/// The `exemplars` table: worked plans for the planner, and which problems distillation tried.
extension AgentStore {
    /// All stored exemplars, oldest first.
    public func exemplars() throws -> [Exemplar] {
        try guarded {
            try database.fetchAll("SELECT task, plan FROM exemplars ORDER BY id") { row in
                Exemplar(problem: row.string(at: 0) ?? "", plan: row.string(at: 1) ?? "")
            }
        }
    }

    /// The stored exemplars of one origin with their problem ids, oldest first.
    public func exemplars(origin: ExemplarOrigin) throws -> [(id: String, task: String, plan: String)] {
        try guarded {
            try database.fetchAll("SELECT problem_id, task, plan FROM exemplars WHERE source = ? ORDER BY id",
                                  [.text(origin.rawValue)]) { row in
                (id: row.string(at: 0) ?? "", task: row.string(at: 1) ?? "", plan: row.string(at: 2) ?? "")
            }
        }
    }

    /// Records a distillation attempt (the task of `run`) and, when one was kept, its exemplar,
    /// in one transaction. A problem keeps its first exemplar of an origin.
    public func recordDistilled(_ task: TaskRecord, exemplar: Exemplar?, origin: ExemplarOrigin, modelIdentity: String?,
                                sample: Int?, run: Int64) throws {
        try guarded {
            try database.transaction {
                try recordTask(task, run: run)
                guard let exemplar else { return }
                try database.execute("""
                    INSERT OR IGNORE INTO exemplars (source, problem_id, task, plan, model_identity, sample, run_id, created_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    """, [.text(origin.rawValue), .text(task.key), .text(exemplar.problem), .text(exemplar.plan),
                          modelIdentity.map(SQLiteValue.text) ?? .null, sample.map { .integer(Int64($0)) } ?? .null, .integer(run), .text(Self.now())])
            }
        }
    }

    /// Ids of the problems that runs of `command` (`distill`, `distill:gold`) with this teacher
    /// and solver already tried.
    public func distilledProblems(command: String, teacherIdentity: String, solverIdentity: String) throws -> Set<String> {
        try guarded {
            Set(try database.fetchAll("""
                SELECT DISTINCT t.task_key FROM tasks t JOIN runs r ON t.run_id = r.id
                WHERE r.command = ? AND r.planner_identity = ? AND r.solver_identity = ?
                """, [.text(command), .text(teacherIdentity), .text(solverIdentity)]) { $0.string(at: 0) ?? "" })
        }
    }
}
