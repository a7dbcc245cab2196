import LLM

/// Token counts reported with a completion.
struct Usage: Encodable, Equatable {
    let promptTokens: Int
    let completionTokens: Int
    var totalTokens: Int { promptTokens + completionTokens }

    enum CodingKeys: String, CodingKey {
        case promptTokens = "prompt_tokens", completionTokens = "completion_tokens", totalTokens = "total_tokens"
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(promptTokens, forKey: .promptTokens)
        try c.encode(completionTokens, forKey: .completionTokens)
        try c.encode(totalTokens, forKey: .totalTokens)
    }
}

/// OpenAI's `finish_reason`: `stop` for an end of turn, a stop string or a repeated line, `length` for a limit.
func finishReason(_ reason: StopReason) -> String {
    switch reason {
    case .endOfTurn, .stopString, .repeatedLine: "stop"
    case .maxTokens, .contextFull: "length"
    }
}

/// The body of a non-streamed `chat.completion`.
struct ChatCompletion: Encodable {
    struct Choice: Encodable {
        struct Message: Encodable {
            let role = "assistant"
            let content: String
        }
        let index = 0
        let message: Message
        let finishReason: String
        /// The stop string that ended the reply, else null (vLLM's extension, read by Divvy's
        /// client: OpenAI's `stop` alone does not tell a stop string from the end of a turn).
        let matchedStop: String?

        enum CodingKeys: String, CodingKey { case index, message, finishReason = "finish_reason", matchedStop = "stop_reason" }

        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(index, forKey: .index)
            try c.encode(message, forKey: .message)
            try c.encode(finishReason, forKey: .finishReason)
            try c.encode(matchedStop, forKey: .matchedStop)   // null, not absent, as vLLM
        }
    }

    let id: String
    let object = "chat.completion"
    let created: Int
    let model: String
    let choices: [Choice]
    let usage: Usage
}

/// One server-sent event of a streamed completion (`chat.completion.chunk`).
struct ChatCompletionChunk: Encodable {
    struct Delta: Encodable {
        let role: String?
        let content: String?
    }
    let id: String
    let created: Int
    let model: String
    let delta: Delta
    let finishReason: String?
    /// The stop string that ended the reply, on the last chunk (as `chat.completion`'s `stop_reason`).
    let matchedStop: String?
    /// Sent on the last chunk only.
    let usage: Usage?

    enum CodingKeys: String, CodingKey { case id, object, created, model, choices, usage }
    enum ChoiceKeys: String, CodingKey { case index, delta, finishReason = "finish_reason", matchedStop = "stop_reason" }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode("chat.completion.chunk", forKey: .object)
        try c.encode(created, forKey: .created)
        try c.encode(model, forKey: .model)
        var choices = c.nestedUnkeyedContainer(forKey: .choices)
        var choice = choices.nestedContainer(keyedBy: ChoiceKeys.self)
        try choice.encode(0, forKey: .index)
        try choice.encode(delta, forKey: .delta)
        try choice.encode(finishReason, forKey: .finishReason)   // null until the last chunk
        if finishReason != nil { try choice.encode(matchedStop, forKey: .matchedStop) }
        if let usage { try c.encode(usage, forKey: .usage) }
    }

    /// The chunk as an SSE event: `data: {json}` and a blank line.
    var event: [UInt8] { Array("data: ".utf8) + JSONBody.encode(self) + Array("\n\n".utf8) }
}

/// `GET /v1/models`.
struct ModelList: Encodable {
    struct Model: Encodable {
        let id: String
        let object = "model"
        let created: Int
        let ownedBy = "divvy"
        enum CodingKeys: String, CodingKey { case id, object, created, ownedBy = "owned_by" }
    }
    let object = "list"
    let data: [Model]
}
