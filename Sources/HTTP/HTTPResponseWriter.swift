/// Writes responses on a server connection, and tells handlers whether the client is still there.
final class HTTPResponseWriter: HTTPClientState {
    let socket: Socket
    let timeout: Duration

    init(socket: Socket, timeout: Duration) {
        self.socket = socket
        self.timeout = timeout
    }

    var clientGone: Bool { socket.peerClosed }

    /// Tells a client that sent `Expect: 100-continue` to go on with its body.
    func sendContinue() throws(SocketError) {
        try socket.send(Array("HTTP/1.1 100 Continue\r\n\r\n".utf8), timeout: timeout)
    }

    /// Sends `response` to `request`; returns whether the connection may serve another request.
    func send(_ response: HTTPResponse, to request: HTTPRequest, keepAlive: Bool) throws(SocketError) -> Bool {
        let withBody = request.method != "HEAD"
        switch response.body {
        case let .bytes(body):
            try socket.send(Self.head(response, framing: .length(body.count), keepAlive: keepAlive) + (withBody ? body : []),
                            timeout: timeout)
            return keepAlive
        case let .stream(produce):
            // HTTP/1.0 clients know no chunked encoding: their stream ends when the connection does.
            let chunked = request.version != "HTTP/1.0"
            let keepAlive = keepAlive && chunked
            try socket.send(Self.head(response, framing: chunked ? .chunked : .untilClose, keepAlive: keepAlive), timeout: timeout)
            guard withBody else { return keepAlive }
            produce(StreamWriter(socket: socket, chunked: chunked, timeout: timeout))
            if chunked { try socket.send(Array("0\r\n\r\n".utf8), timeout: timeout) }
            return keepAlive
        }
    }

    enum Framing { case length(Int), chunked, untilClose }

    /// The status line and header section of `response`.
    static func head(_ response: HTTPResponse, framing: Framing, keepAlive: Bool) -> [UInt8] {
        var text = "HTTP/1.1 \(response.status) \(HTTPResponse.reason(response.status))\r\n"
        for (name, value) in response.headers {
            let lower = name.lowercased()
            if lower == "content-length" || lower == "transfer-encoding" || lower == "connection" { continue }
            text += "\(name): \(value)\r\n"
        }
        switch framing {
        case let .length(count): text += "Content-Length: \(count)\r\n"
        case .chunked: text += "Transfer-Encoding: chunked\r\n"
        case .untilClose: break
        }
        text += keepAlive ? "Connection: keep-alive\r\n\r\n" : "Connection: close\r\n\r\n"
        return Array(text.utf8)
    }
}

/// The body writer of a streamed response: each write is sent at once (as one chunk when chunked).
struct StreamWriter: HTTPBodyWriter {
    let socket: Socket
    let chunked: Bool
    let timeout: Duration

    func write(_ bytes: [UInt8]) throws(SocketError) {
        guard !bytes.isEmpty else { return }   // an empty chunk would end the body
        if chunked {
            try socket.send(Array((String(bytes.count, radix: 16) + "\r\n").utf8) + bytes + [13, 10], timeout: timeout)
        } else {
            try socket.send(bytes, timeout: timeout)
        }
    }

    var clientGone: Bool { socket.peerClosed }
}
