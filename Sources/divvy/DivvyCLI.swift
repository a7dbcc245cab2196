import ArgParse

/// The command line: every leaf command, and the tree `divvy` parses.
enum DivvyCLI {
    /// Each leaf maps to the function that runs it.
    static var commands: [any CLICommand.Type] {
        [SolveCommand.self, BatchCommand.self, RunsCommand.self, ShowCommand.self, ReplayCommand.self,
         EvalCommand.self, CacheStatsCommand.self, CacheClearCommand.self, DistillCommand.self, GenerateCommand.self,
         ModelInfoCommand.self, BenchCommand.self, ServeCommand.self, CompletionCommand.self]
    }

    static var root: Command {
        Command("divvy", summary: "Solve tasks by splitting them into subproblems, with local models.",
                discussion: "'divvy help <command>' or 'divvy <command> --help' shows a command's help; 'divvy --version' the build's commit.",
                version: Version.text, subcommands: CommandTree.build(commands))
    }
}
