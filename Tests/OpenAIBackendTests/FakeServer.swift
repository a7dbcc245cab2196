import Foundation
import HTTP
import Synchronization

/// An HTTP server on a free loopback port whose answers a test scripts; it records each request
/// and how many were being handled at once. Stopped when released.
final class FakeServer: Sendable {
    private struct Log {
        var requests: [HTTPRequest] = []
        var handling = 0
        var peakHandling = 0
    }
    /// Shared by the handler threads and the test.
    private final class Recorder: Sendable {
        let log = Mutex(Log())
    }
    private let server: HTTPServer
    private let recorder = Recorder()
    var url: String { "http://127.0.0.1:\(server.port)/v1" }

    /// Serves with `answer`, which gets the 1-based number of the request.
    init(_ answer: @escaping @Sendable (Int, HTTPRequest) -> HTTPResponse) throws {
        let recorder = self.recorder
        server = try HTTPServer(configuration: .init(port: 0, requestTimeout: .seconds(10))) { request, _ in
            let number = recorder.log.withLock { log in
                log.requests.append(request)
                log.handling += 1
                log.peakHandling = max(log.peakHandling, log.handling)
                return log.requests.count
            }
            defer { recorder.log.withLock { $0.handling -= 1 } }
            return answer(number, request)
        }
        server.start()
    }

    deinit { server.stop() }

    var requests: [HTTPRequest] { recorder.log.withLock { $0.requests } }
    var peakHandling: Int { recorder.log.withLock { $0.peakHandling } }

    /// A `chat.completion` reply with `content` and usage counts.
    /// `stopReason` is vLLM's field naming the stop string (or token id) that ended the reply.
    static func completion(_ content: String, promptTokens: Int = 7, completionTokens: Int = 3,
                           finishReason: String = "stop", stopReason: Any = NSNull()) -> HTTPResponse {
        let body: [String: Any] = [
            "id": "chatcmpl-1", "object": "chat.completion", "created": 0, "model": "fake",
            "choices": [["index": 0, "message": ["role": "assistant", "content": content], "finish_reason": finishReason,
                         "stop_reason": stopReason]],
            "usage": ["prompt_tokens": promptTokens, "completion_tokens": completionTokens,
                      "total_tokens": promptTokens + completionTokens],
        ]
        let data = (try? JSONSerialization.data(withJSONObject: body)) ?? Data()
        return HTTPResponse(status: 200, headers: ["Content-Type": "application/json"], body: .bytes(Array(data)))
    }

    /// An OpenAI-style error reply.
    static func error(_ status: Int, _ message: String) -> HTTPResponse {
        HTTPResponse(status: status, contentType: "application/json",
                     text: #"{"error":{"message":"\#(message)","type":"server_error"}}"#)
    }
}

/// A loopback URL where nothing listens: the port of a server that was started and stopped.
func closedPortURL() throws -> String {
    let server = try HTTPServer(configuration: .init(port: 0)) { _, _ in HTTPResponse(status: 200) }
    let port = server.port
    server.stop()
    return "http://127.0.0.1:\(port)/v1"
}
