/// Python's `str()` and `repr()` of values, refusing to build text longer than `limit` UTF-8 bytes.
struct ValueFormatter {
    let limit: Int

    func str(_ value: Value) throws(ProgramError) -> String {
        if case .str(let text) = value { return text }
        return try repr(value)
    }

    func repr(_ value: Value) throws(ProgramError) -> String {
        var text = ""
        try write(value, into: &text)
        return text
    }

    private func write(_ value: Value, into text: inout String) throws(ProgramError) {
        switch value {
        case .int(let i):
            text += String(i)
        case .float(let d):
            text += pythonFloat(d)
        case .bool(let b):
            text += b ? "True" : "False"
        case .str(let s):
            text += quoted(s)
        case .none:
            text += "None"
        case .list(let box):
            text += "["
            try writeItems(box.items, into: &text)
            text += "]"
        case .tuple(let tuple):
            text += "("
            try writeItems(tuple.items, into: &text)
            text += tuple.items.count == 1 ? ",)" : ")"
        case .range(let r):
            text += r.step == 1 ? "range(\(r.start), \(r.stop))" : "range(\(r.start), \(r.stop), \(r.step))"
        case .function(let function):
            text += "<function \(function.definition.name)>"
        case .builtin(let builtin):
            text += "<built-in function \(builtin.name)>"
        case .module:
            text += "<module 'math' (built-in)>"
        }
        try check(text)
    }

    private func writeItems(_ items: [Value], into text: inout String) throws(ProgramError) {
        for (index, item) in items.enumerated() {
            if index > 0 { text += ", " }
            try write(item, into: &text)
        }
    }

    /// Throws `memoryLimit` when `text` is longer than the limit.
    func check(_ text: String) throws(ProgramError) {
        if text.utf8.count > limit {
            throw .memory("a string would be longer than \(limit) characters")
        }
    }
}

/// Python's `repr` of a float: shortest round-trip digits, exponent form below 1e-4 and from 1e16.
func pythonFloat(_ d: Double) -> String {
    if d.isNaN { return "nan" }
    if d.isInfinite { return d < 0 ? "-inf" : "inf" }
    let sign = d.sign == .minus ? "-" : ""
    if d == 0 { return sign + "0.0" }
    let (digits, point) = shortestDigits(d.magnitude)
    if point <= -4 || point > 16 {
        let exponent = point - 1
        let mantissa = digits.count > 1 ? "\(digits.prefix(1)).\(digits.dropFirst())" : digits
        let magnitude = exponent.magnitude < 10 ? "0\(exponent.magnitude)" : "\(exponent.magnitude)"
        return "\(sign)\(mantissa)e\(exponent < 0 ? "-" : "+")\(magnitude)"
    }
    if point <= 0 {
        return sign + "0." + String(repeating: "0", count: -point) + digits
    }
    if point >= digits.count {
        return sign + digits + String(repeating: "0", count: point - digits.count) + ".0"
    }
    return "\(sign)\(digits.prefix(point)).\(digits.dropFirst(point))"
}

/// The shortest decimal digits that round-trip to `d` (positive, finite), and the position of the
/// decimal point: `d == 0.<digits> × 10^point`.
private func shortestDigits(_ d: Double) -> (digits: String, point: Int) {
    let text = d.description
    let parts = text.split(separator: "e", maxSplits: 1)
    let mantissa = parts[0]
    let exponent = parts.count > 1 ? Int(parts[1]) ?? 0 : 0
    var digits = mantissa.filter { $0 != "." }
    let integerDigits = mantissa.firstIndex(of: ".").map { mantissa.distance(from: mantissa.startIndex, to: $0) }
    var point = (integerDigits ?? mantissa.count) + exponent
    while digits.first == "0" {
        digits.removeFirst()
        point -= 1
    }
    while digits.last == "0" { digits.removeLast() }
    return (digits, point)
}

/// Python's `repr` of a string: single quotes unless the text has one and no double quote.
func quoted(_ s: String) -> String {
    let quote: Unicode.Scalar = s.contains("'") && !s.contains("\"") ? "\"" : "'"
    var out = String.UnicodeScalarView()
    out.append(quote)
    for scalar in s.unicodeScalars {
        switch scalar {
        case "\\": out.append(contentsOf: "\\\\".unicodeScalars)
        case "\n": out.append(contentsOf: "\\n".unicodeScalars)
        case "\r": out.append(contentsOf: "\\r".unicodeScalars)
        case "\t": out.append(contentsOf: "\\t".unicodeScalars)
        case quote:
            out.append("\\")
            out.append(quote)
        default:
            if scalar.value < 0x20 || scalar.value == 0x7F {
                let hex = String(scalar.value, radix: 16)
                out.append(contentsOf: "\\x\(hex.count < 2 ? "0" + hex : hex)".unicodeScalars)
            } else {
                out.append(scalar)
            }
        }
    }
    out.append(quote)
    return String(out)
}

/// `text` without leading and trailing whitespace.
func trimmed<S: StringProtocol>(_ text: S) -> String {
    guard let first = text.firstIndex(where: { !$0.isWhitespace }),
          let last = text.lastIndex(where: { !$0.isWhitespace }) else { return "" }
    return String(text[first...last])
}
