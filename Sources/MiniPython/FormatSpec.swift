#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A parsed format specification, `[[fill]align][sign][0][width][,|_][.precision][type]`, as used by
/// f-string fields, `format()` and (translated) `%` formatting.
struct FormatSpec {
    var fill: Character = " "
    var align: Character?
    var sign: Character = "-"
    var zeroPad = false
    var width = 0
    var grouping: Character?
    var precision: Int?
    var type: Character?

    /// Widths and precisions above this are refused.
    static let maxField = 10_000

    init() {}

    init(parsing spec: String) throws(ProgramError) {
        let chars = Array(spec)
        var i = 0
        if chars.count >= 2, "<>=^".contains(chars[1]) {
            fill = chars[0]
            align = chars[1]
            i = 2
        } else if let first = chars.first, "<>=^".contains(first) {
            align = first
            i = 1
        }
        if i < chars.count, "+- ".contains(chars[i]) {
            sign = chars[i]
            i += 1
        }
        if i < chars.count, chars[i] == "#" {
            throw .unsupported("the '#' alternate form in format specifications")
        }
        if i < chars.count, chars[i] == "0" {
            zeroPad = true
            i += 1
        }
        width = try Self.number(chars, &i) ?? 0
        if i < chars.count, ",_".contains(chars[i]) {
            grouping = chars[i]
            i += 1
        }
        if i < chars.count, chars[i] == "." {
            i += 1
            guard let digits = try Self.number(chars, &i) else { throw .runtime("Format specifier missing precision") }
            precision = digits
        }
        if i < chars.count {
            type = chars[i]
            i += 1
        }
        guard i == chars.count else { throw .runtime("Invalid format specifier '\(spec)'") }
    }

    private static func number(_ chars: [Character], _ i: inout Int) throws(ProgramError) -> Int? {
        var value: Int?
        while i < chars.count, let digit = chars[i].wholeNumberValue, chars[i].isASCII {
            value = (value ?? 0) * 10 + digit
            if value ?? 0 > maxField { throw .runtime("format width or precision too large (limit \(maxField))") }
            i += 1
        }
        return value
    }

    /// Formats `value` per this spec, like Python's `format(value, spec)`.
    func format(_ value: Value, formatter: ValueFormatter) throws(ProgramError) -> String {
        switch value {
        case .str(let text):
            guard type == nil || type == "s" else { throw unknownType(for: value) }
            guard sign == "-", !(zeroPad && align == nil), grouping == nil else {
                throw .runtime("Sign, zero padding and grouping are not allowed in string format specifiers")
            }
            let shown = precision.map { String(text.prefix($0)) } ?? text
            return pad(shown, negative: false, defaultAlign: "<")
        case .float(let d):
            return try formatFloat(d)
        case .int, .bool:
            if case .bool(let b) = value, isEmpty { return b ? "True" : "False" }
            let i = value.integer ?? 0
            switch type {
            case nil, "d", "n":
                guard precision == nil else { throw .runtime("Precision not allowed in integer format specifier") }
                return pad(group(String(i.magnitude)), negative: i < 0, defaultAlign: ">")
            case "b", "o", "x", "X":
                let radix = type == "b" ? 2 : type == "o" ? 8 : 16
                let digits = String(i.magnitude, radix: radix, uppercase: type == "X")
                return pad(digits, negative: i < 0, defaultAlign: ">")
            case "e", "E", "f", "F", "g", "G", "%":
                return try formatFloat(Double(i))
            default:
                throw unknownType(for: value)
            }
        default:
            guard isEmpty else {
                throw .runtime("unsupported format string passed to \(value.typeName).__format__")
            }
            return try formatter.str(value)
        }
    }

    private var isEmpty: Bool {
        align == nil && sign == "-" && !zeroPad && width == 0 && grouping == nil && precision == nil && type == nil
    }

    private func unknownType(for value: Value) -> ProgramError {
        .runtime("Unknown format code '\(type.map(String.init) ?? "")' for object of type '\(value.typeName)'")
    }

    private func formatFloat(_ d: Double) throws(ProgramError) -> String {
        let magnitude = d.magnitude
        var digits: String
        switch type {
        case nil:
            if let precision {
                digits = cFormat("%.\(precision)g", magnitude)
                if magnitude.isFinite && !digits.contains(".") && !digits.contains("e") { digits += ".0" }
            } else {
                digits = pythonFloat(magnitude)
            }
        case "f", "F":
            digits = cFormat("%.\(precision ?? 6)f", magnitude)
        case "e", "E":
            digits = cFormat("%.\(precision ?? 6)e", magnitude)
        case "g", "G", "n":
            digits = cFormat("%.\(precision ?? 6)g", magnitude)
        case "%":
            digits = cFormat("%.\(precision ?? 6)f", magnitude * 100) + "%"
        default:
            throw unknownType(for: .float(d))
        }
        if type == "F" || type == "E" || type == "G" { digits = digits.uppercased() }
        return pad(group(digits), negative: d.sign == .minus && !d.isNaN, defaultAlign: ">")
    }

