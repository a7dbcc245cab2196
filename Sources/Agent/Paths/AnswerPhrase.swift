import Foundation

extension AnswerExtractor {
    /// Most words an answer's phrase may have; longer sentences are reasoning, not an answer.
    static let phraseWordLimit = 24

    /// The sentence of a prose reply that states `answer` in words (`"the Amazon is longer by
    /// 150 kilometers"` for 150): the last sentence holding the answer's value that says more
    /// than the number and is not arithmetic, without markup, a leading "So," or the final period
    /// (after "The answer is", only what follows it). nil when no sentence does; `answer` is
    /// normalized (``normalize(_:)``).
    public static func phrase(in output: String, answer: String) -> String? {
        let value = numericValue(of: answer)
        for sentence in sentences(of: output).reversed() {
            var text = clean(sentence)
            if let marker = text.range(of: "the answer is", options: .caseInsensitive) {
                text = String(text[marker.upperBound...]).trimmingCharacters(in: CharacterSet(charactersIn: ": ").union(.whitespaces))
            }
            let states = if TimeOfDay(in: answer) != nil {
                TimeOfDay(in: text).map { matches($0.text, gold: answer) } ?? false   // 6:30 pm states 18:30
            } else if let value {
                NumberScanner.numbers(in: text).contains { abs($0.value - value) < 1e-6 }
            } else {
                text.lowercased().contains(answer)
            }
            guard states else { continue }
            let words = text.split { $0.isWhitespace }
            guard !text.contains("="), words.count <= phraseWordLimit, words.contains(where: { $0.contains { $0.isLetter } }),
                  text.lowercased() != answer else { continue }
            return text.first.map { $0.lowercased() + text.dropFirst() }
        }
        return nil
    }

    /// The reply's sentences: its lines, each cut at `.`, `!` or `?` followed by a space.
    private static func sentences(of output: String) -> [String] {
        output.split(whereSeparator: \.isNewline).flatMap { line -> [String] in
            var pieces: [String] = []
            var current = ""
            var previous: Character?
            for character in line {
                if character == " ", let previous, ".!?".contains(previous) {
                    pieces.append(current)
                    current = ""
                } else {
                    current.append(character)
                }
                previous = character
            }
            return pieces + [current]
        }
    }

    /// `sentence` without markdown emphasis, `\boxed{…}` and `\(…\)` markup, a leading connective
    /// and final punctuation.
    private static func clean(_ sentence: String) -> String {
        var text = sentence
        for markup in ["**", "\\boxed{", "\\(", "\\)", "\\[", "\\]", "}"] {
            text = text.replacingOccurrences(of: markup, with: "")
        }
        text = text.trimmingCharacters(in: .whitespaces)
        for connective in ["So, ", "So ", "Therefore, ", "Thus, ", "Hence, "] where text.hasPrefix(connective) {
            text.removeFirst(connective.count)
            break
        }
        while let last = text.last, ".!:".contains(last) { text.removeLast() }
        return text.trimmingCharacters(in: .whitespaces)
    }
}
