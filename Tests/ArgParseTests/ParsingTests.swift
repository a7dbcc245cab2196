@testable import ArgParse
import Testing

@Suite struct ParsingTests {
    typealias S = SampleCLI

    @Test func parsesOptionsFlagsAndPositionals() throws {
        let run = try S.parsed(["run", "tasks.jsonl", "--model", "q.gguf", "--max-tokens=64", "-v",
                                "--temperature", "0.7", "--seeds", "3, 4,5", "--backend", "http"])
        #expect(run.path == ["run"])
        #expect(run[S.tasks] == "tasks.jsonl")
        #expect(run[S.model] == "q.gguf")
        #expect(run[S.maxTokens] == 64)
        #expect(run[S.temperature] == 0.7)
        #expect(run[S.seeds] == [3, 4, 5])
        #expect(run[S.backend] == .http)
        #expect(run[S.verbose])
    }

    @Test func defaultsApplyWhenOptionsAreAbsent() throws {
        let run = try S.parsed(["run", "-m", "q.gguf", "t.jsonl"])
        #expect(run[S.maxTokens] == 256)
        #expect(run[S.temperature] == 0)
        #expect(run[S.seeds] == [1, 2])
        #expect(run[S.backend] == .local)
        #expect(!run[S.verbose])
        #expect(run[S.stop] == nil)
        #expect(run.values(of: S.stop) == [])
    }

    @Test func repeatedOptionKeepsEveryValue() throws {
        let run = try S.parsed(["run", "t", "-m", "q", "--stop", "\n\n", "--stop=Q:", "--stop", "###"])
        #expect(run.values(of: S.stop) == ["\n\n", "Q:", "###"])
        #expect(run[S.stop] == "###")
    }

    @Test func nestedSubcommandWithRepeatingPositional() throws {
        let info = try S.parsed(["model", "info", "a.gguf", "general.name", "qwen2.context_length"])
        #expect(info.path == ["model", "info"])
        #expect(info[S.file] == "a.gguf")
        #expect(info.values(of: S.extra) == ["general.name", "qwen2.context_length"])
        let bare = try S.parsed(["model", "info", "a.gguf"])
        #expect(bare.values(of: S.extra) == [])
        #expect(bare[S.extra] == nil)
    }

    @Test func negativeNumbersAndDashAreValues() throws {
        let run = try S.parsed(["run", "-", "-m", "q", "--temperature", "-0.5"])
        #expect(run[S.tasks] == "-")
        #expect(run[S.temperature] == -0.5)
    }

    @Test func doubleDashEndsOptions() throws {
        let info = try S.parsed(["model", "info", "--", "--help", "-v"])
        #expect(info[S.file] == "--help")
        #expect(info.values(of: S.extra) == ["-v"])
    }

    @Test func emptyListIsAllowed() throws {
        let run = try S.parsed(["run", "t", "-m", "q", "--seeds="])
        #expect(run[S.seeds] == [])
    }
}

@Suite struct UsageErrorTests {
    typealias S = SampleCLI

    @Test func unknownOptionNamesItAndHintsAtHelp() throws {
        let error = try #require(S.usageError(["run", "t", "-m", "q", "--max-token", "5"]))
        #expect(error.message == "unknown option '--max-token' (did you mean '--max-tokens'?)")
        #expect(error.commandPath == ["divvy", "run"])
        #expect(error.hint == "See 'divvy run --help'.")
        #expect(error.description == "error: unknown option '--max-token' (did you mean '--max-tokens'?)\nSee 'divvy run --help'.")
    }

    @Test func unknownShortOption() {
        #expect(S.usageError(["run", "t", "-m", "q", "-x"])?.message == "unknown option '-x'")
    }

