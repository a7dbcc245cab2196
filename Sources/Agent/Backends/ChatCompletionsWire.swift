import Foundation
import LLM

/// The JSON of `POST /chat/completions` as an OpenAI-compatible server expects it.
struct ChatCompletionsRequestBody: Encodable {
    struct Message: Encodable {
        let role: String
        let content: String
    }
    let model: String
    let messages: [Message]
    let maxTokens: Int
    let temperature: Double
    let topP: Double
    let seed: Int64
    /// Left out when empty (some servers reject an empty list).
    let stop: [String]?
    /// Replies come as server-sent events, the last with the token counts.
    let stream = true
    let streamOptions = StreamOptions()

    struct StreamOptions: Encodable {
        let includeUsage = true
        enum CodingKeys: String, CodingKey { case includeUsage = "include_usage" }
    }

    enum CodingKeys: String, CodingKey {
        case model, messages, temperature, seed, stop, stream, maxTokens = "max_tokens", topP = "top_p",
             streamOptions = "stream_options"
    }

    init(model: String, request: CompletionRequest) {
        self.model = model
        messages = request.messages.map { Message(role: $0.role.rawValue, content: $0.content) }
        let sampling = request.sampling
        maxTokens = sampling.maxTokens
        temperature = Self.decimal(sampling.temperature)
        topP = Self.decimal(sampling.topP)
        seed = Int64(bitPattern: sampling.seed)
        stop = sampling.stop.isEmpty ? nil : sampling.stop
    }

    /// `value` as the shortest decimal that reads back as it (0.95, not 0.949999988079071).
    private static func decimal(_ value: Float) -> Double { Double(value.description) ?? Double(value) }
}

/// The fields of a `chat.completion` reply, or of one `chat.completion.chunk` event of a streamed
/// one, that the agent uses.
struct ChatCompletionsReplyBody: Decodable {
    struct Choice: Decodable {
        struct Message: Decodable { let content: String? }
        /// The whole reply's message.
        let message: Message?
        /// A streamed chunk's piece of the message.
        let delta: Message?
        let finishReason: String?
        /// The stop string that ended the reply, where the server says (vLLM's and `divvy
        /// serve`'s `stop_reason`; vLLM gives a token id there for a stop token, read as none).
        let matchedStop: String?

        enum CodingKeys: String, CodingKey { case message, delta, finishReason = "finish_reason", matchedStop = "stop_reason" }

        init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            message = try c.decodeIfPresent(Message.self, forKey: .message)
            delta = try c.decodeIfPresent(Message.self, forKey: .delta)
            finishReason = try c.decodeIfPresent(String.self, forKey: .finishReason)
            matchedStop = try? c.decodeIfPresent(String.self, forKey: .matchedStop)
        }

        var stopReason: StopReason { ChatCompletionsReplyBody.stopReason(finishReason: finishReason, matchedStop: matchedStop) }
    }
    struct Usage: Decodable {
        let promptTokens: Int?
        let completionTokens: Int?
        enum CodingKeys: String, CodingKey { case promptTokens = "prompt_tokens", completionTokens = "completion_tokens" }
    }
    /// Empty in a streamed reply's usage chunk.
    let choices: [Choice]
    let usage: Usage?

    /// `length` is the token limit; `stop` is a stop string when the server names one, else
    /// the end of the turn (a server that does not name it makes a stop string look like one).
    static func stopReason(finishReason: String?, matchedStop: String?) -> StopReason {
        if finishReason == "length" { return .maxTokens }
        if let matchedStop, !matchedStop.isEmpty { return .stopString }
        return .endOfTurn
    }
}

/// An error reply: `{"error": {"message": …}}` (OpenAI, vLLM, llama.cpp, `divvy serve`).
struct ErrorReplyBody: Decodable {
    struct Detail: Decodable { let message: String }
    let error: Detail

    /// The server's message in `body`, else the start of the body as text.
    static func message(in body: [UInt8]) -> String {
        if let reply = try? JSONDecoder().decode(ErrorReplyBody.self, from: Data(body)) { return reply.error.message }
        let text = String(decoding: body.prefix(300), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return text.isEmpty ? "(empty body)" : text
    }
}

/// The canonical text of a conversation for cache keys: a JSON array of `{"role","content"}`
/// objects with fixed key order and escaping, since the server applies its own chat template.
enum CanonicalMessages {
    static func render(_ messages: [ChatMessage]) -> String {
        let items = messages.map { #"{"role":\#(quoted($0.role.rawValue)),"content":\#(quoted($0.content))}"# }
        return "[" + items.joined(separator: ",") + "]"
    }

    /// `text` as a JSON string literal.
    static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20:
                out += "\\u" + String(repeating: "0", count: 4 - String(scalar.value, radix: 16).count)
                    + String(scalar.value, radix: 16)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
