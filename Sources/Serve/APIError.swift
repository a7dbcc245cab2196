import Foundation
import HTTP
import LLM

/// An error answered to the client as OpenAI does: `{"error": {"message", "type", "param", "code"}}`.
public struct APIError: Error, Equatable, Sendable, CustomStringConvertible {
    public let status: Int
    public let message: String
    /// `invalid_request_error`, `server_error`, …
    public let type: String
    public let param: String?
    public let code: String?

    public init(status: Int, message: String, type: String, param: String? = nil, code: String? = nil) {
        self.status = status
        self.message = message
        self.type = type
        self.param = param
        self.code = code
    }

    public var description: String { "\(status) \(type): \(message)" }

    /// A 400 for a request the server cannot use.
    public static func invalidRequest(_ message: String, param: String? = nil, code: String? = nil) -> APIError {
        APIError(status: 400, message: message, type: "invalid_request_error", param: param, code: code)
    }

    static let queueFull = APIError(status: 503, message: "the server is busy: its request queue is full; retry later",
                                    type: "server_error", code: "queue_full")
    static let shuttingDown = APIError(status: 503, message: "the server is shutting down", type: "server_error",
                                       code: "shutting_down")
    static func notFound(_ path: String) -> APIError {
        APIError(status: 404, message: "no route for \(path)", type: "invalid_request_error", code: "not_found")
    }
    static func methodNotAllowed(_ method: String, _ path: String) -> APIError {
        APIError(status: 405, message: "\(method) is not allowed on \(path)", type: "invalid_request_error",
                 code: "method_not_allowed")
    }
    static func modelNotFound(_ name: String, served: [String]) -> APIError {
        APIError(status: 404, message: "the model '\(name)' does not exist on this server; it serves "
                     + served.map { "'\($0)'" }.joined(separator: ", "),
                 type: "invalid_request_error", param: "model", code: "model_not_found")
    }
    static func unauthorized(keyGiven: Bool) -> APIError {
        APIError(status: 401, message: keyGiven ? "incorrect API key provided" : "no API key given: send 'Authorization: Bearer KEY'",
                 type: "invalid_request_error", code: "invalid_api_key")
    }
    static func engineFailed(_ why: String) -> APIError {
        APIError(status: 500, message: "inference failed: \(why)", type: "server_error", code: "inference_failed")
    }

    /// The answer to a request the engine refused or could not finish.
    init(_ error: EngineError) {
        switch error {
        case .queueFull: self = .queueFull
        case .shuttingDown: self = .shuttingDown
        case .cancelled: self = .invalidRequest("the request was cancelled")   // its client left: never delivered
        case .promptTooLong, .rejected: self = .invalidRequest(error.description)
        case let .failed(why): self = .engineFailed(why.description)
        }
    }

    private struct Body: Encodable {
        struct Inner: Encodable {
            let message: String
            let type: String
            let param: String?
            let code: String?

            func encode(to encoder: any Encoder) throws {   // nulls written out, as OpenAI does
                var c = encoder.container(keyedBy: CodingKeys.self)
                try c.encode(message, forKey: .message)
                try c.encode(type, forKey: .type)
                try c.encode(param, forKey: .param)
                try c.encode(code, forKey: .code)
            }
            enum CodingKeys: String, CodingKey { case message, type, param, code }
        }
        let error: Inner
    }

    /// The error as a JSON body.
    var json: [UInt8] { JSONBody.encode(Body(error: .init(message: message, type: type, param: param, code: code))) }

    /// The HTTP response carrying this error.
    var response: HTTPResponse {
        HTTPResponse(status: status, headers: ["Content-Type": "application/json"], body: .bytes(json))
    }
}

/// JSON encoding for response bodies.
enum JSONBody {
    private static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    /// `value` as JSON bytes (the types encoded here cannot fail to encode).
    static func encode<T: Encodable>(_ value: T) -> [UInt8] {
        (try? Array(encoder.encode(value))) ?? Array(#"{"error":{"message":"encoding failed","type":"server_error"}}"#.utf8)
    }

    /// A 200 response with `value` as its JSON body.
    static func response<T: Encodable>(_ value: T) -> HTTPResponse {
        HTTPResponse(status: 200, headers: ["Content-Type": "application/json"], body: .bytes(encode(value)))
    }
}
