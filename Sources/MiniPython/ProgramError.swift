/// Why a program was rejected or stopped: a typed, line-numbered error that never crashes the host.
public struct ProgramError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The category of failure.
    public enum Kind: String, Sendable {
        /// The source is not valid Python.
        case syntax
        /// Valid Python that lies outside the supported subset (other imports, attribute access, `lambda`, …).
        case unsupported
        /// A Python runtime error: division by zero, an undefined name, a type error, …
        case runtime
        /// The program executed more steps than `ProgramLimits.maxSteps`.
        case stepLimit
        /// A string, list or the run's total allocation grew past its limit.
        case memoryLimit
        /// An integer left Swift's `Int` range, or a float overflowed to infinity.
        case numberTooLarge
        /// The program printed more than the output limits allow.
        case outputLimit
        /// The source is longer than `ProgramLimits.maxSourceLength`.
        case sourceTooLong
        /// Calls, brackets, blocks or values nested deeper than the limits allow.
        case depthLimit
    }

    public let kind: Kind
    /// The 1-based source line the error refers to, when known.
    public let line: Int?
    public let message: String

    public init(kind: Kind, line: Int? = nil, message: String) {
        self.kind = kind
        self.line = line
        self.message = message
    }

    /// Like `line 3: unsupported: attribute access `.append` (only math.* is allowed)`.
    public var description: String {
        let prefix = line.map { "line \($0): " } ?? ""
        return "\(prefix)\(kind.rawValue): \(message)"
    }

    /// This error with `line` filled in if it had none.
    func at(line newLine: Int) -> ProgramError {
        line == nil ? ProgramError(kind: kind, line: newLine, message: message) : self
    }

    static func syntax(_ message: String, line: Int? = nil) -> ProgramError {
        ProgramError(kind: .syntax, line: line, message: message)
    }

    static func unsupported(_ message: String, line: Int? = nil) -> ProgramError {
        ProgramError(kind: .unsupported, line: line, message: message)
    }

    static func runtime(_ message: String) -> ProgramError {
        ProgramError(kind: .runtime, message: message)
    }

    static func tooLarge(_ message: String = "integer result does not fit in 64 bits") -> ProgramError {
        ProgramError(kind: .numberTooLarge, message: message)
    }

    static func memory(_ message: String) -> ProgramError {
        ProgramError(kind: .memoryLimit, message: message)
    }

    static func depth(_ message: String, line: Int? = nil) -> ProgramError {
        ProgramError(kind: .depthLimit, line: line, message: message)
    }
}
