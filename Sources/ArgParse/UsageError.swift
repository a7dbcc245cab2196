/// A command line that does not fit the command's declaration.
public struct UsageError: Error, Equatable, Sendable, CustomStringConvertible {
    /// What is wrong, naming the option or argument.
    public let message: String
    /// The command the error belongs to, root first: `["divvy", "model", "info"]`.
    public let commandPath: [String]

    public init(_ message: String, commandPath: [String]) {
        self.message = message
        self.commandPath = commandPath
    }

    /// Where to look for the correct usage.
    public var hint: String { "See '\(commandPath.joined(separator: " ")) --help'." }

    public var description: String { "error: \(message)\n\(hint)" }
}

/// Every exit status of the CLI: BSD `sysexits.h` codes, and 130 for an interrupt (as a shell
/// reports SIGINT).
public enum ExitCode: Int32, Sendable {
    case success = 0
    /// Anything not classified below.
    case failure = 1
    /// The command was used incorrectly (`EX_USAGE`).
    case usage = 64
    /// The input data was incorrect (`EX_DATAERR`).
    case dataError = 65
    /// An input file is not there or cannot be read (`EX_NOINPUT`).
    case noInput = 66
    /// A service (a model server, an address to bind) is unavailable (`EX_UNAVAILABLE`).
    case unavailable = 69
    /// Reading or writing a file failed (`EX_IOERR`).
    case ioError = 74
    /// A temporary failure: trying again later may work (`EX_TEMPFAIL`).
    case tryAgain = 75
    /// A remote server answered something unusable (`EX_PROTOCOL`).
    case protocolError = 76
    /// Stopped by SIGINT or SIGTERM; the work done so far is kept.
    case interrupted = 130
}
