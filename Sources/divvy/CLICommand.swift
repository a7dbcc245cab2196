import ArgParse

/// A leaf command of the CLI: its declaration and what running it does.
protocol CLICommand {
    /// Words under `divvy` that select it, e.g. `["model", "info"]`.
    static var path: [String] { get }
    static var command: Command { get }
    static func run(_ arguments: ParsedCommand) async throws
}

/// Builds the nested `Command` groups from the leaves' paths.
enum CommandTree {
    static func build(_ commands: [any CLICommand.Type], depth: Int = 0) -> [Command] {
        var order: [String] = []
        var groups: [String: [any CLICommand.Type]] = [:]
        for command in commands {
            let word = command.path[depth]
            if groups[word] == nil { order.append(word) }
            groups[word, default: []].append(command)
        }
        return order.map { word in
            let members = groups[word]!
            if members.count == 1, members[0].path.count == depth + 1 { return members[0].command }
            return Command(word, summary: groupSummaries[word] ?? "", subcommands: build(members, depth: depth + 1))
        }
    }

    static let groupSummaries = ["model": "Inspect model files.", "cache": "Inspect or clear the result cache."]
}

/// Parses, dispatches and turns errors into one line on stderr and an exit status.
enum CommandRunner {
    static func run(root: Command, commands: [any CLICommand.Type], arguments: [String]) async -> ExitCode {
        do {
            switch try root.parse(arguments) {
            case let .help(text), let .version(text):
                print(text)
                return .success
            case let .run(parsed):
                guard let command = commands.first(where: { $0.path == parsed.path }) else {
                    Console.error("error: no command at \(parsed.path.joined(separator: " "))")
                    return .usage
                }
                try await command.run(parsed)
                return .success
            }
        } catch let error as UsageError {
            Console.error(error.description)
            return .usage
        } catch let error as ExitStatusError {
            Console.error("error: \(error.description)")
            return error.exitCode
        } catch {
            Console.error("error: \(error)")
            return .failure
        }
    }
}
