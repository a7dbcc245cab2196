import Agent
import Distill
import Testing
import Train

struct TrainingScheduleTests {
    private static let examples = (0..<23).map { TrainingExample(tokens: [Int32($0), 1, 2], promptCount: 1) }

    @Test("A seeded split and per-epoch shuffles: every training example once per epoch, validation never")
    func coversEveryExampleOncePerEpoch() {
        let schedule = TrainingSchedule(examples: Self.examples, validationCount: 3, batchSize: 4, epochs: 2, seed: 7)
        #expect(schedule.validation.count == 3 && schedule.training.count == 20)
        #expect(schedule.stepsPerEpoch == 5 && schedule.totalSteps == 10)
        let firstEpoch = (1...5).flatMap { schedule.batch(step: $0) }
        let secondEpoch = (6...10).flatMap { schedule.batch(step: $0) }
        #expect(Set(firstEpoch.map(\.tokens)) == Set(schedule.training.map(\.tokens)) && firstEpoch.count == 20)
        #expect(Set(secondEpoch.map(\.tokens)) == Set(schedule.training.map(\.tokens)))
        #expect(firstEpoch != secondEpoch, "each epoch has its own order")
        #expect(Set(schedule.validation.map(\.tokens)).isDisjoint(with: firstEpoch.map(\.tokens)))

        let again = TrainingSchedule(examples: Self.examples, validationCount: 3, batchSize: 4, epochs: 2, seed: 7)
        #expect((1...10).map { again.batch(step: $0) } == (1...10).map { schedule.batch(step: $0) })
        let other = TrainingSchedule(examples: Self.examples, validationCount: 3, batchSize: 4, epochs: 2, seed: 8)
        #expect((1...10).map { other.batch(step: $0) } != (1...10).map { schedule.batch(step: $0) })
    }

    @Test("The last batch of an epoch holds the remainder")
    func remainder() {
        let schedule = TrainingSchedule(examples: Self.examples, validationCount: 0, batchSize: 5, epochs: 1, seed: 1)
        #expect(schedule.totalSteps == 5)
        #expect((1...5).map { schedule.batch(step: $0).count } == [5, 5, 5, 5, 3])
    }

    @Test("Learning rate: linear warm-up to the peak, then linear decay to a tenth at the last step")
    func learningRate() {
        let settings = PlannerTrainingSettings(learningRate: 1e-3, warmupSteps: 4)
        #expect(abs(settings.learningRate(step: 1, of: 24) - 2e-4) < 1e-9)
        #expect(abs(settings.learningRate(step: 4, of: 24) - 8e-4) < 1e-9)
        #expect(settings.learningRate(step: 5, of: 24) < 1e-3 && settings.learningRate(step: 5, of: 24) > 9.5e-4)
        #expect(abs(settings.learningRate(step: 24, of: 24) - 1e-4) < 1e-9)
    }
}
