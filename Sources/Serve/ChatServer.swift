import Foundation
import HTTP
import LLM

/// A model `divvy serve` offers, under the name requests choose it by.
public struct ServedModel: Sendable {
    public let name: String
    public let model: LanguageModel
    public let adapter: LoRAAdapter?
    /// The model drafting tokens for this one (``LanguageModel/checkedDraft(_:)``), if any.
    public let draft: LanguageModel?

    public init(name: String, model: LanguageModel, adapter: LoRAAdapter? = nil, draft: LanguageModel? = nil) {
        self.name = name
        self.model = model
        self.adapter = adapter
        self.draft = draft
    }
}

/// An OpenAI-compatible server for one or more models: `POST /v1/chat/completions` (whole or
/// streamed as server-sent events; the request's `model` picks one), `GET /v1/models` and
/// `GET /health`, with all requests decoded together by one `GenerationEngine`.
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
        /// The bearer token `/v1/` requests must carry (nil: none needed).
        public var apiKey: String?

        public init(host: String = "127.0.0.1", port: UInt16 = 8080, parallel: Int = 4, contextPerRequest: Int = 2048,
                    maxQueue: Int = 16, maxBodyBytes: Int = 1 << 20, speculation: SpeculationPolicy = SpeculationPolicy(),
                    accessLog: AccessLog? = nil, apiKey: String? = nil) {
            self.host = host
            self.port = port
            self.parallel = parallel
            self.contextPerRequest = contextPerRequest
            self.maxQueue = maxQueue
            self.maxBodyBytes = maxBodyBytes
            self.speculation = speculation
            self.accessLog = accessLog
            self.apiKey = apiKey
        }
    }

    public let engine: GenerationEngine
    /// Tokens one request may use (the configured count, capped by the model's context).
    public let contextPerRequest: Int
    private let http: HTTPServer

    /// Starts the engine and binds the port; requests are served once `start` is called.
    /// `models` must not be empty; their names must differ.
    public init(models: [ServedModel], configuration: Configuration) throws(SocketError) {
        precondition(!models.isEmpty && Set(models.map(\.name)).count == models.count, "models need distinct names")
        let shortest = models.map(\.model.config.contextLength).min() ?? configuration.contextPerRequest
        let context = max(16, min(configuration.contextPerRequest, shortest))
        contextPerRequest = context
        let parallel = max(1, min(configuration.parallel, KVCache.maxSequences))
        engine = GenerationEngine(models: models.map { EngineModel($0.model, adapter: $0.adapter, draft: $0.draft) }, configuration: EngineConfiguration(
            capacity: parallel * context, maxSequences: parallel, maxQueue: configuration.maxQueue,
            speculation: configuration.speculation))
        let routes = ChatRoutes(engine: engine, models: models, contextPerRequest: context,
                                created: Int(Date().timeIntervalSince1970), log: configuration.accessLog,
                                apiKey: configuration.apiKey)
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
