import Foundation
import HTTP
import LLM

/// Turns one job's engine events into the client's response, cancelling the job when the client
/// goes away.
struct Reply: Sendable {
    let id: String
    let created: Int
    let model: String
    /// How often a waiting handler checks whether its client is still there.
    static let clientCheckInterval: Duration = .milliseconds(100)

    /// Waits for the whole generation and answers with one `chat.completion`; also returns its token counts.
    func whole(_ job: GenerationJob, mailbox: JobMailbox, engine: GenerationEngine, client: any HTTPClientState) throws(APIError) -> (HTTPResponse, Usage) {
        while true {
            for event in mailbox.take(waiting: Self.clientCheckInterval) {
                switch event {
                case .token:
                    continue
                case let .finished(result):
                    return (JSONBody.response(ChatCompletion(
                        id: id, created: created, model: model,
                        choices: [.init(message: .init(content: result.text), finishReason: finishReason(result.stopReason),
                                                  matchedStop: result.stopString)],
                        usage: usage(result))), usage(result))
                case let .failed(error):
                    throw APIError(error)
                }
            }
            if client.clientGone {
                engine.cancel(job)
                throw .invalidRequest("the client closed the connection")   // never delivered
            }
        }
    }

    /// Sends the generation as server-sent events: a role chunk, content chunks, a last chunk
    /// with the finish reason and usage, then `data: [DONE]`. Returns the token counts of a
    /// generation that finished.
    func stream(_ job: GenerationJob, mailbox: JobMailbox, engine: GenerationEngine, to writer: any HTTPBodyWriter) -> Usage? {
        let clock = ContinuousClock()
        var lastCheck = clock.now
        do throws(SocketError) {
            try writer.write(chunk(.init(role: "assistant", content: ""), finish: nil, usage: nil))
            while true {
                for event in mailbox.take(waiting: Self.clientCheckInterval) {
                    switch event {
                    case let .token(_, text):
                        guard !text.isEmpty else { continue }
                        try writer.write(chunk(.init(role: nil, content: text), finish: nil, usage: nil))
                    case let .finished(result):
                        try writer.write(chunk(.init(role: nil, content: nil), finish: finishReason(result.stopReason),
                                               matchedStop: result.stopString, usage: usage(result)))
                        try writer.write(Array("data: [DONE]\n\n".utf8))
                        return usage(result)
                    case let .failed(error):
                        try writer.write(Array("data: ".utf8) + APIError(error).json + Array("\n\n".utf8))
                        return nil
                    }
                }
                if clock.now - lastCheck >= Self.clientCheckInterval {
                    lastCheck = clock.now
                    if writer.clientGone { throw .closed }
                }
            }
        } catch {
            engine.cancel(job)
            return nil
        }
    }

    private func chunk(_ delta: ChatCompletionChunk.Delta, finish: String?, matchedStop: String? = nil, usage: Usage?) -> [UInt8] {
        ChatCompletionChunk(id: id, created: created, model: model, delta: delta, finishReason: finish, matchedStop: matchedStop,
                            usage: usage).event
    }

    private func usage(_ result: GenerationResult) -> Usage {
        Usage(promptTokens: result.promptTokens.count, completionTokens: result.tokens.count)
    }
}
