/// A node of the command tree: either a leaf that declares arguments, or a group of subcommands.
public struct Command: Sendable {
    /// The word that selects this command (the program name for the root).
    public let name: String
    /// One line saying what the command does.
    public let summary: String
    /// Longer text shown in help after the summary.
    public let discussion: String?
    let arguments: [ArgumentSpec]
    /// The subcommands; empty for a leaf.
    public let subcommands: [Command]

    /// Declares a leaf command with its options, flags and positionals.
    public init(_ name: String, summary: String, discussion: String? = nil,
                arguments: [any ArgumentDeclaration] = []) {
        self.name = name
        self.summary = summary
        self.discussion = discussion
        self.arguments = arguments.map(\.spec)
        subcommands = []
    }

    /// Declares a group whose first argument must name one of `subcommands`.
    public init(_ name: String, summary: String, discussion: String? = nil, subcommands: [Command]) {
        self.name = name
        self.summary = summary
        self.discussion = discussion
        arguments = []
        self.subcommands = subcommands
    }

    /// Parses the command line (without the program name) against this command tree.
    ///
    /// `-h`/`--help` anywhere before `--` yields the help of the deepest command named.
    /// - Throws: ``UsageError`` for unknown commands or options, missing values, missing
    ///   required arguments, values that do not convert or validate, surplus arguments.
    public func parse(_ commandLine: [String]) throws(UsageError) -> ParseResult {
        var command = self
        var path = [name]
        var rest = commandLine[...]
        while !command.subcommands.isEmpty {
            guard let word = rest.first else {
                throw UsageError("missing subcommand; expected one of: \(command.subcommandNames)",
                                 commandPath: path)
            }
            if isHelp(word) { return .help(command.help(path: path)) }
            guard let next = command.subcommands.first(where: { $0.name == word }) else {
                let what = word.hasPrefix("-") ? "unknown option '\(word)'" : "unknown subcommand '\(word)'"
                throw UsageError("\(what); expected one of: \(command.subcommandNames)", commandPath: path)
            }
            command = next
            path.append(word)
            rest = rest.dropFirst()
        }
        if rest.prefix(while: { $0 != "--" }).contains(where: isHelp) {
            return .help(command.help(path: path))
        }
        var parser = LeafParser(specs: command.arguments, path: path)
        return .run(try parser.parse(Array(rest)))
    }

    private var subcommandNames: String { subcommands.map(\.name).joined(separator: ", ") }

    private func isHelp(_ word: String) -> Bool { word == "-h" || word == "--help" }
}

/// What the command line asks for.
public enum ParseResult: Sendable {
    /// Run the command with these arguments.
    case run(ParsedCommand)
    /// Print this help text and exit successfully.
    case help(String)
}
