import Foundation
import LLM

/// The body of `POST /v1/chat/completions`: the fields this server uses. A field it cannot honour
/// (``unsupportedFields``) is refused with a 400 naming it, unless its value asks for nothing;
/// other unknown fields are ignored.
struct ChatCompletionRequest: Decodable {
    struct Message: Decodable {
        let role: String
        let content: String

        enum CodingKeys: String, CodingKey { case role, content }
        /// Content is a string, null, or an array of parts of which the `text` ones count.
        struct Part: Decodable {
            let type: String
            let text: String?
        }

        init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            role = try c.decode(String.self, forKey: .role)
            if try c.decodeNil(forKey: .content) {
                content = ""
            } else if let text = try? c.decode(String.self, forKey: .content) {
                content = text
            } else {
                content = try c.decode([Part].self, forKey: .content).compactMap { $0.type == "text" ? $0.text : nil }.joined()
            }
        }
    }

    /// `stop`: one string or a list of them.
    struct Stop: Decodable {
        let strings: [String]
        init(from decoder: any Decoder) throws {
            let c = try decoder.singleValueContainer()
            if let one = try? c.decode(String.self) { strings = [one] } else { strings = try c.decode([String].self) }
        }
    }

    let model: String?
    let messages: [Message]
    let maxTokens: Int?
    let maxCompletionTokens: Int?
    let temperature: Double?
    let topP: Double?
    let topK: Int?
    let seed: Int?
    let stop: Stop?
    let stream: Bool?
    let n: Int?

    enum CodingKeys: String, CodingKey {
        case model, messages, temperature, seed, stop, stream, n
        case maxTokens = "max_tokens", maxCompletionTokens = "max_completion_tokens", topP = "top_p", topK = "top_k"
    }

    /// Decodes and checks `body`, throwing a 400 that says what is wrong.
    static func parse(_ body: [UInt8]) throws(APIError) -> ChatCompletionRequest {
        let request: ChatCompletionRequest
        do {
            request = try JSONDecoder().decode(ChatCompletionRequest.self, from: Data(body))
        } catch let error as DecodingError {
            throw Self.describe(error)
        } catch {
            throw .invalidRequest("the body is not valid JSON")
        }
        try request.validate()
        if let object = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any] {
            for (field, asksForNothing) in unsupportedFields where object[field].map({ !($0 is NSNull) && !asksForNothing($0) }) == true {
                throw .invalidRequest("'\(field)' is not supported by this server", param: field, code: "unsupported_parameter")
            }
        }
        return request
    }

    /// Fields whose effect this server does not implement, each with the values that ask for
    /// nothing (and so are accepted).
    static let unsupportedFields: [(String, @Sendable (Any) -> Bool)] = [
        ("response_format", { (($0 as? [String: Any])?["type"] as? String) == "text" }),
        ("logprobs", { ($0 as? Bool) == false }),
        ("top_logprobs", { ($0 as? Int) == 0 }),
        ("tools", { ($0 as? [Any])?.isEmpty == true }),
        ("functions", { ($0 as? [Any])?.isEmpty == true }),
        ("tool_choice", { ($0 as? String) == "none" }),
        ("function_call", { ($0 as? String) == "none" }),
        ("logit_bias", { ($0 as? [String: Any])?.isEmpty == true }),
        ("presence_penalty", { ($0 as? Double) == 0 }),
        ("frequency_penalty", { ($0 as? Double) == 0 }),
    ]

    /// The roles the chat templates render.
    static let roles: Set<String> = ["system", "user", "assistant", "tool"]

    private func validate() throws(APIError) {
        guard !messages.isEmpty else { throw .invalidRequest("'messages' must not be empty", param: "messages") }
        if let index = messages.firstIndex(where: { !Self.roles.contains($0.role) }) {
            throw .invalidRequest("messages[\(index)].role '\(messages[index].role)' is not one of "
                + Self.roles.sorted().joined(separator: ", "), param: "messages[\(index)].role")
        }
        if let n, n != 1 { throw .invalidRequest("only n = 1 is supported", param: "n") }
        if let tokens = maxCompletionTokens ?? maxTokens, tokens < 1 {
            throw .invalidRequest("'max_tokens' must be at least 1", param: "max_tokens")
        }
        if let temperature, !(0...2).contains(temperature) {
            throw .invalidRequest("'temperature' must be between 0 and 2", param: "temperature")
        }
        if let topP, !(topP > 0 && topP <= 1) { throw .invalidRequest("'top_p' must be in (0, 1]", param: "top_p") }
        if let topK, topK < 0 { throw .invalidRequest("'top_k' must not be negative", param: "top_k") }
        if let stop, stop.strings.count > 4 { throw .invalidRequest("at most 4 stop strings are allowed", param: "stop") }
    }

    /// The conversation for the chat template.
    var chatMessages: [ChatMessage] { messages.map { ChatMessage(role: .init(rawValue: $0.role), content: $0.content) } }

    /// Sampling settings; `maxTokens` is what the client asked for, or `fallbackMaxTokens`.
    func sampling(fallbackMaxTokens: Int) -> SamplingParameters {
        SamplingParameters(
            temperature: Float(temperature ?? 1), topK: topK ?? 40, topP: Float(topP ?? 1),
            seed: UInt64(bitPattern: Int64(seed ?? 0)), maxTokens: maxCompletionTokens ?? maxTokens ?? fallbackMaxTokens,
            stop: stop?.strings ?? [])
    }

    /// A 400 naming the field that did not decode.
    private static func describe(_ error: DecodingError) -> APIError {
        func path(_ context: DecodingError.Context) -> String {
            context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? "." + $0.stringValue }.joined().drop { $0 == "." }.description
        }
        switch error {
        case let .typeMismatch(_, context) where context.codingPath.isEmpty:
            return .invalidRequest("the body must be a JSON object")
        case let .typeMismatch(type, context):
            let field = path(context)
            return .invalidRequest("'\(field)' has the wrong type (expected \(Self.jsonName(type)))", param: field)
        case let .valueNotFound(type, context):
            let field = path(context)
            return .invalidRequest("'\(field)' must not be null (expected \(Self.jsonName(type)))", param: field)
        case let .keyNotFound(key, context):
            let field = (path(context).isEmpty ? "" : path(context) + ".") + key.stringValue
            return .invalidRequest("'\(field)' is required", param: field)
        case .dataCorrupted(let context):
            return context.codingPath.isEmpty
                ? .invalidRequest("the body is not valid JSON")
                : .invalidRequest("'\(path(context))' is invalid: \(context.debugDescription)", param: path(context))
        @unknown default:
            return .invalidRequest("the body could not be decoded")
        }
    }

    private static func jsonName(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Int.Type: "an integer"
        case is Double.Type: "a number"
        case is Bool.Type: "a boolean"
        default: "\(type)".hasPrefix("Array") ? "an array" : "an object"
        }
    }
}
