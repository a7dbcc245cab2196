import Agent
import Tensor
import Train

/// Which examples each optimizer step trains on: a seeded split into training and validation
/// examples, then one seeded shuffle of the training examples per epoch, cut into batches.
/// The same seed gives the same steps, so an interrupted training resumes where it stopped.
public struct TrainingSchedule: Sendable {
    public let training: [TrainingExample]
    /// Held out, for the loss before and after training.
    public let validation: [TrainingExample]
    public let batchSize: Int
    public let epochs: Int
    public let seed: UInt64

    /// Holds out `validationCount` of `examples` (chosen by `seed`) and schedules the rest.
    public init(examples: [TrainingExample], validationCount: Int, batchSize: Int, epochs: Int, seed: UInt64) {
        var generator = SplitMix64(seed: seed)
        let shuffled = examples.shuffled(using: &generator)
        let held = min(validationCount, max(0, shuffled.count - 1))
        validation = Array(shuffled.prefix(held))
        training = Array(shuffled.dropFirst(held))
        self.batchSize = max(1, batchSize)
        self.epochs = max(1, epochs)
        self.seed = seed
    }

    /// Steps in one pass over the training examples (the last batch may be smaller).
    public var stepsPerEpoch: Int { (training.count + batchSize - 1) / batchSize }
    public var totalSteps: Int { stepsPerEpoch * epochs }

    /// The examples of step `step` (1-based, at most `totalSteps`).
    public func batch(step: Int) -> [TrainingExample] {
        let epoch = (step - 1) / stepsPerEpoch, index = (step - 1) % stepsPerEpoch
        var generator = SplitMix64(seed: seed &+ 0x9E37_79B9_7F4A_7C15 &* UInt64(epoch + 1))
        let order = training.indices.shuffled(using: &generator)
        let slice = order[(index * batchSize)..<min(order.count, (index + 1) * batchSize)]
        return slice.map { training[$0] }
    }
}
