import Foundation

/// Finds model files: a short name (`smollm2-135m`) in the models folder, or a path.
public enum ModelLocator {
    /// The short names `scripts/fetch-models` knows.
    public static let knownModels = ["smollm2-135m", "qwen2.5-coder-0.5b", "qwen2.5-coder-1.5b"]

    /// `$DIVVY_MODELS`, or `~/.cache/divvy/models`.
    public static var modelsDirectory: String {
        if let custom = ProcessInfo.processInfo.environment["DIVVY_MODELS"], !custom.isEmpty { return custom }
        return FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".cache/divvy/models").path
    }

    /// The file for `nameOrPath`: an existing path as given, else `<modelsDirectory>/<name>.gguf`.
    public static func resolve(_ nameOrPath: String) throws(ModelLocatorError) -> String {
        if nameOrPath.contains("/") || nameOrPath.hasSuffix(".gguf") {
            guard FileManager.default.fileExists(atPath: nameOrPath) else { throw .fileNotFound(nameOrPath) }
            return nameOrPath
        }
        let path = modelsDirectory + "/" + nameOrPath + ".gguf"
        guard FileManager.default.fileExists(atPath: path) else {
            if knownModels.contains(nameOrPath) { throw .notFetched(name: nameOrPath, expectedAt: path) }
            throw .unknownName(nameOrPath)
        }
        return path
    }

    /// The planner adapter installed beside the model file at `modelPath` (`<name>.planner-lora.gguf`,
    /// put there by `scripts/fetch-models` from the repository's `adapters/`), if there is one.
    public static func plannerAdapter(besideModelAt modelPath: String) -> String? {
        let stem = modelPath.hasSuffix(".gguf") ? String(modelPath.dropLast(5)) : modelPath
        let path = stem + ".planner-lora.gguf"
        return FileManager.default.fileExists(atPath: path) ? path : nil
    }
}

/// Why a model could not be found.
public enum ModelLocatorError: Error, Equatable, CustomStringConvertible {
    case fileNotFound(String)
    case notFetched(name: String, expectedAt: String)
    case unknownName(String)

    public var description: String {
        switch self {
        case let .fileNotFound(path):
            "model file \(path) does not exist"
        case let .notFetched(name, path):
            "model \(name) is not at \(path); fetch it with: scripts/fetch-models \(name)"
        case let .unknownName(name):
            "unknown model \"\(name)\": give a path to a .gguf file or one of \(ModelLocator.knownModels.joined(separator: ", "))"
        }
    }
}
