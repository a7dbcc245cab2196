/// Why a model file could not be used. Each case reads as one line for the user.
public enum ModelFileError: Error, Equatable, CustomStringConvertible {
    case unreadable(path: String, reason: String)
    case badMagic(path: String, found: String)
    case unsupportedVersion(path: String, version: UInt32)
    case truncated(path: String, offset: Int, reading: String)
    case malformed(path: String, reason: String)
    case unknownTensorType(path: String, tensor: String, rawType: UInt32)
    case unsupportedTensorType(path: String, tensor: String, type: String)
    case unsupportedArchitecture(path: String, architecture: String)
    case missingMetadata(path: String, key: String)
    case missingTensor(path: String, name: String)
    case badTensorShape(path: String, tensor: String, expected: [Int], found: [Int])

    public var description: String {
        switch self {
        case let .unreadable(path, reason):
            "cannot read model file \(path): \(reason)"
        case let .badMagic(path, found):
            "\(path) is not a GGUF model file (magic bytes \(found), expected \"GGUF\")"
        case let .unsupportedVersion(path, version):
            "\(path): GGUF version \(version) is not supported (2 and 3 are)"
        case let .truncated(path, offset, reading):
            "\(path) is truncated: the file ends at byte \(offset) while reading \(reading)"
        case let .malformed(path, reason):
            "\(path) is malformed: \(reason)"
        case let .unknownTensorType(path, tensor, rawType):
            "\(path): tensor \(tensor) has unknown type \(rawType)"
        case let .unsupportedTensorType(path, tensor, type):
            "\(path): tensor \(tensor) has type \(type), which this engine cannot compute with"
        case let .unsupportedArchitecture(path, architecture):
            "\(path): architecture \"\(architecture)\" is not supported (llama and qwen2 are)"
        case let .missingMetadata(path, key):
            "\(path): metadata key \(key) is missing"
        case let .missingTensor(path, name):
            "\(path): tensor \(name) is missing"
        case let .badTensorShape(path, tensor, expected, found):
            "\(path): tensor \(tensor) has shape \(found), expected \(expected)"
        }
    }
}
