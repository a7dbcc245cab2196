/// Why training could not start, run a step or read or write a checkpoint.
public enum TrainingError: Error, Equatable, CustomStringConvertible {
    /// A LoRA or optimizer setting out of range.
    case invalidConfiguration(String)
    /// `step` or `loss` was given no examples.
    case emptyBatch
    /// Example `index` of the batch cannot be trained on.
    case invalidExample(index: Int, reason: String)
    /// The loss or gradient of a step was NaN or infinite (the update was not applied).
    case nonFinite(step: Int)
    /// The checkpoint file could not be read or written.
    case checkpointIO(path: String, reason: String)
    /// The checkpoint file is not a checkpoint, is truncated or fails its checksum.
    case checkpointCorrupt(path: String, reason: String)
    /// The checkpoint was made for a model of another shape.
    case checkpointMismatch(path: String, reason: String)

    public var description: String {
        switch self {
        case let .invalidConfiguration(reason): "invalid training configuration: \(reason)"
        case .emptyBatch: "a training batch needs at least one example"
        case let .invalidExample(index, reason): "training example \(index): \(reason)"
        case let .nonFinite(step): "step \(step): the loss or gradient is not finite; the update was skipped"
        case let .checkpointIO(path, reason): "checkpoint \(path): \(reason)"
        case let .checkpointCorrupt(path, reason): "checkpoint \(path) is corrupt: \(reason)"
        case let .checkpointMismatch(path, reason): "checkpoint \(path) does not fit this model: \(reason)"
        }
    }
}
