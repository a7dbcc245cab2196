/// Notices a model caught in a loop: a line written `limit` times, compared without its leading
/// list number (`3.`, `3)`) and surrounding whitespace. Blank lines do not count.
public struct LineRepeatGuard {
    let limit: Int
    private var line = ""
    private var counts: [String: Int] = [:]

    /// `limit` ≤ 0 never trips.
    init(limit: Int) { self.limit = limit }

    /// Appends generated text; true once a completed line has been written `limit` times.
    mutating func append(_ piece: String) -> Bool {
        guard limit > 0 else { return false }
        var tripped = false
        for character in piece {
            guard character.isNewline else {
                line.append(character)
                continue
            }
            let key = Self.key(line)
            line = ""
            guard !key.isEmpty else { continue }
            counts[key, default: 0] += 1
            if counts[key]! >= limit { tripped = true }
        }
        return tripped
    }

    /// `line` without surrounding whitespace and a leading `<digits>.` or `<digits>)`.
    public static func key(_ line: String) -> String {
        var rest = line.drop { $0.isWhitespace }
        let digits = rest.prefix { $0.isASCII && $0.isNumber }
        if !digits.isEmpty, let delimiter = rest.dropFirst(digits.count).first, delimiter == "." || delimiter == ")" {
            rest = rest.dropFirst(digits.count + 1).drop { $0.isWhitespace }
        }
        return String(rest.reversed().drop { $0.isWhitespace }.reversed())
    }
}
