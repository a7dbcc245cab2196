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

/// Process exit statuses of the CLI (BSD `sysexits.h`).
public enum ExitCode {
    /// The command was used incorrectly (`EX_USAGE`).
    public static let usage: Int32 = 64
    /// The input data was incorrect (`EX_DATAERR`).
    public static let dataError: Int32 = 65
}
