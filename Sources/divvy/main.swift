import ArgParse
import Foundation

/// The command tree; each leaf maps to the function that runs it.
let commands: [any CLICommand.Type] = [
    SolveCommand.self, BatchCommand.self, RunsCommand.self, ShowCommand.self, ReplayCommand.self,
    EvalCommand.self, CacheStatsCommand.self, CacheClearCommand.self, DistillCommand.self, GenerateCommand.self, ModelInfoCommand.self, BenchCommand.self, ServeCommand.self,
]

let root = Command("divvy", summary: "Solve tasks by splitting them into subproblems, with local models.",
                   discussion: "'divvy help <command>' or 'divvy <command> --help' shows a command's help; 'divvy --version' the build's commit.",
                   version: Version.text, subcommands: CommandTree.build(commands))
exit(await CommandRunner.run(root: root, commands: commands, arguments: Array(CommandLine.arguments.dropFirst())).rawValue)
