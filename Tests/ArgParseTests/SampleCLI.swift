import ArgParse

/// A small command tree shaped like divvy's, shared by the tests.
enum SampleCLI {
    enum Backend: String, CaseIterable, ArgumentValue { case local, http }

    static let tasks = Positional<String>("tasks", help: "JSONL task file.")
    static let model = Option<String>("model", short: "m", valueName: "path", help: "Solver GGUF file.",
                                      required: true)
    static let maxTokens = Option<Int>("max-tokens", valueName: "n", help: "Token limit per answer.",
                                       default: 256, validate: { $0 > 0 ? nil : "must be positive, got \($0)" })
    static let temperature = Option<Double>("temperature", help: "Sampling temperature.", default: 0)
    static let seeds = Option<[Int]>("seeds", help: "Seeds to sample with.", default: [1, 2])
    static let stop = Option<String>("stop", help: "Stop string.", repeating: true)
    static let backend = Option<Backend>("backend", help: "Where the solver runs.", default: .local)
    static let verbose = Flag("verbose", short: "v", help: "Print progress.")

    static let file = Positional<String>("file", help: "GGUF file.")
    static let extra = Positional<String>("keys", help: "Metadata keys to show.", required: false,
                                          repeating: true)

    static let run = Command("run", summary: "Solve the tasks of a file.",
                             arguments: [tasks, model, maxTokens, temperature, seeds, stop, backend, verbose])
    static let info = Command("info", summary: "Show a model file's metadata.", arguments: [file, extra])
    static let root = Command("divvy", summary: "Local problem-decomposition agent.", subcommands: [
        run,
        Command("model", summary: "Inspect model files.", subcommands: [info]),
    ])

    /// Parses and expects a runnable command.
    static func parsed(_ words: [String]) throws -> ParsedCommand {
        guard case .run(let parsed) = try root.parse(words) else { throw UnexpectedHelp() }
        return parsed
    }

    /// Parses and expects help text.
    static func help(_ words: [String]) throws -> String? {
        guard case .help(let text) = try root.parse(words) else { return nil }
        return text
    }

    /// The usage error the words produce, if any.
    static func usageError(_ words: [String]) -> UsageError? {
        do {
            _ = try root.parse(words)
            return nil
        } catch {
            return error
        }
    }

    struct UnexpectedHelp: Error {}
}
