#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Python's numeric operators on Swift `Int` (overflow-checked) and `Double` (overflow to infinity is an error).
enum Arithmetic {
    static func binary(_ op: BinaryOp, _ a: Value, _ b: Value) throws(ProgramError) -> Value {
        if let x = a.integer, let y = b.integer {
            return try integer(op, x, y)
        }
        guard let x = a.double, let y = b.double else {
            throw .runtime("unsupported operand type(s) for \(op.rawValue): '\(a.typeName)' and '\(b.typeName)'")
        }
        return try floating(op, x, y)
    }

    static func negate(_ value: Value) throws(ProgramError) -> Value {
        switch value {
        case .float(let d):
            return .float(-d)
        default:
            guard let i = value.integer else { throw .runtime("bad operand type for unary -: '\(value.typeName)'") }
            guard i != .min else { throw .tooLarge() }
            return .int(-i)
        }
    }

    static func plus(_ value: Value) throws(ProgramError) -> Value {
        if case .float = value { return value }
        guard let i = value.integer else { throw .runtime("bad operand type for unary +: '\(value.typeName)'") }
        return .int(i)
    }

    private static func checked(_ result: (partialValue: Int, overflow: Bool)) throws(ProgramError) -> Int {
        guard !result.overflow else { throw .tooLarge() }
        return result.partialValue
    }

    static func integer(_ op: BinaryOp, _ x: Int, _ y: Int) throws(ProgramError) -> Value {
        switch op {
        case .add:
            return .int(try checked(x.addingReportingOverflow(y)))
        case .subtract:
            return .int(try checked(x.subtractingReportingOverflow(y)))
        case .multiply:
            return .int(try checked(x.multipliedReportingOverflow(by: y)))
        case .divide:
            guard y != 0 else { throw .runtime("division by zero") }
            return .float(Double(x) / Double(y))
        case .floorDivide:
            guard y != 0 else { throw .runtime("integer division or modulo by zero") }
            guard !(x == .min && y == -1) else { throw .tooLarge() }
            let quotient = x / y
            return .int(x % y != 0 && (x < 0) != (y < 0) ? quotient - 1 : quotient)
        case .modulo:
            guard y != 0 else { throw .runtime("integer division or modulo by zero") }
            guard y != -1 else { return .int(0) }
            let remainder = x % y
            return .int(remainder != 0 && (remainder < 0) != (y < 0) ? remainder + y : remainder)
        case .power:
            if y < 0 {
                guard x != 0 else { throw .runtime("0.0 cannot be raised to a negative power") }
                return try floating(.power, Double(x), Double(y))
            }
            var result = 1
            var base = x
            var exponent = y
            while exponent > 0 {
                if exponent & 1 == 1 { result = try checked(result.multipliedReportingOverflow(by: base)) }
                exponent >>= 1
                if exponent > 0 { base = try checked(base.multipliedReportingOverflow(by: base)) }
            }
            return .int(result)
        }
    }

    static func floating(_ op: BinaryOp, _ x: Double, _ y: Double) throws(ProgramError) -> Value {
        let result: Double
        switch op {
        case .add:
            result = x + y
        case .subtract:
            result = x - y
        case .multiply:
            result = x * y
        case .divide:
            guard y != 0 else { throw .runtime("float division by zero") }
            result = x / y
        case .floorDivide:
            guard y != 0 else { throw .runtime("float floor division by zero") }
            result = floorDivision(x, y).quotient
        case .modulo:
            guard y != 0 else { throw .runtime("float modulo by zero") }
            result = floorDivision(x, y).remainder
        case .power:
            if x == 0 && y < 0 { throw .runtime("0.0 cannot be raised to a negative power") }
            if x < 0 && y.isFinite && y != y.rounded(.towardZero) {
                throw .runtime("negative number cannot be raised to a fractional power")
            }
            result = pow(x, y)
        }
        return .float(try finite(result, from: x, y))
    }

    /// `result`, unless finite operands produced an infinity or NaN.
    static func finite(_ result: Double, from operands: Double...) throws(ProgramError) -> Double {
        if !result.isFinite && operands.allSatisfy(\.isFinite) {
            if result.isNaN { throw .runtime("math domain error") }
            throw .tooLarge("float result too large")
        }
        return result
    }

    /// CPython's float `divmod`: the floor quotient and a remainder with the sign of `y`.
    static func floorDivision(_ x: Double, _ y: Double) -> (quotient: Double, remainder: Double) {
        var remainder = x.truncatingRemainder(dividingBy: y)
        var quotient = (x - remainder) / y
        if remainder != 0 {
            if (y < 0) != (remainder < 0) {
                remainder += y
                quotient -= 1
            }
        } else {
            remainder = Double(signOf: y, magnitudeOf: 0)
        }
        if quotient != 0 {
            var floored = quotient.rounded(.down)
            if quotient - floored > 0.5 { floored += 1 }
            return (floored, remainder)
        }
        return (Double(signOf: x / y, magnitudeOf: 0), remainder)
    }

    /// The float truncated to an `Int`, as `int(x)` does.
    static func truncate(_ d: Double) throws(ProgramError) -> Int {
        try toInteger(d.rounded(.towardZero))
    }

    /// An integral float converted to `Int`, with Python's errors for NaN and out-of-range values.
    static func toInteger(_ d: Double) throws(ProgramError) -> Int {
        guard !d.isNaN else { throw .runtime("cannot convert float NaN to integer") }
        guard d >= -9.223372036854775808e18 && d < 9.223372036854775808e18 else {
            throw .tooLarge("float too large to convert to an integer")
        }
        return Int(d)
    }
}
