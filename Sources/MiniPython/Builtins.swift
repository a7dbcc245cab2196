/// A built-in function value: a global builtin or a `math` function.
enum Builtin: Equatable {
    case core(CoreFunction)
    case math(MathFunction)

    var name: String {
        switch self {
        case .core(let function): function.rawValue
        case .math(let function): function.rawValue
        }
    }
}

/// The supported global builtins.
enum CoreFunction: String, CaseIterable {
    case print, round, int, float, str, abs, min, max, sum, len, range, list, tuple, bool, divmod, pow
    case sorted, reversed, enumerate, zip, any, all, format

    /// Keyword arguments the function accepts.
    var keywords: Set<String> {
        switch self {
        case .print: ["sep", "end", "flush"]
        case .round: ["ndigits"]
        case .sum, .enumerate: ["start"]
        case .sorted: ["reverse"]
        case .min, .max: ["default"]
        default: []
        }
    }
}

let coreFunctions: [String: CoreFunction] = Dictionary(uniqueKeysWithValues: CoreFunction.allCases.map { ($0.rawValue, $0) })

/// Python builtins that exist but are outside the subset: naming one is an `unsupported` error.
let unavailableBuiltins: Set<String> = [
    "open", "input", "eval", "exec", "compile", "__import__", "getattr", "setattr", "delattr", "hasattr", "globals",
    "locals", "vars", "dir", "exit", "quit", "help", "breakpoint", "memoryview", "type", "object", "super",
    "property", "staticmethod", "classmethod", "iter", "next", "map", "filter", "dict", "set", "frozenset",
    "isinstance", "issubclass", "id", "hash", "callable", "chr", "ord", "hex", "oct", "bin", "repr", "ascii",
    "bytes", "bytearray", "complex", "slice", "__builtins__", "__build_class__",
]

/// The arguments of one builtin call.
struct Arguments {
    let function: String
    let positional: [Value]
    let keywords: [(String, Value)]

    var count: Int { positional.count }

    subscript(index: Int) -> Value { positional[index] }

    func expect(count expected: Int) throws(ProgramError) {
        try expect(count: expected...expected)
    }

    func expect(count range: ClosedRange<Int>) throws(ProgramError) {
        guard range.contains(count) else {
            let wanted = range.count == 1 ? "\(range.lowerBound)" : "\(range.lowerBound) to \(range.upperBound)"
            throw .runtime("\(function)() takes \(wanted) positional arguments but \(count) were given")
        }
    }

    func keyword(_ name: String) -> Value? {
        keywords.first { $0.0 == name }?.1
    }

    /// The argument as a float, accepting ints and bools.
    func real(_ index: Int) throws(ProgramError) -> Double {
        try positional[index].realNumber()
    }

    /// The argument as an int, accepting bools.
    func integer(_ index: Int) throws(ProgramError) -> Int {
        try positional[index].integerNumber()
    }
}

extension Value {
    func realNumber() throws(ProgramError) -> Double {
        guard let d = double else { throw .runtime("must be real number, not \(typeName)") }
        return d
    }

    func integerNumber() throws(ProgramError) -> Int {
        guard let i = integer else { throw .runtime("'\(typeName)' object cannot be interpreted as an integer") }
        return i
    }
}

extension Interpreter {
    func callBuiltin(_ builtin: Builtin, _ positional: [Value], _ keywords: [(String, Value)]) throws(ProgramError) -> Value {
        let args = Arguments(function: builtin.name, positional: positional, keywords: keywords)
        let allowed: Set<String>
        switch builtin {
        case .core(let function): allowed = function.keywords
        case .math(let function): allowed = function == .isclose ? ["rel_tol", "abs_tol"] : []
        }
        for (name, _) in keywords where !allowed.contains(name) {
            if ["key", "file", "base", "mod"].contains(name) {
                throw .unsupported("the `\(name)=` argument of \(builtin.name)()")
            }
            throw .runtime("'\(name)' is an invalid keyword argument for \(builtin.name)()")
        }
        switch builtin {
        case .core(let function): return try callCore(function, args)
        case .math(let function): return try callMath(function, args)
        }
    }

