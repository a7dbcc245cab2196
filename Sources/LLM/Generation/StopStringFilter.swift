/// Holds back generated text that could still turn into a stop string, and cuts the text at the
/// first stop string that appears.
struct StopStringFilter {
    let stops: [String]
    private(set) var text = ""
    /// The stop string that cut the text, once one did.
    private(set) var matched: String?
    private var emitted = 0

    init(stops: [String]) { self.stops = stops.filter { !$0.isEmpty } }

    /// Appends `piece`; returns the text now safe to emit and whether a stop string was reached.
    mutating func append(_ piece: String) -> (text: String, stopped: Bool) {
        text += piece
        if let (cut, stop) = stops.compactMap({ stop in text.range(of: stop).map { ($0.lowerBound, stop) } }).min(by: { $0.0 < $1.0 }) {
            text = String(text[..<cut])
            matched = stop
            return (flush(upTo: text.count), true)
        }
        return (flush(upTo: text.count - longestPendingPrefix()), false)
    }

    /// Emits whatever is held back (at the end of generation).
    mutating func finish() -> String { flush(upTo: text.count) }

    private mutating func flush(upTo end: Int) -> String {
        guard end > emitted else { return "" }
        let start = text.index(text.startIndex, offsetBy: emitted)
        let stop = text.index(text.startIndex, offsetBy: end)
        emitted = end
        return String(text[start..<stop])
    }

    /// Length of the longest tail of `text` that is a proper prefix of some stop string.
    private func longestPendingPrefix() -> Int {
        var longest = 0
        for stop in stops {
            for length in stride(from: min(stop.count - 1, text.count), to: longest, by: -1)
            where text.hasSuffix(String(stop.prefix(length))) {
                longest = length
                break
            }
        }
        return longest
    }
}
