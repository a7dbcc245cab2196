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
/// API), asked with `POST {base}/chat/completions` over http or https (libcurl, through
/// ``HTTPTransfer``), the reply streamed. The blocking transfers run on threads of their own; a
/// shared ``RequestLimiter`` bounds how many are in flight.
public struct OpenAIBackend: ModelBackend {
    public struct Configuration: Sendable {
        /// The API base, e.g. `https://127.0.0.1:8080/v1` (a trailing `/` is dropped).
        public var baseURL: String
        /// The `model` field of each request (part of the cache identity).
        public var model: String
        /// Sent as `Authorization: Bearer …`.
        public var apiKey: APIKey?
        /// Longest wait for a connection, TLS handshake included.
        public var connectTimeout: Duration
        /// Longest wait for a whole reply, so it bounds each generation.
        public var requestTimeout: Duration
        /// The CA certificates to trust for https instead of the system's (the CLI's `SSL_CERT_FILE`).
        public var caFile: String?
        public var retry: RetryPolicy

        public init(baseURL: String, model: String, apiKey: APIKey? = nil, connectTimeout: Duration = .seconds(10),
                    requestTimeout: Duration = .seconds(300), caFile: String? = nil, retry: RetryPolicy = RetryPolicy()) {
            self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
            self.model = model
            self.apiKey = apiKey
            self.connectTimeout = connectTimeout
            self.requestTimeout = requestTimeout
            self.caFile = caFile
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
        return try await limiter.withSlot { () async throws(OpenAIBackendError) -> Completion in
            try await completeWithRetries(body, onText: request.onText)
        }
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
        var body: [UInt8] = []
        let head = try transfer(.get, url) { bytes, _ in
            body += bytes
            return body.count <= ChatCompletionReader.bodyLimit
        }
        if head.status == 401 || head.status == 403 {   // a wrong or missing key fails every request: say so now
            throw .status(url: url, code: head.status, message: ErrorReplyBody.message(in: body))
        }
        guard head.status == 200, let list = try? JSONDecoder().decode(ModelList.self, from: Data(body)) else {
            return []
        }
        return list.data.map(\.id)
    }

    private func completeWithRetries(_ body: [UInt8], onText: (@Sendable (String) -> Void)?) async throws(OpenAIBackendError) -> Completion {
        var attempt = 1
        let echo = onText.map(RetriedEcho.init)
        let echoPiece = echo.map { echo in { @Sendable (piece: String) in echo.piece(piece) } }
        while true {
            echo?.startAttempt()
            let (result, retryAfter) = await onOwnThread { attemptOnce(body, onText: echoPiece) }
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

    /// One request, its reply read as it streams in; on failure, also the server's `Retry-After`
    /// when it sent one.
    private func attemptOnce(_ body: [UInt8], onText: (@Sendable (String) -> Void)?)
        -> (Result<Completion, OpenAIBackendError>, retryAfter: Duration?) {
        let url = configuration.baseURL + "/chat/completions"
        var reader = ChatCompletionReader(start: .now, onText: onText)
        var problem: ChatCompletionReader.Problem?
        var errorBody: [UInt8] = []
        let head: HTTPTransfer.Head
        do throws(OpenAIBackendError) {
            head = try transfer(.post(body), url, contentType: "application/json") { bytes, head in
                guard head.status == 200 else {
                    if errorBody.count < 64 << 10 { errorBody += bytes }
                    return true
                }
                do throws(ChatCompletionReader.Problem) {
                    try reader.receive(bytes, contentType: head.contentType)
                    return true
                } catch {
                    problem = error
                    return false
                }
            }
        } catch {
            return (.failure(problem.map { Self.backendError($0, url: url) } ?? error), nil)
        }
        guard head.status == 200 else {
            return (.failure(.status(url: url, code: head.status, message: ErrorReplyBody.message(in: errorBody))),
                    head.retryAfter.map { .seconds($0) })
        }
        do throws(ChatCompletionReader.Problem) {
            return (.success(try reader.completion()), nil)
        } catch {
            return (.failure(Self.backendError(error, url: url)), nil)
        }
    }

    /// Runs one exchange, turning transport failures into backend errors.
    private func transfer(_ method: HTTPTransfer.Method, _ url: String, contentType: String? = nil,
                          onBody: ([UInt8], HTTPTransfer.Head) -> Bool) throws(OpenAIBackendError) -> HTTPTransfer.Head {
        var headers: HTTPHeaders = ["Accept": contentType == nil ? "application/json" : "text/event-stream, application/json"]
        if let contentType { headers.set("Content-Type", contentType) }
        if let apiKey = configuration.apiKey { headers.set("Authorization", "Bearer \(apiKey.value)") }
        let options = HTTPTransfer.Options(connectTimeout: configuration.connectTimeout, timeout: configuration.requestTimeout,
                                           caFile: configuration.caFile)
        let start = ContinuousClock.now
        do throws(HTTPTransferError) {
            return try HTTPTransfer.perform(method, url, headers: headers, options: options, onBody: onBody)
        } catch {
            switch error {
            case .unsupportedURL: throw .unreachable(url: url, reason: "not an http:// or https:// URL")
            case let .unreachable(why), let .other(why): throw .unreachable(url: url, reason: why)
            case .timedOut: throw .timedOut(url: url, seconds: ((ContinuousClock.now - start).seconds * 10).rounded() / 10)
            case let .untrustedCertificate(why): throw .untrustedCertificate(url: url, reason: why)
            case .connectionLost: throw .connectionLost(url: url)
            case .stopped: throw .badResponse(url: url, why: "the reply was over the size limit")
            }
        }
    }

    private static func backendError(_ problem: ChatCompletionReader.Problem, url: String) -> OpenAIBackendError {
        switch problem {
        case let .badResponse(why): .badResponse(url: url, why: why)
        case let .serverError(message): .failedDuringReply(url: url, message: message)
        case .incomplete: .connectionLost(url: url)
        }
    }
}