    private func callCore(_ function: CoreFunction, _ args: Arguments) throws(ProgramError) -> Value {
        switch function {
        case .print:
            let separator = try optionalString(args.keyword("sep"), default: " ", name: "sep")
            let end = try optionalString(args.keyword("end"), default: "\n", name: "end")
            var text = ""
            for (index, value) in args.positional.enumerated() {
                if index > 0 { text += separator }
                text += try formatter.str(value)
                try formatter.check(text)
            }
            try output.write(text + end)
            return .none
        case .round:
            try args.expect(count: 1...2)
            let digits = args.count == 2 ? args[1] : args.keyword("ndigits") ?? .none
            return try round(args[0], digits: digits)
        case .int:
            try args.expect(count: 0...1)
            guard args.count == 1 else { return .int(0) }
            return try toInt(args[0])
        case .float:
            try args.expect(count: 0...1)
            guard args.count == 1 else { return .float(0) }
            return try toFloat(args[0])
        case .str:
            try args.expect(count: 0...1)
            guard args.count == 1 else { return .str("") }
            return try makeString(try formatter.str(args[0]))
        case .bool:
            try args.expect(count: 0...1)
            return .bool(args.count == 1 && args[0].isTruthy)
        case .abs:
            try args.expect(count: 1)
            if case .float(let d) = args[0] { return .float(d.magnitude) }
            let i = try args.integer(0)
            guard i != .min else { throw .tooLarge() }
            return .int(Swift.abs(i))
        case .min, .max:
            return try extreme(args, largest: function == .max)
        case .sum:
            try args.expect(count: 1...2)
            var total = args.count == 2 ? args[1] : args.keyword("start") ?? .int(0)
            if case .str = total { throw .runtime("sum() can't sum strings [use ''.join(seq) instead]") }
            try scan(args[0]) { item throws(ProgramError) in
                total = try binary(.add, total, item)
                return true
            }
            return total
        case .len:
            try args.expect(count: 1)
            switch args[0] {
            case .str(let s):
                try charge(s.utf8.count)
                return .int(s.unicodeScalars.count)
            case .list(let box): return .int(box.items.count)
            case .tuple(let tuple): return .int(tuple.items.count)
            case .range(let r): return .int(r.count)
            default: throw .runtime("object of type '\(args[0].typeName)' has no len()")
            }
        case .range:
            try args.expect(count: 1...3)
            var bounds: [Int] = []
            for index in 0..<args.count { bounds.append(try args.integer(index)) }
            switch bounds.count {
            case 1: return .range(try IntRange(start: 0, stop: bounds[0], step: 1))
            case 2: return .range(try IntRange(start: bounds[0], stop: bounds[1], step: 1))
            default: return .range(try IntRange(start: bounds[0], stop: bounds[1], step: bounds[2]))
            }
        case .list, .tuple:
            try args.expect(count: 0...1)
            let items = args.count == 1 ? try elements(of: args[0]) : []
            return function == .list ? try makeList(items) : try makeTuple(items)
        case .divmod:
            try args.expect(count: 2)
            let quotient = try Arithmetic.binary(.floorDivide, args[0], args[1])
            let remainder = try Arithmetic.binary(.modulo, args[0], args[1])
            return try makeTuple([quotient, remainder])
        case .pow:
            guard args.count != 3 else { throw .unsupported("pow() with a modulus") }
            try args.expect(count: 2)
            return try Arithmetic.binary(.power, args[0], args[1])
        case .sorted:
            try args.expect(count: 1)
            var items = try elements(of: args[0])
            items = try mergeSorted(items)
            if args.keyword("reverse")?.isTruthy ?? false { items.reverse() }
            return try makeList(items)
        case .reversed:
            try args.expect(count: 1)
            return try makeList(try elements(of: args[0]).reversed())
        case .enumerate:
            try args.expect(count: 1...2)
            var index = try (args.count == 2 ? args[1] : args.keyword("start") ?? .int(0)).integerNumber()
            var pairs: [Value] = []
            for item in try elements(of: args[0]) {
                pairs.append(try makeTuple([.int(index), item]))
                index = try Arithmetic.integer(.add, index, 1).integer ?? 0
            }
            return try makeList(pairs)
        case .zip:
            var columns: [[Value]] = []
            for index in 0..<args.count { columns.append(try elements(of: args[index])) }
            let length = columns.map(\.count).min() ?? 0
            var rows: [Value] = []
            for row in 0..<length { rows.append(try makeTuple(columns.map { $0[row] })) }
            return try makeList(rows)
        case .any, .all:
            try args.expect(count: 1)
            let wanted = function == .any
            var found = false
            try scan(args[0]) { item throws(ProgramError) in
                found = item.isTruthy == wanted
                return !found
            }
            return .bool(found == wanted)
        case .format:
            try args.expect(count: 1...2)
            let spec = args.count == 2 ? args[1] : .str("")
            guard case .str(let text) = spec else { throw .runtime("format() argument 2 must be str, not \(spec.typeName)") }
            try charge(text.utf8.count)
            return try makeString(try FormatSpec(parsing: text).format(args[0], formatter: formatter))
        }
    }

    private func optionalString(_ value: Value?, default fallback: String, name: String) throws(ProgramError) -> String {
        switch value {
        case nil, .none?: return fallback
        case .str(let s)?: return s
        case let other?: throw .runtime("\(name) must be None or a string, not \(other.typeName)")
        }
    }

