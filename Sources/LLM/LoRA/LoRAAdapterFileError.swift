/// Why a LoRA adapter file could not be read or written. Each case reads as one line naming the file.
public enum LoRAAdapterFileError: Error, Equatable, CustomStringConvertible {
    case notFound(path: String)
    /// The file is not a readable GGUF file (unreadable, truncated, malformed…).
    case file(ModelFileError)
    case notAnAdapter(path: String, generalType: String?)
    case notLoRA(path: String, adapterType: String?)
    case missingAlpha(path: String)
    case architectureMismatch(path: String, adapter: String?, model: String)
    /// A tensor that is not `blk.<layer>.<target>.weight.lora_a|lora_b` of a layer the model has.
    case unknownTensor(path: String, name: String)
    /// One half of a pair without the other.
    case unpaired(path: String, tensor: String, missing: String)
    case badShape(path: String, tensor: String, expected: [Int], found: [Int])
    /// `lora_a` and `lora_b` of one weight disagree on the rank.
    case rankMismatch(path: String, weight: String, a: Int, b: Int)
    case unsupportedTensorType(path: String, tensor: String, type: String)
    case unwritable(path: String, reason: String)

    public var description: String {
        switch self {
        case let .notFound(path):
            "LoRA adapter file \(path) does not exist"
        case let .file(error):
            error.description
        case let .notAnAdapter(path, type):
            "\(path) is not an adapter file (general.type is \(type.map { "\"\($0)\"" } ?? "missing"), expected \"adapter\")"
        case let .notLoRA(path, type):
            "\(path) is not a LoRA adapter (adapter.type is \(type.map { "\"\($0)\"" } ?? "missing"), expected \"lora\")"
        case let .missingAlpha(path):
            "\(path): metadata key adapter.lora.alpha is missing or not a number"
        case let .architectureMismatch(path, adapter, model):
            "\(path): the adapter is for architecture \(adapter.map { "\"\($0)\"" } ?? "(none)"), the model is \"\(model)\""
        case let .unknownTensor(path, name):
            "\(path): tensor \(name) is not a LoRA tensor of a layer of the base model"
        case let .unpaired(path, tensor, missing):
            "\(path): tensor \(tensor) has no matching \(missing)"
        case let .badShape(path, tensor, expected, found):
            "\(path): tensor \(tensor) has shape \(found), expected \(expected) for the base model"
        case let .rankMismatch(path, weight, a, b):
            "\(path): the LoRA pair of \(weight) has rank \(a) in lora_a but \(b) in lora_b"
        case let .unsupportedTensorType(path, tensor, type):
            "\(path): tensor \(tensor) has type \(type) (LoRA tensors must be F32 or F16)"
        case let .unwritable(path, reason):
            "cannot write LoRA adapter file \(path): \(reason)"
        }
    }
}
