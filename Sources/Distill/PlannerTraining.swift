import Agent
import Foundation
import LLM
import Train

/// The settings of a LoRA distillation of the planner that change what it learns.
public struct PlannerTrainingSettings: Sendable, Equatable {
    public var lora: LoRAConfiguration
    /// Peak learning rate, reached after `warmupSteps` and decayed linearly to a tenth of it by the last step.
    public var learningRate: Float
    public var warmupSteps: Int
    public var batchSize: Int
    public var epochs: Int
    public var seed: UInt64
    /// Demonstrations held out for the validation loss.
    public var validationCount: Int

    public init(lora: LoRAConfiguration = LoRAConfiguration(), learningRate: Float = 1e-3, warmupSteps: Int = 5,
                batchSize: Int = 8, epochs: Int = 1, seed: UInt64 = 1, validationCount: Int = 16) {
        self.lora = lora
        self.learningRate = learningRate
        self.warmupSteps = warmupSteps
        self.batchSize = batchSize
        self.epochs = epochs
        self.seed = seed
        self.validationCount = validationCount
    }

    /// Every setting as text, stored with the training: a training resumes only one with the same text.
    public var text: String {
        let targets = lora.targets.sorted().map(\.rawValue).joined(separator: ",")
        return "rank=\(lora.rank) alpha=\(lora.alpha) targets=\(targets) lr=\(learningRate) warmup=\(warmupSteps) "
            + "batch=\(batchSize) epochs=\(epochs) seed=\(seed) validation=\(validationCount)"
    }

    /// The learning rate of step `step` (1-based) of `totalSteps`.
    public func learningRate(step: Int, of totalSteps: Int) -> Float {
        if step <= warmupSteps { return learningRate * Float(step) / Float(warmupSteps + 1) }
        let decaying = max(1, totalSteps - warmupSteps)
        return learningRate * (1 - 0.9 * Float(step - warmupSteps) / Float(decaying))
    }
}

/// How a training went.
public struct PlannerTrainingResult: Sendable, Codable {
    public let training: Int64
    public let resumedAtStep: Int
    public let steps: Int
    /// Whether all steps ran (false: stopped by a request, resumable from the checkpoint).
    public let finished: Bool
    public let trainingExamples, validationExamples: Int
    /// Tokens run forward and backward by this process, and the wall time it spent on them.
    public let tokens: Int
    public let seconds: Double
    /// Mean loss of the first and of the last step this process ran.
    public let firstLoss, lastLoss: Double?
    /// Loss on the held-out demonstrations before training and after it (nil when stopped).
    public let validationLossBefore, validationLossAfter: Double?
}

/// A LoRA training of the planner on demonstrations: logged step by step in the database,
/// checkpointed every `checkpointEvery` steps and when stopped, resumed by the same spec.
public struct PlannerTraining {
    public let model: LanguageModel
    public let schedule: TrainingSchedule
    public let settings: PlannerTrainingSettings
    public let store: AgentStore
    public let spec: TrainingSpec

    /// Tokenizes `demonstrations` in the trained planner prompt; ones longer than `maxTokens` are left out.
    public init(model: LanguageModel, demonstrations: [PlannerDemonstration], maxTokens: Int,
                settings: PlannerTrainingSettings, store: AgentStore, basePath: String, data: String, output: String) throws {
        let examples = demonstrations.compactMap { demonstration -> TrainingExample? in
            let tokens = PlannerDemonstrations.tokens(demonstration, model: model)
            guard tokens.prompt.count + tokens.reply.count <= maxTokens else { return nil }
            return TrainingExample(tokens: tokens.prompt + tokens.reply, promptCount: tokens.prompt.count)
        }
        self.model = model
        self.settings = settings
        self.store = store
        schedule = TrainingSchedule(examples: examples, validationCount: settings.validationCount,
                                    batchSize: settings.batchSize, epochs: settings.epochs, seed: settings.seed)
        spec = TrainingSpec(basePath: basePath, baseIdentity: try store.modelIdentity(of: model.file), data: data,
                            output: output, configuration: settings.text + " max-tokens=\(maxTokens)",
                            examples: examples.count, totalSteps: schedule.totalSteps)
    }

    /// Where the training `id` keeps its checkpoint until it finishes.
    public func checkpointPath(training id: Int64) -> String { spec.output + ".training-\(id).checkpoint" }

    /// Trains (resuming an interrupted training of the same spec from its checkpoint) until the
    /// last step or until `shouldStop` says so after a step; writes the adapter when done.
    public func run(checkpointEvery: Int, shouldStop: () -> Bool,
                    onStep: (StepReport, _ seconds: Double, _ totalSteps: Int) -> Void) throws -> PlannerTrainingResult {
        let (id, resumed) = try store.training(spec)
        let checkpoint = checkpointPath(training: id)
        let trainer = resumed && FileManager.default.fileExists(atPath: checkpoint)
            ? try LoRATrainer(model: model, checkpoint: checkpoint)
            : try LoRATrainer(model: model, lora: settings.lora, optimizer: AdamWConfiguration(learningRate: settings.learningRate),
                              seed: settings.seed)
        let resumedAt = trainer.stepCount
        if resumedAt == 0, !schedule.validation.isEmpty {
            try store.recordValidationLoss(Double(try trainer.loss(schedule.validation)), after: false, training: id)
        }
        let start = ContinuousClock.now
        var tokens = 0, firstLoss: Double?, lastLoss: Double?
        var stopped = false
        while trainer.stepCount < schedule.totalSteps {
            let step = trainer.stepCount + 1
            trainer.optimizer.learningRate = settings.learningRate(step: step, of: schedule.totalSteps)
            let stepStart = ContinuousClock.now
            let report = try trainer.step(schedule.batch(step: step))
            let seconds = (ContinuousClock.now - stepStart).seconds
            try store.recordTrainingStep(TrainingStepRecord(step: report.step, loss: Double(report.loss), targetTokens: report.targetTokens,
                                                            tokens: report.tokens, gradientNorm: Double(report.gradientNorm),
                                                            seconds: seconds), training: id)
            tokens += report.tokens
            firstLoss = firstLoss ?? Double(report.loss)
            lastLoss = Double(report.loss)
            onStep(report, seconds, schedule.totalSteps)
            if trainer.stepCount < schedule.totalSteps, shouldStop() { stopped = true; break }
            if report.step % checkpointEvery == 0 { try trainer.saveCheckpoint(to: checkpoint) }
        }
        let finished = !stopped
        if finished {
            if !schedule.validation.isEmpty {
                try store.recordValidationLoss(Double(try trainer.loss(schedule.validation)), after: true, training: id)
            }
            try trainer.adapter.write(to: spec.output, halfPrecision: true)
            try? FileManager.default.removeItem(atPath: checkpoint)
        } else {
            try trainer.saveCheckpoint(to: checkpoint)
        }
        let seconds = (ContinuousClock.now - start).seconds
        try store.endTraining(id, finished: finished, seconds: seconds)
        let validation = try store.validationLosses(id)
        return PlannerTrainingResult(training: id, resumedAtStep: resumedAt, steps: trainer.stepCount, finished: finished,
                                     trainingExamples: schedule.training.count, validationExamples: schedule.validation.count,
                                     tokens: tokens, seconds: seconds, firstLoss: firstLoss, lastLoss: lastLoss,
                                     validationLossBefore: validation.before, validationLossAfter: validation.after)
    }
}
