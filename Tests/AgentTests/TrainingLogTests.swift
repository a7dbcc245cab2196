import Agent
import Testing

struct TrainingLogTests {
    private static let spec = TrainingSpec(basePath: "/m/base.gguf", baseIdentity: "base-id", data: "/d/train.jsonl",
                                           output: "/o/planner.lora.gguf", configuration: "rank=8 alpha=16",
                                           examples: 64, totalSteps: 8)

    @Test("An interrupted training is resumed by the same spec only; its steps keep the latest record")
    func resumeAndSteps() throws {
        let folder = try TemporaryFolder()
        let store = try AgentStore(path: folder.path("divvy.db"))
        let (id, resumed) = try store.training(Self.spec)
        #expect(!resumed)
        try store.recordTrainingStep(TrainingStepRecord(step: 1, loss: 2.5, targetTokens: 40, tokens: 200,
                                                        gradientNorm: 3, seconds: 1.5), training: id)
        try store.recordTrainingStep(TrainingStepRecord(step: 2, loss: 2.0, targetTokens: 40, tokens: 200,
                                                        gradientNorm: 2, seconds: 1.5), training: id)
        try store.recordValidationLoss(3.25, after: false, training: id)
        try store.endTraining(id, finished: false, seconds: 3)

        let again = try store.training(Self.spec)
        #expect(again.id == id && again.resumed)
        let redone = TrainingStepRecord(step: 2, loss: 1.9, targetTokens: 40, tokens: 200, gradientNorm: 2, seconds: 1.4)
        try store.recordTrainingStep(redone, training: id)
        #expect(try store.trainingSteps(id).map(\.loss) == [2.5, 1.9])

        var other = Self.spec
        other.configuration = "rank=16 alpha=16"
        #expect(try store.training(other).resumed == false)

        try store.recordValidationLoss(1.5, after: true, training: id)
        #expect(try store.validationLosses(id) == (before: 3.25, after: 1.5))
        try store.endTraining(id, finished: true, seconds: 3)
        let afterFinish = try store.training(Self.spec)
        #expect(!afterFinish.resumed && afterFinish.id != id)
    }
}
