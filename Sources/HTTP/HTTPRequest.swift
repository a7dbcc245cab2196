/// A request as the server received it.
public struct HTTPRequest: Sendable {
    public var method: String
    /// The request target as sent: path and query, e.g. `/v1/models?x=1`.
    public var target: String
    /// `HTTP/1.1` or `HTTP/1.0`.
    public var version: String
    public var headers: HTTPHeaders
    public var body: [UInt8]

    public init(method: String, target: String, version: String = "HTTP/1.1", headers: HTTPHeaders = [:], body: [UInt8] = []) {
        self.method = method
        self.target = target
        self.version = version
        self.headers = headers
        self.body = body
    }

    /// The target without its query.
    public var path: String { String(target.prefix { $0 != "?" }) }

    /// Whether the client asked to keep the connection open afterwards.
    public var wantsKeepAlive: Bool {
        if version == "HTTP/1.0" { return headers.contains("Connection", token: "keep-alive") }
        return !headers.contains("Connection", token: "close")
    }
}
