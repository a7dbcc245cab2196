import DurationUnits
import Foundation
import HTTP
import LLM

/// Reads a 200 reply to `POST /chat/completions` as it arrives: `chat.completion.chunk`
/// server-sent events, each delta's text handed to `onText` at once, up to `data: [DONE]`; or, from
/// a server that ignores `stream`, one `chat.completion` body.
struct ChatCompletionReader {
    /// Why the reply could not be read.
    enum Problem: Error, Equatable {
        /// Not a chat completion (or its stream).
        case badResponse(String)
        /// The server sent an error event in place of the rest of the reply.
        case serverError(String)
        /// The stream ended before its last chunk.
        case incomplete
    }

    /// The longest whole body, and the longest line of an event stream.
    static let bodyLimit = 64 << 20
    static let lineLimit = 1 << 20

    private let start: ContinuousClock.Instant
    private let onText: (@Sendable (String) -> Void)?
    private var events = ServerSentEvents()
    /// nil until the first bytes tell which kind of reply this is.
    private var streamed: Bool?
    private var whole: [UInt8] = []
    private var text = ""
    private var usage: ChatCompletionsReplyBody.Usage?
    private var finishReason: String?
    private var matchedStop: String?
    private var firstText: Duration?
    private var done = false

    /// `start` is when the request was sent (for the time to first text).
    init(start: ContinuousClock.Instant, onText: (@Sendable (String) -> Void)?) {
        self.start = start
        self.onText = onText
    }

    /// Takes the next bytes of the body; `contentType` is the reply's media type.
    mutating func receive(_ bytes: [UInt8], contentType: String?) throws(Problem) {
        let streamed = self.streamed ?? (contentType == "text/event-stream")
        self.streamed = streamed
        guard streamed else {
            whole += bytes
            guard whole.count <= Self.bodyLimit else { throw .badResponse("the body is over \(Self.bodyLimit) bytes") }
            return
        }
        for event in events.feed(bytes) where !done { try take(event) }
        guard events.unfinishedLineCount <= Self.lineLimit else {
            throw .badResponse("an event line is over \(Self.lineLimit) bytes")
        }
    }

    /// The completion once the body has ended.
    mutating func completion() throws(Problem) -> Completion {
        let elapsed = (ContinuousClock.now - start).seconds
        guard streamed == true else {
            guard let reply = try? JSONDecoder().decode(ChatCompletionsReplyBody.self, from: Data(whole)) else {
                throw .badResponse("the body is not a chat completion")
            }
            guard let choice = reply.choices.first else { throw .badResponse("no choices") }
            let text = choice.message?.content ?? ""
            onText?(text)   // not streamed: the text comes whole
            return Completion(text: text, promptTokens: reply.usage?.promptTokens ?? 0,
                              completionTokens: reply.usage?.completionTokens ?? 0, stopReason: choice.stopReason,
                              seconds: elapsed)
        }
        if !done, let last = events.finish() { try take(last) }
        // A server may close the stream after the last chunk without `[DONE]`.
        guard done || finishReason != nil else { throw .incomplete }
        return Completion(text: text, promptTokens: usage?.promptTokens ?? 0, completionTokens: usage?.completionTokens ?? 0,
                          stopReason: ChatCompletionsReplyBody.stopReason(finishReason: finishReason, matchedStop: matchedStop),
                          seconds: elapsed, firstTokenSeconds: firstText?.seconds)
    }

    /// One event's data: a chunk, an error, or `[DONE]`.
    private mutating func take(_ event: String) throws(Problem) {
        if event == "[DONE]" {
            done = true
            return
        }
        let data = Data(event.utf8)
        guard let chunk = try? JSONDecoder().decode(ChatCompletionsReplyBody.self, from: data) else {
            if let error = try? JSONDecoder().decode(ErrorReplyBody.self, from: data) { throw .serverError(error.error.message) }
            throw .badResponse("an event is not a chat completion chunk")
        }
        if let usage = chunk.usage { self.usage = usage }
        guard let choice = chunk.choices.first else { return }   // the usage chunk
        if let piece = choice.delta?.content, !piece.isEmpty {
            if firstText == nil { firstText = ContinuousClock.now - start }
            text += piece
            onText?(piece)
        }
        if let reason = choice.finishReason { finishReason = reason }
        if let stop = choice.matchedStop { matchedStop = stop }
    }
}