    /// `round(x)` (banker's rounding to an int) and `round(x, n)`.
    private func round(_ value: Value, digits: Value) throws(ProgramError) -> Value {
        if case .none = digits {
            if case .float(let d) = value {
                guard d.isFinite else {
                    if d.isNaN { throw .runtime("cannot convert float NaN to integer") }
                    throw .tooLarge("cannot convert float infinity to integer")
                }
                return .int(try Arithmetic.toInteger(d.rounded(.toNearestOrEven)))
            }
            return .int(try value.integerNumber())
        }
        let n = try digits.integerNumber()
        if case .float(let d) = value {
            guard d.isFinite else { return value }
            if n >= 0 {
                guard n <= 330 else { return value }
                return .float(Double(cFormat("%.\(n)f", d)) ?? d)
            }
            guard n > -309 else { return .float(Double(signOf: d, magnitudeOf: 0)) }
            let scale = try Arithmetic.finite(pow10(-n), from: d)
            return .float((d / scale).rounded(.toNearestOrEven) * scale)
        }
        let i = try value.integerNumber()
        guard n < 0 else { return .int(i) }
        guard n > -19 else { return .int(0) }
        let scale = Int(pow10(-n))
        let (quotient, remainder) = (i / scale, i % scale)
        var rounded = quotient
        let twice = remainder.magnitude * 2
        if twice > UInt(scale) || (twice == UInt(scale) && quotient % 2 != 0) {
            rounded += i < 0 ? -1 : 1
        }
        return .int(try Arithmetic.integer(.multiply, rounded, scale).integer ?? 0)
    }

    private func pow10(_ n: Int) -> Double {
        var result = 1.0
        for _ in 0..<n { result *= 10 }
        return result
    }

    private func toInt(_ value: Value) throws(ProgramError) -> Value {
        if case .str(let s) = value { try charge(s.utf8.count) }
        switch value {
        case .float(let d):
            guard d.isFinite || d.isNaN else { throw .tooLarge("cannot convert float infinity to integer") }
            return .int(try Arithmetic.truncate(d))
        case .str(let s):
            let text = trimmed(s).replacingUnderscores()
            if let i = Int(text) { return .int(i) }
            let digits = text.hasPrefix("-") || text.hasPrefix("+") ? text.dropFirst() : Substring(text)
            if !digits.isEmpty && digits.allSatisfy({ $0.isASCII && $0.isNumber }) {
                throw .tooLarge("integer string too large")
            }
            throw .runtime("invalid literal for int() with base 10: \(quoted(s))")
        default:
            return .int(try value.integerNumber())
        }
    }

    private func toFloat(_ value: Value) throws(ProgramError) -> Value {
        guard case .str(let s) = value else { return .float(try value.realNumber()) }
        try charge(s.utf8.count)
        let text = trimmed(s).lowercased().replacingUnderscores()
        let unsigned = text.hasPrefix("-") || text.hasPrefix("+") ? String(text.dropFirst()) : text
        let negative = text.hasPrefix("-")
        switch unsigned {
        case "inf", "infinity": return .float(negative ? -.infinity : .infinity)
        case "nan": return .float(.nan)
        default: break
        }
        guard !unsigned.isEmpty, unsigned.allSatisfy({ $0.isASCII && ($0.isNumber || ".e+-".contains($0)) }),
              let d = Double(text) else {
            throw .runtime("could not convert string to float: \(quoted(s))")
        }
        guard d.isFinite else { throw .tooLarge("float string too large") }
        return .float(d)
    }

    /// `min`/`max` of several arguments or of one iterable; the first of equal extremes wins.
    private func extreme(_ args: Arguments, largest: Bool) throws(ProgramError) -> Value {
        guard args.count >= 1 else { throw .runtime("\(args.function) expected at least 1 argument, got 0") }
        var best: Value?
        let consider = { (item: Value) throws(ProgramError) -> Bool in
            if let current = best {
                let better = largest ? try self.compare(.greater, item, current) : try self.compare(.less, item, current)
                if better { best = item }
            } else {
                best = item
            }
            return true
        }
        if args.count == 1 {
            try scan(args[0], consider)
        } else {
            guard args.keyword("default") == nil else {
                throw .runtime("Cannot specify a default for \(args.function)() with multiple positional arguments")
            }
            for item in args.positional { _ = try consider(item) }
        }
        guard let best else {
            if let fallback = args.keyword("default") { return fallback }
            throw .runtime("\(args.function)() arg is an empty sequence")
        }
        return best
    }

    /// A stable merge sort with Python's ordering (comparisons can fail, so the standard sort is not used).
    private func mergeSorted(_ items: [Value]) throws(ProgramError) -> [Value] {
        guard items.count > 1 else { return items }
        var source = items
        var target = items
        var width = 1
        while width < source.count {
            var start = 0
            while start < source.count {
                let middle = min(start + width, source.count)
                let end = min(start + 2 * width, source.count)
                var (i, j, k) = (start, middle, start)
                while i < middle || j < end {
                    if j >= end {
                        target[k] = source[i]
                        i += 1
                    } else if i >= middle {
                        target[k] = source[j]
                        j += 1
                    } else {
                        try charge(1)
                        if try compare(.less, source[j], source[i]) {
                            target[k] = source[j]
                            j += 1
                        } else {
                            target[k] = source[i]
                            i += 1
                        }
                    }
                    k += 1
                }
                start = end
            }
            swap(&source, &target)
            width *= 2
        }
        return source
    }
}

private extension String {
    /// Python allows single underscores between digits in numeric strings.
    func replacingUnderscores() -> String {
        contains("_") ? String(filter { $0 != "_" }) : self
    }
}
