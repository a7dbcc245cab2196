/// A loaded model: its GGUF file (memory-mapped), hyperparameters, weights, tokenizer and chat
/// template. Immutable once loaded, so one model can serve many inference contexts.
public final class LanguageModel: Sendable {
    public let file: GGUFFile
    public let config: ModelConfig
    public let weights: ModelWeights
    public let tokenizer: Tokenizer
    public let chatTemplate: ChatTemplate

    /// Loads the model at `path`: maps the file and checks everything the forward pass needs.
    public init(path: String) throws(ModelFileError) {
        file = try GGUFFile(path: path)
        config = try ModelConfig(gguf: file)
        weights = try ModelWeights(gguf: file, config: config)
        tokenizer = try Tokenizer(gguf: file)
        chatTemplate = try ChatTemplate(gguf: file)
    }
}

extension LanguageModel {
    /// Token ids of a chat prompt: the template's markup with its special tokens, and every
    /// message's content as plain text, so text such as `<|im_end|>` inside a message cannot
    /// open or close a turn.
    public func encodeChat(_ messages: [ChatMessage], addGenerationPrompt: Bool = true) -> [Int32] {
        tokenizer.encode(pieces: chatTemplate.pieces(messages, addGenerationPrompt: addGenerationPrompt).map { ($0.text, $0.isMarkup) })
    }
}
