/// A response being received: status and headers are read; the body is read on demand, whole
/// (`body`) or line by line (`nextLine`, for server-sent events).
public final class HTTPClientResponse {
    public let status: Int
    public let headers: HTTPHeaders
    private let reader: SocketReader
    private let host: String
    private let port: UInt16
    private enum Framing { case length(left: Int), chunked(received: Int), untilClose, done }
    private var framing: Framing
    private var pending: [UInt8] = []

    init(reader: SocketReader, method: String, host: String, port: UInt16) throws(HTTPClientError) {
        self.reader = reader
        self.host = host
        self.port = port
        var status: Int
        var headers = HTTPHeaders()
        do {
            repeat {   // skip interim 1xx responses
                guard let line = try reader.readLine(limit: 8 * 1024) else { throw HTTPClientError.connectionClosed }
                let parts = String(decoding: line, as: UTF8.self).split(separator: " ", maxSplits: 2)
                guard parts.count >= 2, parts[0].hasPrefix("HTTP/1."), parts[1].count == 3, let code = Int(parts[1]) else {
                    throw HTTPClientError.badResponse("bad status line")
                }
                status = code
                headers = HTTPHeaders()
                while true {
                    guard let field = try reader.readLine(limit: 16 * 1024) else { throw HTTPClientError.connectionClosed }
                    if field.isEmpty { break }
                    guard let colon = field.firstIndex(of: UInt8(ascii: ":")), colon > 0 else {
                        throw HTTPClientError.badResponse("bad header field")
                    }
                    headers.add(String(decoding: field[..<colon], as: UTF8.self),
                                String(decoding: field[(colon + 1)...], as: UTF8.self).trimmingSpaces)
                }
            } while status < 200
        } catch let error as HTTPClientError {
            throw error
        } catch let error as SocketError {
            throw HTTPClientError(error, host: host, port: port)
        } catch {
            throw .io("\(error)")
        }
        self.status = status
        self.headers = headers
        if method == "HEAD" || status == 204 || status == 304 {
            framing = .done
        } else if headers.contains("Transfer-Encoding", token: "chunked") {
            framing = .chunked(received: 0)
        } else if let length = headers["Content-Length"] {
            guard let count = Int(length), count >= 0 else { throw .badResponse("bad Content-Length") }
            framing = count == 0 ? .done : .length(left: count)
        } else {
            framing = .untilClose
        }
    }

    /// The rest of the body, failing past `limit` bytes.
    public func body(limit: Int = 64 << 20) throws(HTTPClientError) -> [UInt8] {
        var out = pending
        pending = []
        while let piece = try nextPiece() {
            out += piece
            guard out.count <= limit else { throw .bodyTooLarge(limit: limit) }
        }
        return out
    }

    /// The rest of the body as UTF-8 text.
    public func text(limit: Int = 64 << 20) throws(HTTPClientError) -> String {
        String(decoding: try body(limit: limit), as: UTF8.self)
    }

    /// The next line of the body without its line ending; nil at the end of the body.
    public func nextLine(limit: Int = 1 << 20) throws(HTTPClientError) -> String? {
        while true {
            if let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
                var line = Array(pending[..<newline])
                pending.removeSubrange(...newline)
                if line.last == UInt8(ascii: "\r") { line.removeLast() }
                return String(decoding: line, as: UTF8.self)
            }
            guard pending.count <= limit else { throw .bodyTooLarge(limit: limit) }
            guard let piece = try nextPiece() else {
                if pending.isEmpty { return nil }
                defer { pending = [] }
                return String(decoding: pending, as: UTF8.self)
            }
            pending += piece
        }
    }

    /// The data of the next server-sent event (its `data:` lines joined by newlines; comments and
    /// other fields skipped); nil at the end of the body.
    public func nextEventData() throws(HTTPClientError) -> String? {
        var events = ServerSentEvents()
        while let line = try nextLine() {
            if let event = events.line(line) { return event }
        }
        return events.finish()
    }

    /// Closes the connection (also done when the response is released).
    public func close() {
        reader.socket.shutdown()
        framing = .done
    }

    /// The next bytes of the body; nil at its end.
    private func nextPiece() throws(HTTPClientError) -> [UInt8]? {
        do throws(SocketError) {
            switch framing {
            case .done:
                return nil
            case let .length(left):
                let piece = try reader.readAvailable()
                guard !piece.isEmpty else { throw .closed }
                let take = Array(piece.prefix(left))
                framing = left - take.count == 0 ? .done : .length(left: left - take.count)
                return take
            case let .chunked(received):
                guard let chunk = try reader.readChunk(received: received, limit: Int.max) else {
                    framing = .done
                    return nil
                }
                framing = .chunked(received: received + chunk.count)
                return chunk
            case .untilClose:
                let piece = try reader.readAvailable()
                if piece.isEmpty { framing = .done }
                return piece.isEmpty ? nil : piece
            }
        } catch {
            framing = .done
            throw HTTPClientError(error, host: host, port: port)
        }
    }
}
