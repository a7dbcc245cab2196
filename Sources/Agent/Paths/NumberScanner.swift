/// Finds the numbers written in a piece of text.
///
/// Commas and currency signs are removed first (`1,000` is 1000, `-$3` is -3). A `-` or
/// `−` directly before digits is a sign unless it follows a letter, digit or `)` (so `5-3`
/// holds 5 and 3). `a/b` is a fraction, `.5` is 0.5, and a `.` that ends a sentence is not
/// part of the number.
enum NumberScanner {
    struct Number: Equatable {
        /// The number as written (commas and currency signs removed), e.g. `-3/4`.
        let text: String
        let value: Double
    }

    static func numbers(in text: String) -> [Number] {
        let characters = Array(text.filter { $0 != "," && !"$€£¥₹".contains($0) })
        var found: [Number] = []
        var index = 0
        while index < characters.count {
            guard let (number, end) = number(in: characters, at: index) else {
                index += 1
                continue
            }
            found.append(number)
            index = end
        }
        return found
    }

    /// The number starting at `start` and the index after it, if one starts there.
    private static func number(in characters: [Character], at start: Int) -> (Number, Int)? {
        var index = start
        var negative = false
        if isMinus(characters[index]) {
            let before = index > 0 ? characters[index - 1] : " "
            guard !(before.isLetter || isDigit(before) || before == ")") else { return nil }
            negative = true
            index += 1
        }
        guard negative || !continuesNumber(characters, at: start),
              let (numerator, afterNumerator) = decimal(in: characters, at: index) else { return nil }
        var value = numerator
        var end = afterNumerator
        if end < characters.count, characters[end] == "/",
           let (denominator, afterDenominator) = decimal(in: characters, at: end + 1), denominator != 0 {
            value /= denominator
            end = afterDenominator
        }
        let text = (negative ? "-" : "") + String(characters[index..<end])
        return (Number(text: text, value: negative ? -value : value), end)
    }

    /// An unsigned decimal `12`, `12.5` or `.5` at `start`, and the index after it.
    private static func decimal(in characters: [Character], at start: Int) -> (Double, Int)? {
        var end = start
        while end < characters.count, isDigit(characters[end]) { end += 1 }
        let integerDigits = end - start
        if end + 1 < characters.count, characters[end] == ".", isDigit(characters[end + 1]) {
            end += 1
            while end < characters.count, isDigit(characters[end]) { end += 1 }
        } else if integerDigits == 0 {
            return nil
        }
        guard let value = Double(String(characters[start..<end])) else { return nil }
        return (value, end)
    }

    /// Whether position `index` sits right after a digit or after `digit.` (as in `1.2.3`).
    private static func continuesNumber(_ characters: [Character], at index: Int) -> Bool {
        guard index > 0 else { return false }
        let before = characters[index - 1]
        return isDigit(before) || (before == "." && index > 1 && isDigit(characters[index - 2]))
    }

    private static func isDigit(_ character: Character) -> Bool { character.isASCII && character.isNumber }

    private static func isMinus(_ character: Character) -> Bool { character == "-" || character == "\u{2212}" }
}
