import ArgParse
import Foundation
import LLM

/// `divvy generate`: chat-formatted generation from one prompt, streamed.
enum GenerateCommand: CLICommand {
    static let path = ["generate"]
    static let model = Option<String>("model", short: "m", valueName: "name|path", help: "Model short name or .gguf path.",
                                      default: "qwen2.5-coder-1.5b")
    static let lora = Option<String>("lora", valueName: "file", help: "LoRA adapter (GGUF) applied to the model.")
    static let prompt = Option<String>("prompt", short: "p", valueName: "text", help: "The user message; - reads it from standard input.", required: true)
    static let system = Option<String>("system", valueName: "text", help: "System message (default: the model's own).")
    static let maxTokens = Option<Int>("max-tokens", valueName: "n", help: "Most tokens to generate.", default: 256,
                                       validate: { $0 > 0 ? nil : "must be positive" })
    static let temperature = Option<Double>("temperature", valueName: "t", help: "Sampling temperature; 0 is greedy.",
                                            default: 0, validate: { $0 >= 0 ? nil : "must not be negative" })
    static let topK = Option<Int>("top-k", valueName: "k", help: "Sample among the k most likely tokens (0: all).", default: 40,
                                  validate: { $0 >= 0 ? nil : "must not be negative" })
    static let topP = Option<Double>("top-p", valueName: "p", help: "Nucleus sampling mass.", default: 0.95,
                                     validate: { $0 > 0 && $0 <= 1 ? nil : "must be in (0, 1]" })
    static let seed = Option<Int>("seed", valueName: "n", help: "Random seed for sampling.", default: 0)
    static let context = Option<Int>("context", valueName: "tokens", help: "KV cache size in tokens.", default: 4096,
                                     validate: { $0 >= 16 ? nil : "must be at least 16" })
    static let json = Flag("json", help: "Print prompt ids, generated ids and text as JSON instead of streaming.")
    static let command = Command("generate", summary: "Generate a reply to one chat message, streamed to stdout.",
                                 arguments: [model, lora, prompt, system, maxTokens, temperature, topK, topP, seed, context,
                                             json] + SpeculationOption.all)

    struct Output: Encodable {
        let model: String
        let promptIDs: [Int32]
        let generatedIDs: [Int32]
        let text: String
        let stopReason: StopReason
        /// Absent when there is no duration to divide by (no rate is ever NaN or infinite).
        let promptTokensPerSecond: Double?
        /// Absent with fewer than two generated tokens: the first token's time is prefill's.
        let generatedTokensPerSecond: Double?
        /// Tokens drafted (from the text so far, or by the draft model) and checked, and how many of them the model wrote.
        let draftedTokens: Int
        let acceptedDraftTokens: Int
    }

    /// `count` per second over `duration`, or nil when either is zero.
    static func rate(_ count: Int, over duration: Duration) -> Double? {
        let seconds = duration.seconds
        return count > 0 && seconds > 0 ? Double(count) / seconds : nil
    }

    static func run(_ arguments: ParsedCommand) async throws {
        let path = try ModelLocator.resolve(arguments[model]!)
        let loaded = try LanguageModel(path: path)
        let draft = try SpeculationOption.draft(arguments, for: loaded)
        let adapter = try arguments[lora].map { path throws(LoRAAdapterFileError) in try LoRAAdapter(path: path, config: loaded.config) }
        var messages: [ChatMessage] = []
        if let system = arguments[system] { messages.append(.system(system)) }
        messages.append(.user(Console.textOrStandardInput(arguments[prompt]!)))
        let promptIDs = loaded.encodeChat(messages)
        let contextSize = min(arguments[context]!, loaded.config.contextLength)
        guard promptIDs.count < contextSize else {
            throw InferenceError.contextFull(needed: promptIDs.count + 1, free: contextSize)
        }
        let parameters = SamplingParameters(
            temperature: Float(arguments[temperature]!), topK: arguments[topK]!, topP: Float(arguments[topP]!),
            seed: UInt64(bitPattern: Int64(arguments[seed]!)), maxTokens: arguments[maxTokens]!)
        let generator = BatchGenerator(context: InferenceContext(model: loaded, capacity: contextSize, adapter: adapter),
                                       tokenizer: loaded.tokenizer)
        generator.speculation = SpeculationOption.policy(arguments)
        generator.draftModel = draft.map { DraftModel(context: InferenceContext(model: $0, capacity: contextSize)) }
        let streaming = !arguments[json]
        let clock = ContinuousClock()
        let start = clock.now
        var firstTokenAt: ContinuousClock.Instant?
        let result = try generator.generate(GenerationRequest(prompt: promptIDs, parameters: parameters)) { text in
            if firstTokenAt == nil { firstTokenAt = clock.now }
            if streaming { Console.stream(text) }
        }
        let end = clock.now
        let prefill = (firstTokenAt ?? end) - start, decode = end - (firstTokenAt ?? end)
        let output = Output(
            model: path, promptIDs: promptIDs, generatedIDs: result.tokens, text: result.text, stopReason: result.stopReason,
            promptTokensPerSecond: rate(promptIDs.count, over: prefill),
            generatedTokensPerSecond: rate(result.tokens.count - 1, over: decode),
            draftedTokens: generator.draftedTokens, acceptedDraftTokens: generator.acceptedDraftTokens)
        if streaming {
            print()
            if Console.stderrIsTerminal {
                let rates = [("prompt", output.promptTokensPerSecond), ("generated", output.generatedTokensPerSecond)]
                    .compactMap { name, rate in rate.map { String(format: "%.1f \(name)", $0) } }.joined(separator: ", ")
                let drafts = output.draftedTokens > 0 ? "; \(output.acceptedDraftTokens) of \(output.draftedTokens) drafted tokens accepted" : ""
                Console.error("[\(promptIDs.count) prompt tokens, \(result.tokens.count) generated; \(rates.isEmpty ? "no rates" : rates + " tok/s")\(drafts); stop: \(result.stopReason.rawValue)]")
            }
        } else {
            try Console.printJSON(output)
        }
    }
}
