import ArgParse
import LLM

/// `--no-speculation`, `--draft-model` and `--draft-tokens`, for the commands that run local models.
enum SpeculationOption {
    static let flag = Flag("no-speculation", help: "Decode one token per step, without checking tokens drafted ahead (from the text so far, "
        + "or by --draft-model) in the same pass. The output is the same either way; only the speed differs.")
    static let draftModel = Option<String>("draft-model", valueName: "name|path",
                                           help: "Draft tokens with this smaller model of the same vocabulary (qwen2.5-coder-0.5b for the "
                                               + "1.5B solver) instead of from the text so far. The output is the same; on the 2-core "
                                               + "Zen 3 machine measured it is slower than the default (docs/benchmarks.md).")
    static let draftTokens = Option<Int>("draft-tokens", valueName: "k", help: "Tokens the draft model proposes per step.", default: 1,
                                         validate: { (1...8).contains($0) ? nil : "must be 1…8" })
    static let all: [any ArgumentDeclaration] = [flag, draftModel, draftTokens]

    static func policy(_ arguments: ParsedCommand) -> SpeculationPolicy {
        arguments[flag] ? .off : SpeculationPolicy(modelDraft: arguments[draftTokens]!)
    }

    /// The file `--draft-model` names, if given.
    /// - Throws: `UsageError` beside `--no-speculation`; `ModelLocatorError` when it is not there.
    static func draftPath(_ arguments: ParsedCommand) throws -> String? {
        guard let name = arguments[draftModel] else { return nil }
        guard !arguments[flag] else {
            throw UsageError("--draft-model drafts tokens, which --no-speculation turns off: give one of them", commandPath: ["divvy"] + arguments.path)
        }
        return try ModelLocator.resolve(name)
    }

    /// The draft model for `target` named by `--draft-model`, loaded and checked, if given.
    /// - Throws: as ``draftPath(_:)``; `ModelFileError`; `DraftVocabularyMismatch` for another vocabulary.
    static func draft(_ arguments: ParsedCommand, for target: LanguageModel) throws -> LanguageModel? {
        try draftPath(arguments).map { path in try draft(at: path, for: target) }
    }

    /// The model at `path` (the target itself when it is the same file), checked to draft for `target`.
    /// - Throws: `ModelFileError`; `DraftVocabularyMismatch` for another vocabulary.
    static func draft(at path: String, for target: LanguageModel) throws -> LanguageModel {
        try target.checkedDraft(path == target.file.path ? target : LanguageModel(path: path))
    }
}
