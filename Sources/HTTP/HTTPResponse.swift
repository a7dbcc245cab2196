/// A response for the server to send: its body is bytes, or a stream written as it is produced.
public struct HTTPResponse: Sendable {
    public enum Body: Sendable {
        /// A body of known length (sent with Content-Length).
        case bytes([UInt8])
        /// A body produced over time (sent chunked, or until close for HTTP/1.0 clients). The
        /// writer fails once the client has gone; the closure should then stop.
        case stream(@Sendable (HTTPBodyWriter) -> Void)
    }

    public var status: Int
    public var headers: HTTPHeaders
    public var body: Body

    public init(status: Int, headers: HTTPHeaders = [:], body: Body = .bytes([])) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// A response with a UTF-8 text body of the given content type.
    public init(status: Int, contentType: String, text: String) {
        self.init(status: status, headers: ["Content-Type": contentType], body: .bytes(Array(text.utf8)))
    }

    /// The standard reason phrase of `status`.
    public static func reason(_ status: Int) -> String {
        switch status {
        case 100: "Continue"
        case 200: "OK"
        case 204: "No Content"
        case 400: "Bad Request"
        case 404: "Not Found"
        case 405: "Method Not Allowed"
        case 408: "Request Timeout"
        case 413: "Content Too Large"
        case 429: "Too Many Requests"
        case 431: "Request Header Fields Too Large"
        case 500: "Internal Server Error"
        case 501: "Not Implemented"
        case 503: "Service Unavailable"
        case 505: "HTTP Version Not Supported"
        default: "Status \(status)"
        }
    }
}

/// Writes a streamed response body to the client.
public protocol HTTPBodyWriter: Sendable {
    /// Sends `bytes` now; throws when the client has gone or stopped reading.
    func write(_ bytes: [UInt8]) throws(SocketError)
    /// Whether the client has closed the connection.
    var clientGone: Bool { get }
}

/// The client side of an exchange, for handlers that wait: lets them notice a client that has
/// hung up and stop work on its behalf.
public protocol HTTPClientState: Sendable {
    /// Whether the client has closed the connection.
    var clientGone: Bool { get }
}

/// What answers requests: called on the connection's own thread, so it may block.
public typealias HTTPHandler = @Sendable (HTTPRequest, any HTTPClientState) -> HTTPResponse
