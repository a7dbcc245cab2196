/// Splits a server-sent event stream into events' data: each event's `data:` lines joined by
/// newlines; comments and other fields are skipped. Fed bytes or lines as they arrive.
public struct ServerSentEvents: Sendable {
    private var pending: [UInt8] = []
    private var data: [String] = []

    public init() {}

    /// The events that `bytes` completes.
    public mutating func feed(_ bytes: [UInt8]) -> [String] {
        pending += bytes
        var events: [String] = []
        var start = pending.startIndex
        while let newline = pending[start...].firstIndex(of: UInt8(ascii: "\n")) {
            var end = newline
            if end > start, pending[end - 1] == UInt8(ascii: "\r") { end -= 1 }
            if let event = line(String(decoding: pending[start..<end], as: UTF8.self)) { events.append(event) }
            start = newline + 1
        }
        pending.removeSubrange(..<start)
        return events
    }

    /// The bytes of a line not yet ended.
    public var unfinishedLineCount: Int { pending.count }

    /// Takes one line (without its line ending); returns the event a blank line completes.
    public mutating func line(_ line: String) -> String? {
        if line.isEmpty {
            defer { data = [] }
            return data.isEmpty ? nil : data.joined(separator: "\n")
        }
        if line.hasPrefix("data:") {
            let value = line.dropFirst(5)
            data.append(String(value.first == " " ? value.dropFirst() : value))
        }
        return nil
    }

    /// The event left when the stream ends without a blank line after it.
    public mutating func finish() -> String? {
        if !pending.isEmpty {
            let last = String(decoding: pending, as: UTF8.self)
            pending = []
            if let event = line(last) { return event }
        }
        return line("")
    }
}
