import Foundation
import LLM
import Testing

/// The real models the tests run against, by their short names.
enum TestModel: String, CaseIterable, Sendable, CustomStringConvertible {
    case smollm2 = "smollm2-135m"
    case qwen05 = "qwen2.5-coder-0.5b"
    case qwen15 = "qwen2.5-coder-1.5b"

    var description: String { rawValue }
    var path: String { TestModels.directory + "/" + rawValue + ".gguf" }
    var isPresent: Bool { FileManager.default.fileExists(atPath: path) }
    /// The folder of this model's golden data.
    var goldenDirectory: String { TestModels.goldenRoot + "/" + rawValue + "-instruct" }
}

/// Why a model a test needs is not there.
struct TestModelMissing: Error, CustomStringConvertible {
    let model: TestModel
    var description: String {
        "model file \(model.path) is missing: run `scripts/fetch-models --test-only` (or set DIVVY_MODELS to the folder holding it)"
    }
}

enum TestModels {
    /// `$DIVVY_MODELS`, else `~/.cache/divvy/models`.
    static let directory = ModelLocator.modelsDirectory

    /// The package root, found from this file's own path (`<root>/Tests/LLMTests/TestModels.swift`).
    static let packageRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// `Tests/Golden`: llama.cpp's reference outputs for the three models (its README says how to compare).
    static let goldenRoot: String = packageRoot.appendingPathComponent("Tests/Golden").path

    /// Opens `model`'s GGUF file, throwing `TestModelMissing` when it is absent.
    static func open(_ model: TestModel) throws -> GGUFFile {
        guard model.isPresent else { throw TestModelMissing(model: model) }
        return try GGUFFile(path: model.path)
    }

    /// The model's tokenizer, loaded once per test run.
    static func tokenizer(_ model: TestModel) throws -> Tokenizer {
        switch model {
        case .smollm2: try smollm2.get()
        case .qwen05: try qwen05.get()
        case .qwen15: try qwen15.get()
        }
    }

    private static let smollm2 = Result { try Tokenizer(gguf: open(.smollm2)) }
    private static let qwen05 = Result { try Tokenizer(gguf: open(.qwen05)) }
    private static let qwen15 = Result { try Tokenizer(gguf: open(.qwen15)) }

    /// The loaded model (weights mapped, tokenizer and template read).
    static func model(_ model: TestModel) throws -> LanguageModel {
        guard model.isPresent else { throw TestModelMissing(model: model) }
        return try LanguageModel(path: model.path)
    }

    /// Decodes a golden JSON file of `model`.
    static func golden<T: Decodable>(_ model: TestModel, _ file: String, as type: T.Type) throws -> T {
        let url = URL(fileURLWithPath: model.goldenDirectory + "/" + file)
        return try JSONDecoder().decode(T.self, from: Data(contentsOf: url))
    }
}

/// `tokenizer.json` of the goldens.
struct TokenizerGolden: Decodable {
    struct Case: Decodable {
        let text: String
        let ids: [Int32]
        let ids_no_parse_special: [Int32]?
    }
    let cases: [Case]
}

/// `generation.json` of the goldens (the fields the tokenizer and chat tests use).
struct GenerationGolden: Decodable {
    struct Case: Decodable {
        let messages: [ChatMessage]
        let rendered_prompt: String
        let prompt_ids: [Int32]
        let generated_ids: [Int32]
        let generated_text: String
        let generated_text_with_special: String
        /// At each generated step, the gap between the best and second-best logit.
        let top1_top2_margins: [Double]
    }
    let cases: [Case]
}

/// `logits.json` of the goldens: the top-10 logits at the last prompt position.
struct LogitsGolden: Decodable {
    struct Case: Decodable {
        let n_prompt: Int
        /// [token id, logit] pairs, best first.
        let top10: [[Double]]
    }
    let cases: [Case]
}
