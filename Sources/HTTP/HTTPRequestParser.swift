/// Limits on what a client may send.
public struct HTTPLimits: Sendable {
    /// Request line plus header fields.
    public var maxHeaderBytes: Int
    public var maxHeaderCount: Int
    public var maxBodyBytes: Int

    public init(maxHeaderBytes: Int = 16 * 1024, maxHeaderCount: Int = 100, maxBodyBytes: Int = 1 << 20) {
        self.maxHeaderBytes = maxHeaderBytes
        self.maxHeaderCount = maxHeaderCount
        self.maxBodyBytes = maxBodyBytes
    }
}

/// Why a request could not be read.
enum HTTPRequestError: Error, Equatable {
    case malformed(String)
    case headersTooLarge
    case bodyTooLarge
    case unsupported(String)
    case versionNotSupported
    /// The connection failed or timed out: nothing more can be sent.
    case socket(SocketError)

    /// The status to answer with, or nil when the connection is only closed.
    var status: Int? {
        switch self {
        case .malformed: 400
        case .headersTooLarge: 431
        case .bodyTooLarge: 413
        case .unsupported: 501
        case .versionNotSupported: 505
        case .socket(.timedOut): 408
        case .socket: nil
        }
    }

    var message: String {
        switch self {
        case let .malformed(why): "malformed request: \(why)"
        case .headersTooLarge: "request header section too large"
        case .bodyTooLarge: "request body too large"
        case let .unsupported(what): "not supported: \(what)"
        case .versionNotSupported: "only HTTP/1.0 and HTTP/1.1 are supported"
        case let .socket(error): error.description
        }
    }
}

/// A request's line and headers, before its body is read.
struct HTTPRequestHead {
    enum Framing: Equatable { case none, length(Int), chunked }

    var request: HTTPRequest
    var framing: Framing
    /// The client sent `Expect: 100-continue` and waits before sending the body.
    var expectsContinue: Bool { request.headers.contains("Expect", token: "100-continue") }
}

/// Reads HTTP/1.x requests from a connection, checking syntax and limits.
enum HTTPRequestParser {
    /// The next request's head; nil when the client closed the connection between requests.
    static func readHead(_ reader: SocketReader, limits: HTTPLimits) throws(HTTPRequestError) -> HTTPRequestHead? {
        var used = 0
        var line: [UInt8]
        repeat {   // a client may send empty lines before a request
            do {
                guard let next = try readLine(reader, budget: limits.maxHeaderBytes - used) else { return nil }
                line = next
            } catch .socket(.timedOut) where used == 0 && !reader.hasBufferedBytes {
                return nil   // an idle keep-alive connection: close it without a word
            }
            used += line.count + 2
        } while line.isEmpty
        var request = try requestLine(line)
        while true {
            guard let field = try readLine(reader, budget: limits.maxHeaderBytes - used) else {
                throw .socket(.closed)
            }
            used += field.count + 2
            if field.isEmpty { break }
            guard request.headers.fields.count < limits.maxHeaderCount else { throw .headersTooLarge }
            let (name, value) = try headerField(field)
            request.headers.add(name, value)
        }
        return HTTPRequestHead(request: request, framing: try framing(request.headers, limits: limits))
    }

    /// The body announced by `head`.
    static func readBody(_ head: HTTPRequestHead, from reader: SocketReader, limits: HTTPLimits) throws(HTTPRequestError) -> [UInt8] {
        do {
            switch head.framing {
            case .none:
                return []
            case let .length(count):
                return try reader.read(count: count)
            case .chunked:
                var body: [UInt8] = []
                while let chunk = try reader.readChunk(received: body.count, limit: limits.maxBodyBytes) { body += chunk }
                return body
            }
        } catch .tooLong {
            throw .bodyTooLarge
        } catch .badChunk {
            throw .malformed("bad chunked encoding")
        } catch {
            throw .socket(error)
        }
    }

    private static func readLine(_ reader: SocketReader, budget: Int) throws(HTTPRequestError) -> [UInt8]? {
        do {
            return try reader.readLine(limit: max(budget - 2, 0))
        } catch .tooLong {
            throw .headersTooLarge
        } catch {
            throw .socket(error)
        }
    }

    private static func requestLine(_ line: [UInt8]) throws(HTTPRequestError) -> HTTPRequest {
        let parts = line.split(separator: UInt8(ascii: " "), omittingEmptySubsequences: false)
        guard parts.count == 3 else { throw .malformed("request line is not METHOD TARGET VERSION") }
        let method = String(decoding: parts[0], as: UTF8.self)
        guard !method.isEmpty, parts[0].allSatisfy(isTokenByte) else { throw .malformed("bad method") }
        guard let first = parts[1].first, first == UInt8(ascii: "/") || first == UInt8(ascii: "*") || first == UInt8(ascii: "h"),
              parts[1].allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else { throw .malformed("bad request target") }
        let version = String(decoding: parts[2], as: UTF8.self)
        guard version.hasPrefix("HTTP/") else { throw .malformed("bad HTTP version") }
        guard version == "HTTP/1.1" || version == "HTTP/1.0" else { throw .versionNotSupported }
        return HTTPRequest(method: method, target: String(decoding: parts[1], as: UTF8.self), version: version)
    }

    private static func headerField(_ line: [UInt8]) throws(HTTPRequestError) -> (String, String) {
        guard let colon = line.firstIndex(of: UInt8(ascii: ":")), colon > 0,
              line[..<colon].allSatisfy(isTokenByte) else { throw .malformed("bad header field") }
        guard !line[(colon + 1)...].contains(where: { $0 < 0x20 && $0 != 0x09 || $0 == 0x7F }) else {
            throw .malformed("control character in header value")
        }
        return (String(decoding: line[..<colon], as: UTF8.self), String(decoding: line[(colon + 1)...], as: UTF8.self).trimmingSpaces)
    }

    private static func framing(_ headers: HTTPHeaders, limits: HTTPLimits) throws(HTTPRequestError) -> HTTPRequestHead.Framing {
        let lengths = headers.values("Content-Length")
        if !headers.values("Transfer-Encoding").isEmpty {
            guard lengths.isEmpty else { throw .malformed("both Content-Length and Transfer-Encoding") }
            let codings = headers.values("Transfer-Encoding").flatMap { $0.split(separator: ",") }.map { $0.trimmingSpaces.lowercased() }
            guard codings == ["chunked"] else { throw .unsupported("transfer coding \(codings.joined(separator: ", "))") }
            return .chunked
        }
        guard let text = lengths.first else { return .none }
        guard lengths.allSatisfy({ $0 == text }), !text.isEmpty, text.count <= 18, text.allSatisfy(\.isASCIIDigit),
              let count = Int(text) else { throw .malformed("bad Content-Length") }
        guard count <= limits.maxBodyBytes else { throw .bodyTooLarge }
        return count == 0 ? .none : .length(count)
    }

    /// Whether `byte` may appear in a method or header name (RFC 9110 `tchar`).
    private static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            true
        default:
            Array("!#$%&'*+-.^_`|~".utf8).contains(byte)
        }
    }
}

extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
}
