import Foundation
import HTTP
import LLM

/// An OpenAI-compatible server for one model: `POST /v1/chat/completions` (whole or streamed as
/// server-sent events), `GET /v1/models` and `GET /health`, with all requests decoded together
/// by one `InferenceEngine`.
public final class ChatServer: Sendable {
    public struct Configuration: Sendable {
        public var host: String
        public var port: UInt16
        /// Requests decoded together at most.
        public var parallel: Int
        /// Tokens one request may use, prompt and reply together.
        public var contextPerRequest: Int
        /// Requests that may wait for a free slot before the server answers 503.
        public var maxQueue: Int
        public var maxBodyBytes: Int
        /// When decoding requests draft tokens ahead.
        public var speculation: SpeculationPolicy
        /// Where each request's line goes (nil: nowhere).
        public var accessLog: AccessLog?

        public init(host: String = "127.0.0.1", port: UInt16 = 8080, parallel: Int = 4, contextPerRequest: Int = 2048,
                    maxQueue: Int = 16, maxBodyBytes: Int = 1 << 20, speculation: SpeculationPolicy = SpeculationPolicy(),
                    accessLog: AccessLog? = nil) {
            self.host = host
            self.port = port
            self.parallel = parallel
            self.contextPerRequest = contextPerRequest
            self.maxQueue = maxQueue
            self.maxBodyBytes = maxBodyBytes
            self.speculation = speculation
            self.accessLog = accessLog
        }
    }

    public let engine: InferenceEngine
    private let http: HTTPServer

    /// Starts the engine and binds the port; requests are served once `start` is called.
    public init(model: LanguageModel, modelName: String, configuration: Configuration) throws(SocketError) {
        let context = min(configuration.contextPerRequest, model.config.contextLength)
        engine = InferenceEngine(model: model, parallel: configuration.parallel, contextPerRequest: context,
                                 maxQueue: configuration.maxQueue, speculation: configuration.speculation)
        let routes = ChatRoutes(engine: engine, modelName: modelName, created: Int(Date().timeIntervalSince1970),
                                log: configuration.accessLog)
        do {
            http = try HTTPServer(
                configuration: .init(host: configuration.host, port: configuration.port,
                                     limits: HTTPLimits(maxBodyBytes: configuration.maxBodyBytes)),
                handler: routes.respond)
        } catch {
            engine.shutdown()
            throw error
        }
    }

    /// The port the server listens on.
    public var port: UInt16 { http.port }

    public func start() { http.start() }

    deinit { stop() }

    /// Stops accepting connections, closes open ones and ends the engine.
    public func stop() {
        http.stop()
        engine.shutdown()
    }
}
