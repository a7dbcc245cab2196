import Foundation

/// Why an HTTP client call failed.
public enum HTTPClientError: Error, Equatable, CustomStringConvertible {
    /// Not an `http://host[:port]/path` URL (https is not supported).
    case invalidURL(String)
    case hostNotFound(String)
    case connectionRefused(host: String, port: UInt16)
    /// Connecting, or waiting for the next bytes of the response, took longer than allowed.
    case timeout
    /// The server closed the connection before the response was complete.
    case connectionClosed
    /// The response did not follow HTTP/1.x.
    case badResponse(String)
    /// The body was larger than the caller's limit.
    case bodyTooLarge(limit: Int)
    case io(String)

    public var description: String {
        switch self {
        case let .invalidURL(url): "invalid URL \(url) (only http://host[:port]/path is supported)"
        case let .hostNotFound(host): "cannot resolve host \(host)"
        case let .connectionRefused(host, port): "connection to \(host):\(port) refused"
        case .timeout: "timed out waiting for the server"
        case .connectionClosed: "the server closed the connection before the response was complete"
        case let .badResponse(why): "bad response: \(why)"
        case let .bodyTooLarge(limit): "response body over \(limit) bytes"
        case let .io(why): why
        }
    }

    init(_ error: SocketError, host: String, port: UInt16) {
        switch error {
        case let .hostNotFound(host): self = .hostNotFound(host)
        case .connectionRefused: self = .connectionRefused(host: host, port: port)
        case .timedOut: self = .timeout
        case .closed: self = .connectionClosed
        case .tooLong: self = .badResponse("line too long")
        case .badChunk: self = .badResponse("malformed chunked encoding")
        case .system: self = .io(error.description)
        }
    }
}

/// A small blocking HTTP/1.1 client: one request per connection, for talking to local
/// OpenAI-compatible servers. Calls block the calling thread.
public struct HTTPClient: Sendable {
    public var connectTimeout: Duration
    /// Longest wait for each next piece of the response (not for the whole of it).
    public var readTimeout: Duration

    public init(connectTimeout: Duration = .seconds(10), readTimeout: Duration = .seconds(300)) {
        self.connectTimeout = connectTimeout
        self.readTimeout = readTimeout
    }

    /// Sends a request and reads the response's status and headers; read the body from the result.
    public func send(_ method: String, _ url: String, headers: HTTPHeaders = [:], body: [UInt8] = []) throws(HTTPClientError) -> HTTPClientResponse {
        guard let parts = URLComponents(string: url), parts.scheme == "http", let host = parts.host, !host.isEmpty,
              let port = UInt16(exactly: parts.port ?? 80) else { throw .invalidURL(url) }
        let target = (parts.percentEncodedPath.isEmpty ? "/" : parts.percentEncodedPath)
            + (parts.percentEncodedQuery.map { "?" + $0 } ?? "")
        let socket: Socket
        do {
            socket = try Socket.connect(host: host, port: port, timeout: connectTimeout)
        } catch {
            throw HTTPClientError(error, host: host, port: port)
        }
        var head = "\(method) \(target) HTTP/1.1\r\nHost: \(host):\(port)\r\n"
        for (name, value) in headers where !["host", "content-length", "connection"].contains(name.lowercased()) {
            head += "\(name): \(value)\r\n"
        }
        if !body.isEmpty || method == "POST" || method == "PUT" { head += "Content-Length: \(body.count)\r\n" }
        head += "Connection: close\r\n\r\n"
        do {
            try socket.send(Array(head.utf8) + body, timeout: readTimeout)
        } catch .closed {
            // The server may have answered early (413 for a body it will not read) and closed.
            let early = try? HTTPClientResponse(reader: SocketReader(socket: socket, timeout: readTimeout), method: method,
                                                host: host, port: port)
            guard let early else { throw .connectionClosed }
            return early
        } catch {
            throw HTTPClientError(error, host: host, port: port)
        }
        return try HTTPClientResponse(reader: SocketReader(socket: socket, timeout: readTimeout), method: method,
                                      host: host, port: port)
    }

    /// POSTs `json` (already encoded) with `Content-Type: application/json`.
    public func postJSON(_ url: String, _ json: [UInt8], headers: HTTPHeaders = [:]) throws(HTTPClientError) -> HTTPClientResponse {
        var all = headers
        all.set("Content-Type", "application/json")
        return try send("POST", url, headers: all, body: json)
    }
}
