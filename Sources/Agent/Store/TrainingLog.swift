import SQLiteKit

/// What identifies a LoRA training of the planner: a training resumes only one with all of these equal.
public struct TrainingSpec: Sendable, Equatable {
    public var basePath: String
    public var baseIdentity: String
    /// The data file's absolute path.
    public var data: String
    /// The adapter file written at the end.
    public var output: String
    /// Every setting that changes the result (rank, alpha, targets, rate, batch, epochs, seed, examples), as text.
    public var configuration: String
    public var examples: Int
    public var totalSteps: Int

    public init(basePath: String, baseIdentity: String, data: String, output: String, configuration: String,
                examples: Int, totalSteps: Int) {
        self.basePath = basePath
        self.baseIdentity = baseIdentity
        self.data = data
        self.output = output
        self.configuration = configuration
        self.examples = examples
        self.totalSteps = totalSteps
    }
}

/// One optimizer step of a training, as logged.
public struct TrainingStepRecord: Sendable, Equatable {
    public let step: Int
    /// Mean cross-entropy over the step's target tokens.
    public let loss: Double
    public let targetTokens: Int
    public let tokens: Int
    /// Global gradient norm before clipping.
    public let gradientNorm: Double
    public let seconds: Double

    public init(step: Int, loss: Double, targetTokens: Int, tokens: Int, gradientNorm: Double, seconds: Double) {
        self.step = step
        self.loss = loss
        self.targetTokens = targetTokens
        self.tokens = tokens
        self.gradientNorm = gradientNorm
        self.seconds = seconds
    }
}

/// The `trainings` and `training_steps` tables: every LoRA training and its loss curve.
extension AgentStore {
    /// The unfinished training with exactly this spec (an interrupted one is resumed), or a new one.
    public func training(_ spec: TrainingSpec) throws -> (id: Int64, resumed: Bool) {
        try guarded {
            try database.transaction {
                let existing = try database.fetchAll("""
                    SELECT id FROM trainings WHERE status != 'finished' AND base_path = ? AND base_identity = ?
                        AND data = ? AND output = ? AND configuration = ? AND examples = ? AND total_steps = ?
                    ORDER BY id DESC LIMIT 1
                    """, Self.values(spec)) { $0.int64(at: 0) }.first ?? nil
                if let existing { return (existing, true) }
                try database.execute("""
                    INSERT INTO trainings (base_path, base_identity, data, output, configuration, examples, total_steps,
                                           started_at, status)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'running')
                    """, Self.values(spec) + [.text(Self.now())])
                return (database.lastInsertRowID, false)
            }
        }
    }

    /// Logs one step (a resumed training that repeats a step keeps the later record).
    public func recordTrainingStep(_ record: TrainingStepRecord, training: Int64) throws {
        try guarded {
            try database.execute("""
                INSERT OR REPLACE INTO training_steps (training_id, step, loss, target_tokens, tokens, gradient_norm, seconds)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """, [.integer(training), .integer(Int64(record.step)), .real(record.loss), .integer(Int64(record.targetTokens)),
                      .integer(Int64(record.tokens)), .real(record.gradientNorm), .real(record.seconds)])
        }
    }

    /// The logged steps of a training, in order.
    public func trainingSteps(_ training: Int64) throws -> [TrainingStepRecord] {
        try guarded {
            try database.fetchAll("""
                SELECT step, loss, target_tokens, tokens, gradient_norm, seconds FROM training_steps
                WHERE training_id = ? ORDER BY step
                """, [.integer(training)]) { row in
                TrainingStepRecord(step: Int(row.int64(at: 0) ?? 0), loss: row.double(at: 1) ?? 0,
                                   targetTokens: Int(row.int64(at: 2) ?? 0), tokens: Int(row.int64(at: 3) ?? 0),
                                   gradientNorm: row.double(at: 4) ?? 0, seconds: row.double(at: 5) ?? 0)
            }
        }
    }

    /// Ends this process's part of a training: `finished`, or `interrupted` (resumable), adding its wall time.
    public func endTraining(_ training: Int64, finished: Bool, seconds: Double) throws {
        try guarded {
            try database.execute("""
                UPDATE trainings SET status = ?, finished_at = ?, seconds = coalesce(seconds, 0) + ? WHERE id = ?
                """, [.text(finished ? "finished" : "interrupted"), .text(Self.now()), .real(seconds), .integer(training)])
        }
    }

    /// Records the loss on the held-out demonstrations before training (`after: false`) or after it.
    public func recordValidationLoss(_ loss: Double, after: Bool, training: Int64) throws {
        try guarded {
            try database.execute("UPDATE trainings SET \(after ? "validation_loss_after" : "validation_loss_before") = ? WHERE id = ?",
                                 [.real(loss), .integer(training)])
        }
    }

    /// The held-out losses recorded for a training.
    public func validationLosses(_ training: Int64) throws -> (before: Double?, after: Double?) {
        try guarded {
            try database.fetchAll("SELECT validation_loss_before, validation_loss_after FROM trainings WHERE id = ?",
                                  [.integer(training)]) { (before: $0.double(at: 0), after: $0.double(at: 1)) }.first ?? (nil, nil)
        }
    }

    private static func values(_ spec: TrainingSpec) -> [SQLiteValue] {
        [.text(spec.basePath), .text(spec.baseIdentity), .text(spec.data), .text(spec.output), .text(spec.configuration),
         .integer(Int64(spec.examples)), .integer(Int64(spec.totalSteps))]
    }
}
