#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The functions of the supported `math` module.
enum MathFunction: String {
    case ceil, floor, trunc, sqrt, fabs, exp, log, log10, log2, pow, gcd, factorial, isclose
}

/// A member of the `math` module.
enum MathMember {
    case function(Builtin)
    case constant(Double)

    var value: Value {
        switch self {
        case .function(let builtin): .builtin(builtin)
        case .constant(let d): .float(d)
        }
    }
}

/// The supported part of Python's `math` module.
let mathMembers: [String: MathMember] = [
    "ceil": .function(.math(.ceil)), "floor": .function(.math(.floor)), "trunc": .function(.math(.trunc)),
    "sqrt": .function(.math(.sqrt)), "fabs": .function(.math(.fabs)), "exp": .function(.math(.exp)),
    "log": .function(.math(.log)), "log10": .function(.math(.log10)), "log2": .function(.math(.log2)),
    "pow": .function(.math(.pow)), "gcd": .function(.math(.gcd)), "factorial": .function(.math(.factorial)),
    "isclose": .function(.math(.isclose)),
    "pi": .constant(3.141592653589793), "e": .constant(2.718281828459045), "tau": .constant(6.283185307179586),
    "inf": .constant(.infinity),
]

extension Interpreter {
    /// Calls a `math` function with already-checked keyword arguments.
    func callMath(_ function: MathFunction, _ args: Arguments) throws(ProgramError) -> Value {
        switch function {
        case .ceil, .floor, .trunc:
            try args.expect(count: 1)
            let x = args[0]
            if let i = x.integer { return .int(i) }
            guard case .float(let d) = x else { throw .runtime("must be real number, not \(x.typeName)") }
            let rule: FloatingPointRoundingRule = function == .ceil ? .up : function == .floor ? .down : .towardZero
            return .int(try Arithmetic.toInteger(d.rounded(rule)))
        case .sqrt:
            try args.expect(count: 1)
            let x = try args.real(0)
            guard x >= 0 || x.isNaN else { throw .runtime("math domain error") }
            return .float(x.squareRoot())
        case .fabs:
            try args.expect(count: 1)
            return .float(try args.real(0).magnitude)
        case .exp:
            try args.expect(count: 1)
            let x = try args.real(0)
            return .float(try Arithmetic.finite(exp(x), from: x))
        case .log, .log10, .log2:
            try args.expect(count: function == .log ? 1...2 : 1...1)
            let x = try args.real(0)
            guard x > 0 else { throw .runtime("math domain error") }
            switch function {
            case .log10:
                return .float(log10(x))
            case .log2:
                return .float(log2(x))
            default:
                guard args.count == 2 else { return .float(log(x)) }
                let base = try args.real(1)
                guard base > 0, base != 1 else { throw .runtime("math domain error") }
                return .float(log(x) / log(base))
            }
        case .pow:
            try args.expect(count: 2)
            let x = try args.real(0)
            let y = try args.real(1)
            if x == 0 && y < 0 { throw .runtime("math domain error") }
            if x < 0 && y.isFinite && y != y.rounded(.towardZero) { throw .runtime("math domain error") }
            return .float(try Arithmetic.finite(pow(x, y), from: x, y))
        case .gcd:
            var result = 0
            for index in 0..<args.count {
                var a = try args.integer(index).magnitude
                var b = UInt(result)
                while b != 0 { (a, b) = (b, a % b) }
                guard a <= UInt(Int.max) else { throw .tooLarge() }
                result = Int(a)
            }
            return .int(result)
        case .factorial:
            try args.expect(count: 1)
            let n = try args.integer(0)
            guard n >= 0 else { throw .runtime("factorial() not defined for negative values") }
            var result = 1
            for k in stride(from: 2, through: n, by: 1) {
                let (product, overflow) = result.multipliedReportingOverflow(by: k)
                guard !overflow else { throw .tooLarge() }
                result = product
            }
            return .int(result)
        case .isclose:
            try args.expect(count: 2)
            let a = try args.real(0)
            let b = try args.real(1)
            let relative = try args.keyword("rel_tol")?.realNumber() ?? 1e-9
            let absolute = try args.keyword("abs_tol")?.realNumber() ?? 0
            guard relative >= 0, absolute >= 0 else { throw .runtime("tolerances must be non-negative") }
            if a == b { return .bool(true) }
            guard a.isFinite, b.isFinite else { return .bool(false) }
            let difference = (a - b).magnitude
            return .bool(difference <= max(relative * max(a.magnitude, b.magnitude), absolute))
        }
    }
}
