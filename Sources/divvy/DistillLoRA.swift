import Agent
import Distill
import ArgParse
import Foundation
import LLM
import Train

/// `divvy distill --out FILE`: LoRA fine-tuning of the planner on gold (and teacher-kept) plans.
enum DistillLoRA {
    static let out = Option<String>("out", valueName: "file",
                                    help: "Train a LoRA adapter for the planner and write it here (GGUF, llama.cpp's adapter layout).")
    static let base = Option<String>("base", valueName: "name|path", help: "Planner model to adapt (with --out).",
                                     default: "qwen2.5-coder-0.5b")
    static let teacherLimit = Option<Int>("teacher-limit", valueName: "n",
                                          help: "With --out and --teacher: problems the teacher plans for (first n of the data).",
                                          default: 100, validate: { $0 > 0 ? nil : "must be positive" })
    static let rank = Option<Int>("rank", valueName: "r", help: "LoRA rank.", default: 8,
                                  validate: { (1...256).contains($0) ? nil : "must be 1…256" })
    static let alpha = Option<Double>("alpha", valueName: "a", help: "LoRA alpha (the update is scaled by alpha/rank).", default: 16,
                                      validate: { $0 > 0 ? nil : "must be positive" })
    static let targets = Option<[LoRATarget]>("targets", valueName: "list",
                                              help: "Adapted layers: \(LoRATarget.allCases.map(\.rawValue).joined(separator: ",")).",
                                              default: LoRATarget.allCases)
    static let learningRate = Option<Double>("learning-rate", valueName: "lr", help: "Peak AdamW learning rate.", default: 1e-3,
                                             validate: { $0 > 0 && $0 < 1 ? nil : "must be in (0, 1)" })
    static let warmup = Option<Int>("warmup", valueName: "steps", help: "Steps of linear warm-up; then linear decay to a tenth.",
                                    default: 5, validate: { $0 >= 0 ? nil : "must not be negative" })
    static let batch = Option<Int>("batch", valueName: "n", help: "Demonstrations per optimizer step.", default: 8,
                                   validate: { (1...64).contains($0) ? nil : "must be 1…64" })
    static let epochs = Option<Int>("epochs", valueName: "n", help: "Passes over the demonstrations.", default: 1,
                                    validate: { (1...100).contains($0) ? nil : "must be 1…100" })
    static let seed = Option<Int>("seed", valueName: "n", help: "Seed of the adapter's initialisation, the split and the order.",
                                  default: 1, validate: { $0 >= 0 ? nil : "must not be negative" })
    static let validation = Option<Int>("validation", valueName: "n", help: "Demonstrations held out for the validation loss.",
                                        default: 16, validate: { $0 >= 0 ? nil : "must not be negative" })
    static let maxExampleTokens = Option<Int>("max-example-tokens", valueName: "n",
                                              help: "Leave out demonstrations longer than this (prompt and plan).", default: 384,
                                              validate: { $0 > 16 ? nil : "must be above 16" })
    static let checkpointEvery = Option<Int>("checkpoint-every", valueName: "steps", help: "Checkpoint interval.", default: 10,
                                             validate: { $0 > 0 ? nil : "must be positive" })

    static let options: [any ArgumentDeclaration] = [out, base, teacherLimit, rank, alpha, targets, learningRate, warmup,
                                                     batch, epochs, seed, validation, maxExampleTokens, checkpointEvery]

    static func run(_ arguments: ParsedCommand, output: String, dataPath: String, store: AgentStore) throws {
        let basePath = try ModelLocator.resolve(arguments[base]!)
        let model = try LanguageModel(path: basePath)
        var (demonstrations, problems) = try PlannerDemonstrations.gold(dataPath)
        for problem in problems { Console.error("\(dataPath): \(problem)") }
        if let limit = arguments[DistillCommand.limit] { demonstrations = Array(demonstrations.prefix(limit)) }
        if arguments[DistillCommand.teacher] != nil { demonstrations += try PlannerDemonstrations.teacher(in: store) }
        let settings = PlannerTrainingSettings(
            lora: LoRAConfiguration(rank: arguments[rank]!, alpha: Float(arguments[alpha]!), targets: Set(arguments[targets]!)),
            learningRate: Float(arguments[learningRate]!), warmupSteps: arguments[warmup]!, batchSize: arguments[batch]!,
            epochs: arguments[epochs]!, seed: UInt64(arguments[seed]!), validationCount: arguments[validation]!)
        let training = try PlannerTraining(model: model, demonstrations: demonstrations, maxTokens: arguments[maxExampleTokens]!,
                                           settings: settings, store: store, basePath: basePath, data: dataPath, output: output)
        guard !training.schedule.training.isEmpty else {
            throw UsageError("no demonstrations to train on in \(dataPath)", commandPath: ["divvy"] + arguments.path)
        }
        let stop = StopRequest.onInterrupt()
        let progress = TrainingProgress(terminal: Console.stderrIsTerminal)
        Console.error("training a rank-\(settings.lora.rank) adapter of \(basePath) on \(training.schedule.training.count) "
                      + "demonstrations (\(training.schedule.validation.count) held out), \(training.schedule.totalSteps) steps")
        let result = try training.run(checkpointEvery: arguments[checkpointEvery]!, shouldStop: stop.isRequested) { report, seconds, total in
            progress.step(report, seconds: seconds, total: total)
        }
        progress.end()
        if !result.finished {
            Console.error("stopped after step \(result.steps) of \(training.schedule.totalSteps); "
                          + "checkpoint \(training.checkpointPath(training: result.training)); run the same command to resume")
            throw Interrupted()
        }
        if arguments[AgentOptions.json] { return try Console.printJSON(result) }
        print(summary(result, output: output))
    }

    static func summary(_ r: PlannerTrainingResult, output: String) -> String {
        func loss(_ value: Double?) -> String { value.map { String(format: "%.3f", $0) } ?? "–" }
        let rate = r.seconds > 0 ? Double(r.tokens) / r.seconds : 0
        return """
        training \(r.training): \(r.steps) steps\(r.resumedAtStep > 0 ? " (resumed at step \(r.resumedAtStep))" : "") on \
        \(r.trainingExamples) demonstrations
        loss: first step \(loss(r.firstLoss)), last step \(loss(r.lastLoss)); held out (\(r.validationExamples)): \
        \(loss(r.validationLossBefore)) before, \(loss(r.validationLossAfter)) after
        \(r.tokens) tokens in \(String(format: "%.0f", r.seconds)) s (\(String(format: "%.1f", rate)) tokens/s)
        adapter: \(output)
        """
    }
}


extension LoRATarget: ArgumentValue {}

