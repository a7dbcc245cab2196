import Foundation
import HTTP
import LLM

/// The server's endpoints: what each request path answers.
struct ChatRoutes: Sendable {
    let engine: GenerationEngine
    /// The engine's models, in its order.
    let models: [ServedModel]
    /// Tokens one request may use, prompt and reply together.
    let contextPerRequest: Int
    /// When the server started (the models' `created` in `/v1/models`).
    let created: Int
    /// Where each request's line goes; nil: nowhere (`--quiet`).
    let log: AccessLog?
    /// The bearer token `/v1/` requests must carry; nil: none.
    let apiKey: String?

    /// Answers `request` and logs it: a streamed reply when its stream ends.
    func respond(_ request: HTTPRequest, client: any HTTPClientState) -> HTTPResponse {
        let start = ContinuousClock.now
        var usage: Usage?
        let response = route(request, client: client, start: start, usage: &usage)
        // A streamed reply logs itself when its stream ends.
        if case .stream = response.body { return response }
        log?.record(method: request.method, path: request.path, status: response.status, usage: usage, since: start)
        return response
    }

    private func route(_ request: HTTPRequest, client: any HTTPClientState, start: ContinuousClock.Instant,
                       usage: inout Usage?) -> HTTPResponse {
        let routes = ["/v1/chat/completions": "POST", "/v1/models": "GET", "/health": "GET"]
        guard let method = routes[request.path] else { return APIError.notFound(request.path).response }
        guard request.method == method || (method == "GET" && request.method == "HEAD") else {
            return APIError.methodNotAllowed(request.method, request.path).response
        }
        if let apiKey, request.path.hasPrefix("/v1/"), request.headers["Authorization"] != "Bearer \(apiKey)" {
            return APIError.unauthorized(keyGiven: request.headers["Authorization"] != nil).response
        }
        switch request.path {
        case "/health":
            let load = engine.load
            return JSONBody.response(Health(running: load.running, waiting: load.waiting, peakRunning: load.peakRunning))
        case "/v1/models":
            return JSONBody.response(ModelList(data: models.map { .init(id: $0.name, created: created) }))
        default:
            do {
                return try completion(request, client: client, start: start, usage: &usage)
            } catch {
                return error.response
            }
        }
    }

    private func completion(_ http: HTTPRequest, client: any HTTPClientState, start: ContinuousClock.Instant,
                            usage: inout Usage?) throws(APIError) -> HTTPResponse {
        let request = try ChatCompletionRequest.parse(http.body)
        // No model named: the first one (as a single-model server has always answered).
        let name = request.model.flatMap { $0.isEmpty ? nil : $0 } ?? models[0].name
        guard let index = models.firstIndex(where: { $0.name == name }) else {
            throw .modelNotFound(name, served: models.map(\.name))
        }
        let model = models[index].model
        let prompt = model.encodeChat(request.chatMessages)
        let context = contextPerRequest
        guard prompt.count < context else {
            throw .invalidRequest(
                "the messages take \(prompt.count) tokens, but this server's context holds \(context) tokens per request "
                    + "(prompt and reply together); shorten the messages", param: "messages", code: "context_length_exceeded")
        }
        var parameters = request.sampling(fallbackMaxTokens: context - prompt.count)
        parameters.maxTokens = min(parameters.maxTokens, context - prompt.count)
        let mailbox = JobMailbox()
        let job: GenerationJob
        do {
            job = try engine.submit(model: index, GenerationRequest(prompt: prompt, parameters: parameters), sink: mailbox.post)
        } catch {
            throw APIError(error)
        }
        let reply = Reply(id: "chatcmpl-\(job.id)-\(String(UInt32.random(in: .min ... .max), radix: 16))",
                          created: Int(Date().timeIntervalSince1970), model: name)
        if request.stream == true {
            return HTTPResponse(status: 200, headers: ["Content-Type": "text/event-stream", "Cache-Control": "no-cache"],
                                body: .stream { [engine, log] writer in
                                    let finished = reply.stream(job, mailbox: mailbox, engine: engine, to: writer)
                                    log?.record(method: http.method, path: http.path, status: 200, usage: finished, since: start)
                                })
        }
        let (response, counts) = try reply.whole(job, mailbox: mailbox, engine: engine, client: client)
        usage = counts
        return response
    }
}

/// `GET /health`: the server is up, with its current load.
struct Health: Encodable {
    let status = "ok"
    let running: Int
    let waiting: Int
    /// The most requests ever decoded together.
    let peakRunning: Int

    enum CodingKeys: String, CodingKey { case status, running, waiting, peakRunning = "peak_running" }
}
