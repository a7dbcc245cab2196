/// Buffered reading from a socket: lines, exact byte counts and chunked bodies, each read
/// waiting at most `timeout` for data.
final class SocketReader {
    let socket: Socket
    var timeout: Duration
    private var buffer: [UInt8]
    private var start = 0
    private var end = 0

    init(socket: Socket, timeout: Duration, bufferSize: Int = 16 * 1024) {
        self.socket = socket
        self.timeout = timeout
        buffer = [UInt8](repeating: 0, count: bufferSize)
    }

    /// Whether bytes are already buffered (a pipelined request, say).
    var hasBufferedBytes: Bool { start < end }

    /// Reads more bytes into the (fully consumed) buffer; false when the peer closed.
    private func fill() throws(SocketError) -> Bool {
        start = 0
        end = try socket.receive(into: &buffer, timeout: timeout)
        return end > 0
    }

    /// The next line without its CRLF (or bare LF); nil when the peer closed before any byte of
    /// it. Throws `tooLong` past `limit` bytes.
    func readLine(limit: Int) throws(SocketError) -> [UInt8]? {
        var line: [UInt8] = []
        while true {
            if let newline = buffer[start..<end].firstIndex(of: UInt8(ascii: "\n")) {
                line += buffer[start..<newline]
                start = newline + 1
                if line.last == UInt8(ascii: "\r") { line.removeLast() }
                guard line.count <= limit else { throw .tooLong }
                return line
            }
            line += buffer[start..<end]
            start = end
            guard line.count <= limit else { throw .tooLong }
            guard try fill() else {
                if line.isEmpty { return nil }
                throw .closed
            }
        }
    }

    /// Exactly `count` bytes.
    func read(count: Int) throws(SocketError) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(count)
        while out.count < count {
            if start == end, try !fill() { throw .closed }
            let take = min(count - out.count, end - start)
            out += buffer[start..<(start + take)]
            start += take
        }
        return out
    }

    /// Whatever is buffered or arrives next; empty when the peer closed.
    func readAvailable() throws(SocketError) -> [UInt8] {
        if start == end, try !fill() { return [] }
        defer { start = end }
        return Array(buffer[start..<end])
    }

    /// The next chunk of a chunked body; nil after the last (empty) chunk and its trailers.
    /// Throws `tooLong` when the body would pass `limit` bytes in all (`received` so far).
    func readChunk(received: Int, limit: Int) throws(SocketError) -> [UInt8]? {
        guard let sizeLine = try readLine(limit: 1024) else { throw .closed }
        let digits = sizeLine.prefix { $0 != UInt8(ascii: ";") && $0 != UInt8(ascii: " ") }
        guard !digits.isEmpty, digits.count <= 15, let size = Int(String(decoding: digits, as: UTF8.self), radix: 16) else {
            throw .badChunk
        }
        if size == 0 {
            while let trailer = try readLine(limit: 8 * 1024), !trailer.isEmpty {}
            return nil
        }
        guard received + size <= limit else { throw .tooLong }
        let data = try read(count: size)
        guard let crlf = try readLine(limit: 2) else { throw .closed }
        guard crlf.isEmpty else { throw .badChunk }
        return data
    }
}
