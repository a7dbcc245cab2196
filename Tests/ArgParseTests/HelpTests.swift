import ArgParse
import Testing

@Suite struct HelpTests {
    typealias S = SampleCLI

    @Test func leafHelpListsUsageArgumentsOptionsAndDefaults() throws {
        let text = try #require(try S.help(["run", "--help"]))
        #expect(text == """
            OVERVIEW: Solve the tasks of a file.

            USAGE: divvy run <tasks> --model <path> [--max-tokens <n>] [--temperature <temperature>] \
            [--seeds <seeds>] [--stop <stop> ...] [--backend <backend>] [--verbose]

            ARGUMENTS:
              <tasks>                 JSONL task file.

            OPTIONS:
              -m, --model <path>      Solver GGUF file. (required)
              --max-tokens <n>        Token limit per answer. (default: 256)
              --temperature <temperature>
                                      Sampling temperature. (default: 0.0)
              --seeds <seeds>         Seeds to sample with. (default: 1,2)
              --stop <stop>           Stop string. (repeatable)
              --backend <backend>     Where the solver runs. (default: local)
              -v, --verbose           Print progress.
              -h, --help              Show help information.

            """)
    }

    @Test func helpWinsOverOtherErrorsAnywhereBeforeDoubleDash() throws {
        let text = try #require(try S.help(["run", "--bogus", "-h"]))
        #expect(text.hasPrefix("OVERVIEW: Solve the tasks of a file."))
        #expect(try S.help(["model", "info", "--", "-h"]) == nil)
    }

    @Test func groupHelpListsSubcommands() throws {
        let text = try #require(try S.help(["model", "-h"]))
        #expect(text.contains("USAGE: divvy model <subcommand>"))
        #expect(text.contains("  info                    Show a model file's metadata.\n"))
        #expect(text.contains("See 'divvy model <subcommand> --help'"))
        let root = try #require(try S.help(["--help"]))
        #expect(root.contains("  run                     Solve the tasks of a file.\n"))
        #expect(root.contains("  model                   Inspect model files.\n"))
    }

    @Test func optionalRepeatingPositionalInUsage() throws {
        let text = try #require(try S.help(["model", "info", "-h"]))
        #expect(text.contains("USAGE: divvy model info <file> [<keys> ...]"))
        #expect(text.contains("  <keys>                  Metadata keys to show.\n"))
    }
}
