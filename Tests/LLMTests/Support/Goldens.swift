import Foundation
import Testing
@testable import LLM

/// The golden reference outputs in `../shared/golden`, and the models they were made with.
enum Goldens {
    /// Model short names with goldens; the first is the CI test model.
    static let models = ["smollm2-135m", "qwen2.5-coder-0.5b", "qwen2.5-coder-1.5b"]

    static var directory: URL {
        URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("shared/golden")
    }

    static func load<T: Decodable>(_ type: T.Type, model: String, file: String) throws -> T {
        let url = directory.appendingPathComponent("\(model)-instruct/\(file)")
        return try JSONDecoder().decode(T.self, from: Data(contentsOf: url))
    }

    /// Path of a model's file. The test model must be present: its absence fails the test with
    /// how to fetch it. The larger models return nil when absent (their tests then do nothing).
    static func modelPath(_ name: String) -> String? {
        let path = ModelLocator.modelsDirectory + "/\(name).gguf"
        if FileManager.default.fileExists(atPath: path) { return path }
        if name == models[0] {
            Issue.record("test model \(name) is missing at \(path): run scripts/fetch-models --test-only")
        }
        return nil
    }

    struct Generation: Decodable {
        struct Case: Decodable {
            let messages: [Message]
            let rendered_prompt: String
            let prompt_ids: [Int32]
            let generated_ids: [Int32]
            let top1_top2_margins: [Double]
        }
        struct Message: Decodable {
            let role: String
            let content: String
        }
        let cases: [Case]
    }

    struct LogitsFile: Decodable {
        struct Case: Decodable {
            let n_prompt: Int
            let top10: [[Double]]
        }
        let cases: [Case]
    }
}

/// Loaded models shared by the tests of one process (loading maps the file; it is cheap).
enum TestModels {
    static func load(_ name: String) throws -> LanguageModel? {
        guard let path = Goldens.modelPath(name) else { return nil }
        return try LanguageModel(path: path)
    }
}
