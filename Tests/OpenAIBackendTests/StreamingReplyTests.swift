@testable import Agent
import Foundation
import HTTP
import LLM
import Synchronization
import Testing

/// Streamed replies (server-sent `chat.completion.chunk` events) read as they arrive.
struct StreamingReplyTests {
    /// What `onText` was handed, in order.
    final class Pieces: Sendable {
        let seen = Mutex<[String]>([])
        var all: [String] { seen.withLock { $0 } }
        var onText: @Sendable (String) -> Void { { piece in self.seen.withLock { $0.append(piece) } } }
    }

    static func chunk(_ content: String?, finish: String? = nil, stopReason: String? = nil) -> String {
        var choice: [String: Any] = ["index": 0, "delta": content.map { ["content": $0] } ?? [:],
                                     "finish_reason": finish ?? NSNull()]
        if finish != nil { choice["stop_reason"] = stopReason ?? NSNull() }
        return event(["object": "chat.completion.chunk", "choices": [choice]])
    }

    static func event(_ object: [String: Any]) -> String {
        "data: " + String(decoding: (try? JSONSerialization.data(withJSONObject: object)) ?? Data(), as: UTF8.self) + "\n\n"
    }

    /// A server that answers every request with `events`, written `pause` apart.
    static func server(_ events: [String], pause: Duration = .milliseconds(50)) throws -> FakeServer {
        try FakeServer { _, _ in
            HTTPResponse(status: 200, headers: ["Content-Type": "text/event-stream"], body: .stream { writer in
                for event in events {
                    try? writer.write(Array(event.utf8))
                    Thread.sleep(forTimeInterval: Double(pause.components.attoseconds) * 1e-18)
                }
            })
        }
    }

    @Test func eachDeltaIsHandedOnAsItArrivesAndTheFirstOneIsTimed() async throws {
        let server = try Self.server([
            Self.chunk(""), Self.chunk("The"), Self.chunk(" answer"), Self.chunk(" is 4"),
            Self.chunk(nil, finish: "stop", stopReason: "\n9."),
            Self.event(["object": "chat.completion.chunk", "choices": [],
                        "usage": ["prompt_tokens": 11, "completion_tokens": 3]]),
            "data: [DONE]\n\n",
        ], pause: .milliseconds(100))
        let pieces = Pieces()
        var request = OpenAIBackendTests.request
        request.onText = pieces.onText
        let completion = try await OpenAIBackendTests.backend(server.url).complete(request)
        #expect(pieces.all == ["The", " answer", " is 4"])
        #expect(completion.text == "The answer is 4")
        #expect(completion.promptTokens == 11 && completion.completionTokens == 3)
        #expect(completion.stopReason == .stopString)
        let first = try #require(completion.firstTokenSeconds)
        #expect(first >= 0.1 && first < completion.seconds - 0.25, "the first text came two events before the last")

        let body = try #require(JSONSerialization.jsonObject(with: Data(server.requests[0].body)) as? [String: Any])
        #expect(body["stream"] as? Bool == true)
        #expect((body["stream_options"] as? [String: Any])?["include_usage"] as? Bool == true)
    }

    @Test func aStreamWithoutUsageOrDoneEndsAtItsFinishReasonWithNoTokenCounts() async throws {
        let server = try Self.server([Self.chunk("4"), Self.chunk(nil, finish: "length")], pause: .zero)
        let completion = try await OpenAIBackendTests.backend(server.url).complete(OpenAIBackendTests.request)
        #expect(completion.text == "4" && completion.stopReason == .maxTokens)
        #expect(completion.promptTokens == 0 && completion.completionTokens == 0)
    }

    @Test func aWholeReplyFromAServerThatIgnoresStreamIsHandedOnOnce() async throws {
        let server = try FakeServer { _, _ in FakeServer.completion("4") }
        let pieces = Pieces()
        var request = OpenAIBackendTests.request
        request.onText = pieces.onText
        let completion = try await OpenAIBackendTests.backend(server.url).complete(request)
        #expect(pieces.all == ["4"] && completion.text == "4")
        #expect(completion.firstTokenSeconds == nil)
    }

    @Test func anErrorEventIsTheServersMessageAndIsNotRetried() async throws {
        let server = try Self.server([Self.chunk("4"), Self.event(["error": ["message": "the engine failed"]])], pause: .zero)
        let error = await #expect(throws: OpenAIBackendError.self) {
            try await OpenAIBackendTests.backend(server.url).complete(OpenAIBackendTests.request)
        }
        #expect(error == .failedDuringReply(url: server.url + "/chat/completions", message: "the engine failed"))
        #expect(server.requests.count == 1)
    }

    @Test func aStreamCutBeforeItsEndIsABrokenConnectionAndIsRetried() async throws {
        let server = try Self.server([Self.chunk("4")], pause: .zero)
        let error = await #expect(throws: OpenAIBackendError.self) {
            try await OpenAIBackendTests.backend(server.url).complete(OpenAIBackendTests.request)
        }
        #expect(error == .gaveUp(attempts: 4, last: .connectionLost(url: server.url + "/chat/completions")))
        #expect(server.requests.count == 4)
    }

    /// A server whose first reply is cut after `cut` of `pieces`, and whose later replies are `retry`.
    static func cutThenWhole(_ pieces: [String], cut: Int, retry: [String]) throws -> FakeServer {
        try FakeServer { number, _ in
            let first = number == 1
            let events = (first ? Array(pieces.prefix(cut)) : retry).map { Self.chunk($0) }
                + (first ? [] : [Self.chunk(nil, finish: "stop"), "data: [DONE]\n\n"])
            return HTTPResponse(status: 200, headers: ["Content-Type": "text/event-stream"], body: .stream { writer in
                for event in events { try? writer.write(Array(event.utf8)) }
            })
        }
    }

    @Test func aRetriedStreamHandsOnOnlyTheTextBeyondWhatWasShown() async throws {
        let reply = ["The", " answer", " is 4"]
        let server = try Self.cutThenWhole(reply, cut: 2, retry: reply)
        let pieces = Pieces()
        var request = OpenAIBackendTests.request
        request.onText = pieces.onText
        let completion = try await OpenAIBackendTests.backend(server.url).complete(request)
        #expect(server.requests.count == 2)
        #expect(completion.text == "The answer is 4")
        #expect(pieces.all.joined() == "The answer is 4")
    }

    @Test func aRetryThatSaysSomethingElseStartsOnANewLine() async throws {
        let server = try Self.cutThenWhole(["The", " answer"], cut: 2, retry: ["It", " is 4"])
        let pieces = Pieces()
        var request = OpenAIBackendTests.request
        request.onText = pieces.onText
        let completion = try await OpenAIBackendTests.backend(server.url).complete(request)
        #expect(completion.text == "It is 4")
        #expect(pieces.all.joined() == "The answer\nIt is 4")
    }

    @Test func eventsSplitAnywhereAreReassembled() {
        var events = ServerSentEvents()
        let stream = Array(": comment\r\ndata: {\"a\":\ndata: 1}\r\n\r\nevent: x\ndata: [DONE]\n\n".utf8)
        var seen: [String] = []
        for byte in stream { seen += events.feed([byte]) }
        #expect(seen == ["{\"a\":\n1}", "[DONE]"])
        #expect(events.finish() == nil)
    }
}
