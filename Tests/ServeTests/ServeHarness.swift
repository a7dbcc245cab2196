import Foundation
import HTTP
import LLM
import Serve
import Synchronization

/// SmolLM2 loaded once for all serve tests.
enum ServeModel {
    static let smollm2 = Result { try LanguageModel(path: ModelLocator.resolve("smollm2-135m")) }
}

/// A `ChatServer` on a free loopback port; stopped when released.
final class RunningServer: Sendable {
    let server: ChatServer
    var url: String { "http://127.0.0.1:\(server.port)" }

    init(names: [String] = ["smollm2-135m"], parallel: Int = 4, context: Int = 512, maxQueue: Int = 8,
         maxBodyBytes: Int = 1 << 20, accessLog: AccessLog? = nil, apiKey: String? = nil) throws {
        let model = try ServeModel.smollm2.get()
        server = try ChatServer(models: names.map { ServedModel(name: $0, model: model) }, configuration: .init(
            port: 0, parallel: parallel, contextPerRequest: context, maxQueue: maxQueue, maxBodyBytes: maxBodyBytes,
            accessLog: accessLog, apiKey: apiKey))
        server.start()
    }

    deinit { server.stop() }

    /// POSTs `json` to `/v1/chat/completions`; the status and the body's text.
    func post(_ json: String, client: HTTPClient = HTTPClient()) throws -> (status: Int, text: String) {
        let response = try client.postJSON(url + "/v1/chat/completions", Array(json.utf8))
        return (response.status, try response.text())
    }

    /// POSTs `json` to `/v1/chat/completions`; the status and the decoded JSON body.
    func complete(_ json: String) throws -> (status: Int, body: [String: Any]) {
        let (status, text) = try post(json)
        return (status, jsonObject(text))
    }

    /// Whether no request is running or waiting.
    func isIdle() throws -> Bool {
        let health = try health()
        return health["running"] as? Int == 0 && health["waiting"] as? Int == 0
    }

    /// The `/health` counters.
    func health() throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(HTTPClient().send("GET", url + "/health").body())) as? [String: Any] ?? [:]
    }
}

/// A greedy chat request for `prompt`, after `system` when given.
func greedyRequest(_ prompt: String, maxTokens: Int = 10, stream: Bool = false, system: String? = nil) throws -> String {
    struct Body: Encodable {
        struct Message: Encodable { let role, content: String }
        let model = "smollm2-135m"
        let messages: [Message]
        let max_tokens: Int
        let temperature = 0
        let stream: Bool
    }
    let messages = (system.map { [Body.Message(role: "system", content: $0)] } ?? []) + [.init(role: "user", content: prompt)]
    return String(decoding: try JSONEncoder().encode(Body(messages: messages, max_tokens: maxTokens, stream: stream)), as: UTF8.self)
}

/// `text` parsed as a JSON object (empty when it is not one).
func jsonObject(_ text: String) -> [String: Any] {
    (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] ?? [:]
}

/// The assistant text of a `chat.completion` body.
func replyText(_ body: [String: Any]) -> String? {
    ((body["choices"] as? [[String: Any]])?.first?["message"] as? [String: Any])?["content"] as? String
}

/// The `error` object of an error body.
func errorObject(_ body: [String: Any]) -> [String: Any]? { body["error"] as? [String: Any] }

/// Runs each of `bodies` on its own thread at once and returns their results in order.
func onThreads<T: Sendable>(_ bodies: [@Sendable () -> T]) -> [T] {
    let results = Mutex<[Int: T]>([:])
    let done = DispatchSemaphore(value: 0)
    for (i, body) in bodies.enumerated() {
        Thread.detachNewThread {
            let value = body()
            results.withLock { $0[i] = value }
            done.signal()
        }
    }
    for _ in bodies { done.wait() }
    return results.withLock { all in bodies.indices.map { all[$0]! } }
}

/// Polls `condition` every 20 ms for up to `seconds`; whether it became true.
func eventually(within seconds: Double, _ condition: () throws -> Bool) rethrows -> Bool {
    let end = Date().addingTimeInterval(seconds)
    while Date() < end {
        if try condition() { return true }
        Thread.sleep(forTimeInterval: 0.02)
    }
    return try condition()
}
