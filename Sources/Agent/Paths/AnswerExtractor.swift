import Foundation

/// Finds the final answer in model output and compares answers as numbers.
///
/// Matching follows shared/data/README.md: remove `,` and currency signs, take the last
/// number of the final answer text, and count it correct within 1e-6 of the gold value.
public enum AnswerExtractor {
    /// The final answer in `output`: the text after the last "The answer is" (to the end of
    /// its sentence), else the content of the last `\boxed{…}`, else the last number in the
    /// output; nil when there is none of these.
    public static func extract(from output: String) -> String? {
        if let text = textAfterLastMarker(in: output) { return text }
        if let boxed = lastBoxed(in: output) { return boxed }
        return NumberScanner.numbers(in: output).last?.text
    }

    /// The answer as canonical text: its number without separators, currency, units or
    /// needless decimals (`"$1,234.50 dollars"` → `"1234.5"`, `"3/4"` → `"0.75"`), or, when it
    /// holds no number, the trimmed lowercased text without a final period. A time of day stays
    /// one (`"at 13:00."` → `"13:00"`, `"6:30 PM"` → `"6:30 pm"`).
    public static func normalize(_ answer: String) -> String {
        if let time = TimeOfDay(in: answer) { return time.text }
        if let value = numericValue(of: answer) { return format(value) }
        var text = answer.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
        if text.hasSuffix(".") { text.removeLast() }
        return text
    }

    /// The last number in `answer` (fractions `a/b` divided out, `%` ignored), or nil.
    public static func numericValue(of answer: String) -> Double? {
        NumberScanner.numbers(in: answer).last?.value
    }

    /// Whether the extracted answer of `output` equals `gold`: numerically within
    /// `tolerance` when both hold numbers, else as normalized text.
    public static func matches(output: String, gold: String, tolerance: Double = 1e-6) -> Bool {
        guard let predicted = extract(from: output) else { return false }
        return matches(predicted, gold: gold, tolerance: tolerance)
    }

    /// Whether answer text `predicted` equals `gold` (see ``matches(output:gold:tolerance:)``).
    public static func matches(_ predicted: String, gold: String, tolerance: Double = 1e-6) -> Bool {
        if let p = TimeOfDay(in: predicted), let g = TimeOfDay(in: gold) { return p.secondsSinceMidnight == g.secondsSinceMidnight }
        return switch (numericValue(of: predicted), numericValue(of: gold)) {
        case let (p?, g?): abs(p - g) <= tolerance
        case (nil, nil): normalize(predicted) == normalize(gold) && !normalize(gold).isEmpty
        default: false
        }
    }

    /// Whole numbers print without a decimal point; others in Swift's shortest form.
    static func format(_ value: Double) -> String {
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return String(value)
    }

    private static func textAfterLastMarker(in output: String) -> String? {
        guard let marker = output.range(of: "the answer is", options: [.caseInsensitive, .backwards]) else {
            return nil
        }
        var rest = output[marker.upperBound...].drop { $0 == ":" || $0.isWhitespace }
        if let end = sentenceEnd(in: rest) { rest = rest[..<end] }
        let text = rest.trimmingCharacters(in: .whitespacesAndNewlines)
        return text.isEmpty ? nil : text
    }

    /// The first line break, or the first `.` not inside a number (`3.5` continues).
    private static func sentenceEnd(in text: Substring) -> Substring.Index? {
        var previous: Character?
        for index in text.indices {
            let character = text[index]
            if character.isNewline { return index }
            if character == "." {
                let next = text.index(after: index)
                let inNumber = previous?.isNumber == true && next < text.endIndex && text[next].isNumber
                if !inNumber { return index }
            }
            previous = character
        }
        return nil
    }

    private static func lastBoxed(in output: String) -> String? {
        guard let start = output.range(of: "\\boxed{", options: .backwards) else { return nil }
        var depth = 1
        var index = start.upperBound
        while index < output.endIndex {
            switch output[index] {
            case "{": depth += 1
            case "}":
                depth -= 1
                if depth == 0 { return String(output[start.upperBound..<index]) }
            default: break
            }
            index = output.index(after: index)
        }
        return nil
    }
}
