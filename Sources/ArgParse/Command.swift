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
    /// What `--version` prints (the root's only).
    public let version: String?

    /// Declares a leaf command with its options, flags and positionals.
    public init(_ name: String, summary: String, discussion: String? = nil,
                arguments: [any ArgumentDeclaration] = []) {
        self.name = name
        self.summary = summary
        self.discussion = discussion
        self.arguments = arguments.map(\.spec)
        subcommands = []
        version = nil
    }

    /// Declares a group whose first argument must name one of `subcommands`. A group given a
    /// `version` answers `--version` with it.
    public init(_ name: String, summary: String, discussion: String? = nil, version: String? = nil, subcommands: [Command]) {
        self.name = name
        self.summary = summary
        self.discussion = discussion
        arguments = []
        self.subcommands = subcommands
        self.version = version
    }

    /// Parses the command line (without the program name) against this command tree.
    ///
    /// `-h`/`--help` anywhere before `--` yields the help of the deepest command named, as does
    /// `help [command …]` where a subcommand is expected; `--version` right after the program
    /// name yields its version. A mistyped command or option gets a "did you mean" suggestion.
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
            if word == "--version", let version = command.version { return .version(version) }
            if word == "help", !command.subcommands.contains(where: { $0.name == "help" }) {
                return .help(try command.helpTopic(Array(rest.dropFirst()), path: path))
            }
            guard let next = command.subcommands.first(where: { $0.name == word }) else {
                throw command.unknownSubcommand(word, path: path)
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

    private func unknownSubcommand(_ word: String, path: [String]) -> UsageError {
        let what = word.hasPrefix("-") ? "unknown option '\(word)'"
            : "unknown subcommand '\(word)'" + Suggestion.aside(for: word, in: subcommands.map(\.name))
        return UsageError("\(what); expected one of: \(subcommandNames)", commandPath: path)
    }

    /// The help of the command that `words` name below this one (this one's for none).
    private func helpTopic(_ words: [String], path: [String]) throws(UsageError) -> String {
        var command = self
        var path = path
        for word in words {
            guard let next = command.subcommands.first(where: { $0.name == word }) else {
                throw command.unknownSubcommand(word, path: path)
            }
            command = next
            path.append(word)
        }
        return command.help(path: path)
    }

    private func isHelp(_ word: String) -> Bool { word == "-h" || word == "--help" }
}

/// What the command line asks for.
public enum ParseResult: Sendable {
    /// Run the command with these arguments.
    case run(ParsedCommand)
    /// Print this help text and exit successfully.
    case help(String)
    /// Print this version and exit successfully.
    case version(String)
}