    @Test func missingValueAtEndOrBeforeAnotherOption() {
        #expect(S.usageError(["run", "t", "-m", "q", "--max-tokens"])?.message
            == "option --max-tokens requires a value")
        #expect(S.usageError(["run", "t", "--model", "-v"])?.message == "option --model requires a value")
    }

    @Test func missingRequiredOptionAndArgument() {
        #expect(S.usageError(["run", "t"])?.message == "missing required option --model <path>")
        #expect(S.usageError(["run", "-m", "q"])?.message == "missing required argument <tasks>")
    }

    @Test func conversionErrorsNameTheOption() {
        #expect(S.usageError(["run", "t", "-m", "q", "--max-tokens", "lots"])?.message
            == "--max-tokens: expected an integer, got 'lots'")
        #expect(S.usageError(["run", "t", "-m", "q", "--temperature=warm"])?.message
            == "--temperature: expected a number, got 'warm'")
        #expect(S.usageError(["run", "t", "-m", "q", "--temperature", "nan"])?.message
            == "--temperature: expected a number, got 'nan'")
        #expect(S.usageError(["run", "t", "-m", "q", "--seeds", "1,,2"])?.message
            == "--seeds: expected a comma-separated list, each item an integer, got '1,,2'")
        #expect(S.usageError(["run", "t", "-m", "q", "--backend", "grpc"])?.message
            == "--backend: expected one of local, http, got 'grpc'")
    }

    @Test func validationErrorsNameTheOption() {
        #expect(S.usageError(["run", "t", "-m", "q", "--max-tokens", "0"])?.message
            == "--max-tokens: must be positive, got 0")
    }

    @Test func nonRepeatingOptionGivenTwice() {
        #expect(S.usageError(["run", "t", "-m", "a", "-m", "b"])?.message == "option --model given more than once")
    }

    @Test func flagWithValue() {
        #expect(S.usageError(["run", "t", "-m", "q", "--verbose=yes"])?.message
            == "flag --verbose does not take a value")
    }

    @Test func surplusPositional() {
        #expect(S.usageError(["run", "a", "b", "-m", "q"])?.message == "unexpected argument 'b'")
    }

    @Test func subcommandErrors() {
        let missing = S.usageError([])
        #expect(missing?.message == "missing subcommand; expected one of: run, model")
        #expect(missing?.commandPath == ["divvy"])
        let unknown = S.usageError(["model", "inf"])
        #expect(unknown?.message == "unknown subcommand 'inf' (did you mean 'info'?); expected one of: info")
        #expect(unknown?.hint == "See 'divvy model --help'.")
        #expect(S.usageError(["--verbose", "run"])?.message
            == "unknown option '--verbose'; expected one of: run, model")
    }

    @Test func didYouMeanOnlyForCloseNames() {
        #expect(S.usageError(["rnu"])?.message == "unknown subcommand 'rnu' (did you mean 'run'?); expected one of: run, model")
        #expect(S.usageError(["solve"])?.message == "unknown subcommand 'solve'; expected one of: run, model")
        #expect(S.usageError(["run", "t", "-m", "q", "--verbsoe"])?.message == "unknown option '--verbsoe' (did you mean '--verbose'?)")
        #expect(S.usageError(["run", "t", "-m", "q", "--color"])?.message == "unknown option '--color'")
    }

    @Test func editDistanceCountsASwapOfNeighboursAsOneEdit() {
        #expect(Suggestion.editDistance("slove", "solve") == 1)
        #expect(Suggestion.editDistance("kitten", "sitting") == 3)
        #expect(Suggestion.editDistance("", "abc") == 3)
        #expect(Suggestion.closest(to: "slove", in: ["batch", "solve", "show"]) == "solve")
        #expect(Suggestion.closest(to: "ab", in: ["xy"]) == nil)
    }

    @Test func helpCommandAndVersion() throws {
        let root = Command("tool", summary: "A tool.", version: "tool 1.2", subcommands: [S.run])
        guard case .version(let version) = try root.parse(["--version"]) else { Issue.record("no version"); return }
        #expect(version == "tool 1.2")
        guard case .help(let help) = try root.parse(["help", "run"]) else { Issue.record("no help"); return }
        #expect(help.hasPrefix("OVERVIEW: Solve the tasks of a file."))
        guard case .help(let top) = try root.parse(["help"]) else { Issue.record("no help"); return }
        #expect(top.hasPrefix("OVERVIEW: A tool."))
        #expect(throws: UsageError.self) { try root.parse(["help", "runn"]) }
        // Without a version, --version is an unknown option like any other.
        #expect(S.usageError(["--version"])?.message == "unknown option '--version'; expected one of: run, model")
    }

    @Test func exitCodesFollowSysexits() {
        #expect(ExitCode.usage.rawValue == 64)
        #expect(ExitCode.dataError.rawValue == 65)
    }
}
