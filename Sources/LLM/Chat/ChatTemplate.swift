/// Renders a conversation into the prompt text a model was trained on. Only the ChatML format
/// (`<|im_start|>role\n…<|im_end|>\n`) is known; what varies between model families is read
/// from the GGUF template text instead of evaluating its Jinja.
public struct ChatTemplate: Sendable {
    /// The system prompt the template puts first when the conversation does not start with a
    /// system message (SmolLM2's and Qwen2.5's templates have one); nil when it adds none.
    public let defaultSystemPrompt: String?
    /// Whether the default system prompt is also rendered for an empty conversation (it is when
    /// the template writes it outside its loop over messages).
    public let defaultSystemPromptForEmpty: Bool
    /// Whether `tool` messages are wrapped, as Qwen2.5's template does, in
    /// `<tool_response>…</tool_response>` inside a user turn (consecutive ones share the turn).
    public let wrapsToolResponses: Bool

    /// Plain ChatML with the given default system prompt.
    public init(defaultSystemPrompt: String? = nil, defaultSystemPromptForEmpty: Bool = false, wrapsToolResponses: Bool = false) {
        self.defaultSystemPrompt = defaultSystemPrompt
        self.defaultSystemPromptForEmpty = defaultSystemPromptForEmpty
        self.wrapsToolResponses = wrapsToolResponses
    }

    /// Recognises a ChatML Jinja template; nil when `template` is not ChatML.
    public init?(template: String) {
        guard template.contains("<|im_start|>"), template.contains("<|im_end|>") else { return nil }
        let found = ChatTemplateScanner.defaultSystemPrompt(in: template)
        defaultSystemPrompt = found?.text
        defaultSystemPromptForEmpty = found?.outsideMessageLoop ?? false
        wrapsToolResponses = template.contains("<tool_response>")
    }

    /// The template of a model file (`tokenizer.chat_template`).
    public init(gguf: GGUFFile) throws(ModelFileError) {
        let key = "tokenizer.chat_template"
        guard let value = gguf[key] else { throw .missingMetadata(path: gguf.path, key: key) }
        guard let text = value.string else { throw .malformed(path: gguf.path, reason: "\(key) is not a string") }
        guard let template = ChatTemplate(template: text) else {
            throw .malformed(path: gguf.path, reason: "\(key) is not a ChatML template (no <|im_start|>/<|im_end|>), the only chat format supported")
        }
        self = template
    }

    /// A piece of a rendered conversation: template markup (special tokens such as
    /// `<|im_start|>` allowed) or message content (always plain text).
    public struct Piece: Sendable, Equatable {
        public let text: String
        public let isMarkup: Bool
    }

    /// The prompt text of `messages`; with `addGenerationPrompt`, ends with the opening of the
    /// assistant's turn so the model writes the reply next.
    public func render(_ messages: [ChatMessage], addGenerationPrompt: Bool = true) -> String {
        pieces(messages, addGenerationPrompt: addGenerationPrompt).map(\.text).joined()
    }

    /// `render`'s text with every backslash and `<|` inside message content escaped (`\\`,
    /// `<\|`), so two conversations that render alike only because a message spells out the
    /// template's markers get different texts (for cache keys). Equal to `render` for content
    /// without either.
    public func unambiguousText(_ messages: [ChatMessage], addGenerationPrompt: Bool = true) -> String {
        pieces(messages, addGenerationPrompt: addGenerationPrompt).map { piece in
            piece.isMarkup ? piece.text
                : piece.text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "<|", with: "<\\|")
        }.joined()
    }

    /// The rendered conversation as markup and content pieces, in order (joined, `render`'s text).
    public func pieces(_ messages: [ChatMessage], addGenerationPrompt: Bool = true) -> [Piece] {
        var out: [Piece] = []
        func markup(_ text: String) { out.append(Piece(text: text, isMarkup: true)) }
        func content(_ text: String) { out.append(Piece(text: text, isMarkup: false)) }
        if let system = defaultSystemPrompt, messages.first?.role != .system,
           !messages.isEmpty || defaultSystemPromptForEmpty {
            markup("<|im_start|>system\n" + system + "<|im_end|>\n")
        }
        for (i, message) in messages.enumerated() {
            if wrapsToolResponses, message.role == .tool {
                if i == 0 || messages[i - 1].role != .tool { markup("<|im_start|>user") }
                markup("\n<tool_response>\n")
                content(message.content)
                markup("\n</tool_response>")
                if i == messages.count - 1 || messages[i + 1].role != .tool { markup("<|im_end|>\n") }
            } else {
                markup("<|im_start|>" + message.role.rawValue + "\n")
                content(message.content)
                markup("<|im_end|>\n")
            }
        }
        if addGenerationPrompt { markup("<|im_start|>assistant\n") }
        return out
    }
}