    /// Inserts the grouping separator into the leading run of digits.
    private func group(_ digits: String) -> String {
        guard let grouping else { return digits }
        let integerPart = digits.prefix { $0.isASCII && $0.isNumber }
        guard integerPart.count > 3 else { return digits }
        var grouped = ""
        for (index, digit) in integerPart.enumerated() {
            if index > 0 && (integerPart.count - index) % 3 == 0 { grouped.append(grouping) }
            grouped.append(digit)
        }
        return grouped + digits.dropFirst(integerPart.count)
    }

    /// Adds the sign and pads to `width` per the alignment.
    private func pad(_ body: String, negative: Bool, defaultAlign: Character) -> String {
        let signText = negative ? "-" : sign == "+" ? "+" : sign == " " ? " " : ""
        let fillCharacter: Character = zeroPad && align == nil ? "0" : fill
        let alignment = align ?? (zeroPad ? "=" : defaultAlign)
        let length = signText.count + body.count
        guard width > length else { return signText + body }
        let padding = width - length
        switch alignment {
        case "<":
            return signText + body + String(repeating: fillCharacter, count: padding)
        case "^":
            let left = padding / 2
            return String(repeating: fillCharacter, count: left) + signText + body
                + String(repeating: fillCharacter, count: padding - left)
        case "=":
            return signText + String(repeating: fillCharacter, count: padding) + body
        default:
            return String(repeating: fillCharacter, count: padding) + signText + body
        }
    }
}

/// C's `snprintf` with one double, which rounds exactly like Python's fixed and exponent formats.
func cFormat(_ format: String, _ value: Double) -> String {
    var buffer = [CChar](repeating: 0, count: FormatSpec.maxField + 400)
    let count = buffer.withUnsafeMutableBufferPointer { pointer in
        withVaList([value]) { vsnprintf(pointer.baseAddress, pointer.count, format, $0) }
    }
    let length = max(0, min(Int(count), buffer.count - 1))
    return String(decoding: buffer.prefix(length).map { UInt8(bitPattern: $0) }, as: UTF8.self)
}

/// Python's printf-style `format % values`.
func percentFormat(_ format: String, _ argument: Value, formatter: ValueFormatter) throws(ProgramError) -> String {
    let arguments: [Value]
    if case .tuple(let tuple) = argument { arguments = tuple.items } else { arguments = [argument] }
    var next = 0
    var out = ""
    let chars = Array(format)
    var i = 0
    while i < chars.count {
        let c = chars[i]
        i += 1
        guard c == "%" else {
            out.append(c)
            continue
        }
        guard i < chars.count else { throw .runtime("incomplete format") }
        if chars[i] == "%" {
            out.append("%")
            i += 1
            continue
        }
        if chars[i] == "(" { throw .unsupported("mapping keys in % formatting") }
        var spec = FormatSpec()
        while i < chars.count, "-+ 0#".contains(chars[i]) {
            switch chars[i] {
            case "-": spec.align = "<"
            case "+": spec.sign = "+"
            case " ": if spec.sign != "+" { spec.sign = " " }
            case "0": spec.zeroPad = true
            default: break
            }
            i += 1
        }
        if i < chars.count, chars[i] == "*" { throw .unsupported("'*' widths in % formatting") }
        /// The decimal number at `i` (0 when there is none), advancing past it.
        func number(_ what: String) throws(ProgramError) -> Int {
            var value = 0
            while i < chars.count, let digit = chars[i].wholeNumberValue, chars[i].isASCII {
                value = value * 10 + digit
                guard value <= FormatSpec.maxField else { throw .runtime("format \(what) too large") }
                i += 1
            }
            return value
        }
        spec.width = try number("width")
        if i < chars.count, chars[i] == "." {
            i += 1
            spec.precision = try number("precision")
        }
        while i < chars.count, "hlL".contains(chars[i]) { i += 1 }
        guard i < chars.count else { throw .runtime("incomplete format") }
        let conversion = chars[i]
        i += 1
        guard next < arguments.count else { throw .runtime("not enough arguments for format string") }
        let value = arguments[next]
        next += 1
        if spec.align == "<" { spec.zeroPad = false }
        switch conversion {
        case "s", "r", "a":
            let text = conversion == "s" ? try formatter.str(value) : try formatter.repr(value)
            spec.sign = "-"
            spec.zeroPad = false
            out += try spec.format(.str(text), formatter: formatter)
        case "d", "i", "u", "x", "X", "o":
            let integer: Int
            if case .float(let d) = value {
                integer = try Arithmetic.truncate(d)
            } else if let i = value.integer {
                integer = i
            } else {
                throw .runtime("%\(conversion) format: a real number is required, not \(value.typeName)")
            }
            spec.precision = nil
            spec.type = "diu".contains(conversion) ? "d" : conversion
            out += try spec.format(.int(integer), formatter: formatter)
        case "f", "F", "e", "E", "g", "G":
            guard let d = value.double else {
                throw .runtime("must be real number, not \(value.typeName)")
            }
            spec.type = conversion
            out += try spec.format(.float(d), formatter: formatter)
        default:
            throw .runtime("unsupported format character '\(conversion)'")
        }
        try formatter.check(out)
    }
    guard next == arguments.count else { throw .runtime("not all arguments converted during string formatting") }
    return out
}
