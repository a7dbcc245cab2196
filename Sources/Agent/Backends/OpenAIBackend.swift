import DurationUnits
import Foundation
import HTTP
import LLM

/// An API key, kept out of descriptions and logs.
public struct APIKey: Sendable, CustomStringConvertible {
    let value: String
    public init(_ value: String) { self.value = value }
    public var description: String { "(API key)" }
}

/// A model behind an OpenAI-compatible server (vLLM, llama.cpp's server, `divvy serve`, a hosted
/// API), asked with `POST {base}/chat/completions`. The blocking HTTP calls run on threads of their
/// own; a shared ``RequestLimiter`` bounds how many are in flight.
public struct OpenAIBackend: ModelBackend {
    public struct Configuration: Sendable {
        /// The API base, e.g. `http://127.0.0.1:8080/v1` (a trailing `/` is dropped).
        public var baseURL: String
        /// The `model` field of each request (part of the cache identity).
        public var model: String
        /// Sent as `Authorization: Bearer …`.
        public var apiKey: APIKey?
        public var connectTimeout: Duration
        /// Longest wait for any part of the reply; replies arrive whole, so this bounds each generation.
        public var requestTimeout: Duration
        public var retry: RetryPolicy

        public init(baseURL: String, model: String, apiKey: APIKey? = nil, connectTimeout: Duration = .seconds(10),
                    requestTimeout: Duration = .seconds(300), retry: RetryPolicy = RetryPolicy()) {
            self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
            self.model = model
            self.apiKey = apiKey
            self.connectTimeout = connectTimeout
            self.requestTimeout = requestTimeout
            self.retry = retry
        }
    }

    public let configuration: Configuration
    private let limiter: RequestLimiter

    public init(_ configuration: Configuration, limiter: RequestLimiter) {
        self.configuration = configuration
        self.limiter = limiter
    }

    /// `openai:<base URL>#<model>`: the server's weights are not visible, so the name stands for them.
    public var identity: String { "openai:\(configuration.baseURL)#\(configuration.model)" }
    public var location: String { configuration.baseURL }

    /// The messages as canonical JSON: the server renders its own chat template.
    public func renderedPrompt(_ messages: [ChatMessage]) -> String { CanonicalMessages.render(messages) }

    public func complete(_ request: CompletionRequest) async throws -> Completion {
        let body = Array(try JSONEncoder().encode(ChatCompletionsRequestBody(model: configuration.model, request: request)))
        let completion = try await limiter.withSlot { () async throws(OpenAIBackendError) -> Completion in
            try await completeWithRetries(body)
        }
        request.onText?(completion.text)   // replies are not streamed: the text comes whole
        return completion
    }

    /// The ids `GET {base}/models` lists (empty when the server answers otherwise). Blocks the
    /// calling thread; throws when the server cannot be reached or refuses the API key, so it
    /// doubles as a check.
    public func listModels() throws(OpenAIBackendError) -> [String] {
        struct ModelList: Decodable {
            struct Model: Decodable { let id: String }
            let data: [Model]
        }
        let url = configuration.baseURL + "/models"
        let response = try exchange(url) { client throws(HTTPClientError) in try client.send("GET", url, headers: headers) }
        if response.status == 401 || response.status == 403 {   // a wrong or missing key fails every request: say so now
            throw .status(url: url, code: response.status, message: ErrorReplyBody.message(in: response.body))
        }
        guard response.status == 200, let list = try? JSONDecoder().decode(ModelList.self, from: Data(response.body)) else {
            return []
        }
        return list.data.map(\.id)
    }

    private func completeWithRetries(_ body: [UInt8]) async throws(OpenAIBackendError) -> Completion {
        var attempt = 1
        while true {
            let (result, retryAfter) = await onOwnThread { attemptOnce(body) }
            switch result {
            case let .success(completion):
                return completion
            case let .failure(error) where error.isRetryable:
                guard attempt < configuration.retry.maxAttempts, !Task.isCancelled else {
                    throw attempt > 1 ? .gaveUp(attempts: attempt, last: error) : error
                }
                try? await Task.sleep(for: configuration.retry.delay(afterAttempt: attempt, retryAfter: retryAfter))
                attempt += 1
            case let .failure(error):
                throw error
            }
        }
    }

    /// One request; on failure, also the server's `Retry-After` when it sent one.
    private func attemptOnce(_ body: [UInt8]) -> (Result<Completion, OpenAIBackendError>, retryAfter: Duration?) {
        let url = configuration.baseURL + "/chat/completions"
        let start = ContinuousClock.now
        let response: (status: Int, headers: HTTPHeaders, body: [UInt8])
        do {
            response = try exchange(url) { client throws(HTTPClientError) in try client.postJSON(url, body, headers: headers) }
        } catch {
            return (.failure(error), nil)
        }
        guard response.status == 200 else {
            let retryAfter = response.headers["Retry-After"].flatMap { Int($0) }.map { Duration.seconds($0) }
            return (.failure(.status(url: url, code: response.status, message: ErrorReplyBody.message(in: response.body))),
                    retryAfter)
        }
        let reply: ChatCompletionsReplyBody
        do {
            reply = try JSONDecoder().decode(ChatCompletionsReplyBody.self, from: Data(response.body))
        } catch {
            return (.failure(.badResponse(url: url, why: "the body is not a chat completion")), nil)
        }
        guard let choice = reply.choices.first else { return (.failure(.badResponse(url: url, why: "no choices")), nil) }
        let elapsed = ContinuousClock.now - start
        return (.success(Completion(
            text: choice.message?.content ?? "", promptTokens: reply.usage?.promptTokens ?? 0,
            completionTokens: reply.usage?.completionTokens ?? 0,
            stopReason: choice.stopReason,
            seconds: elapsed.seconds)), nil)
    }

    private var headers: HTTPHeaders {
        var headers: HTTPHeaders = ["Accept": "application/json"]
        if let apiKey = configuration.apiKey { headers.set("Authorization", "Bearer \(apiKey.value)") }
        return headers
    }

    /// Sends with `call` and reads the whole reply, turning transport failures into backend errors.
    private func exchange(_ url: String, _ call: (HTTPClient) throws(HTTPClientError) -> HTTPClientResponse)
        throws(OpenAIBackendError) -> (status: Int, headers: HTTPHeaders, body: [UInt8]) {
        let client = HTTPClient(connectTimeout: configuration.connectTimeout, readTimeout: configuration.requestTimeout)
        let start = ContinuousClock.now
        do {
            let response = try call(client)
            return (response.status, response.headers, try response.body())
        } catch {
            switch error {
            case .connectionRefused: throw .unreachable(url: url, reason: "connection refused")
            case let .hostNotFound(host): throw .unreachable(url: url, reason: "cannot resolve host \(host)")
            case .invalidURL: throw .unreachable(url: url, reason: "not an http:// URL")
            case .timeout:
                throw .timedOut(url: url, seconds: ((ContinuousClock.now - start).seconds * 10).rounded() / 10)
            case .connectionClosed: throw .connectionLost(url: url)
            case let .io(why) where why.hasPrefix("connect"): throw .unreachable(url: url, reason: why)
            case .io: throw .connectionLost(url: url)
            case let .badResponse(why): throw .badResponse(url: url, why: why)
            case let .bodyTooLarge(limit): throw .badResponse(url: url, why: "body over \(limit) bytes")
            }
        }
    }
}
