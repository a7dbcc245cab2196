import Foundation
import LLM
import Testing

/// `divvy generate` and `divvy model info` run as real processes: output, exit statuses, errors.
struct EngineCommandTests {
    static let testModel = "smollm2-135m"
    static var testModelIsPresent: Bool {
        FileManager.default.fileExists(atPath: ModelLocator.modelsDirectory + "/\(testModel).gguf")
    }

    @Test func usageErrorsExit64WithAHint() throws {
        let missingPrompt = try DivvyProcess.run(["generate", "-m", Self.testModel])
        #expect(missingPrompt.status == 64)
        #expect(missingPrompt.stderr.contains("--prompt"))
        #expect(missingPrompt.stderr.contains("divvy generate --help"))
        let unknown = try DivvyProcess.run(["frobnicate"])
        #expect(unknown.status == 64)
    }

    @Test func dashReadsThePromptFromStandardInput() throws {
        let direct = try DivvyProcess.run(["generate", "-m", Self.testModel, "-p", "What is 6 plus 7?", "--max-tokens", "3", "--json"])
        let piped = try DivvyProcess.run(["generate", "-m", Self.testModel, "-p", "-", "--max-tokens", "3", "--json"],
                                         input: "What is 6 plus 7?\n")
        #expect(piped.status == 0, "\(piped.stderr)")
        let ids = { (output: DivvyProcess.Output) in
            (try? JSONSerialization.jsonObject(with: Data(output.stdout.utf8)) as? [String: Any])?["promptIDs"] as? [Int]
        }
        #expect(ids(piped) != nil && ids(piped) == ids(direct))
    }

    /// Drafted tokens checked in the same pass change the speed, never the reply.
    @Test func noSpeculationGivesTheSameReplyWithoutDrafts() throws {
        let prompt = ["generate", "-m", Self.testModel, "-p", "Repeat after me: red, green, blue, red, green, blue, red, green, blue.",
                      "--max-tokens", "24", "--json"]
        func json(_ output: DivvyProcess.Output) throws -> [String: Any] {
            #expect(output.status == 0, "\(output.stderr)")
            return try #require(try JSONSerialization.jsonObject(with: Data(output.stdout.utf8)) as? [String: Any])
        }
        let drafted = try json(try DivvyProcess.run(prompt))
        let plain = try json(try DivvyProcess.run(prompt + ["--no-speculation"]))
        #expect(drafted["generatedIDs"] as? [Int] == plain["generatedIDs"] as? [Int])
        #expect(drafted["text"] as? String == plain["text"] as? String)
        #expect((drafted["draftedTokens"] as? Int ?? 0) > 0)
        #expect((drafted["acceptedDraftTokens"] as? Int ?? -1) >= 0)
        #expect(plain["draftedTokens"] as? Int == 0)
        // A draft model (here the model itself, so every draft is right) changes the speed only.
        let modelDrafted = try json(try DivvyProcess.run(prompt + ["--draft-model", Self.testModel, "--draft-tokens", "3"]))
        #expect(modelDrafted["generatedIDs"] as? [Int] == plain["generatedIDs"] as? [Int])
        let draftedByModel = try #require(modelDrafted["draftedTokens"] as? Int)
        #expect(draftedByModel > 0 && modelDrafted["acceptedDraftTokens"] as? Int == draftedByModel)
    }

    @Test func aDraftModelNeedsSpeculationAndTheSameVocabulary() throws {
        let base = ["generate", "-m", Self.testModel, "-p", "Hi", "--max-tokens", "2"]
        let conflict = try DivvyProcess.run(base + ["--draft-model", Self.testModel, "--no-speculation"])
        #expect(conflict.status == 64)
        #expect(conflict.stderr.contains("--no-speculation"))
        let tooMany = try DivvyProcess.run(base + ["--draft-model", Self.testModel, "--draft-tokens", "9"])
        #expect(tooMany.status == 64)
        #expect(tooMany.stderr.contains("--draft-tokens"))
        let missing = try DivvyProcess.run(base + ["--draft-model", "/nonexistent/draft.gguf"])
        #expect(missing.status == 66)
    }

    @Test func versionHelpCommandAndDidYouMean() throws {
        let version = try DivvyProcess.run(["--version"])
        #expect(version.status == 0)
        #expect(version.stdout.range(of: #"^divvy, commit [0-9a-f]{7}\n$"#, options: .regularExpression) != nil, "\(version.stdout)")
        let help = try DivvyProcess.run(["help", "solve"])
        #expect(help.status == 0)
        #expect(help.stdout == (try DivvyProcess.run(["solve", "--help"])).stdout)
        let typo = try DivvyProcess.run(["slove", "What is 2 + 2?"])
        #expect(typo.status == 64)
        #expect(typo.stderr.contains("unknown subcommand 'slove' (did you mean 'solve'?)"))
        let option = try DivvyProcess.run(["solve", "--max-token", "5", "x"])
        #expect(option.status == 64)
        #expect(option.stderr.contains("(did you mean '--max-tokens'?)"))
    }

    @Test func helpExitsZero() throws {
        let help = try DivvyProcess.run(["generate", "--help"])
        #expect(help.status == 0)
        #expect(help.stdout.contains("--max-tokens"))
    }

    /// Each broken file gives exit 65 and exactly one line on stderr.
    @Test(arguments: [
        ("wrong magic", Data("GGML".utf8) + Data(count: 60)),
        ("truncated", Data("GGUF".utf8) + Data([3, 0, 0, 0, 5, 0])),
        ("empty", Data()),
    ])
    func badModelFileExits65(name: String, bytes: Data) throws {
        let folder = try DivvyProcess.ScratchFolder()
        let path = try folder.file("broken.gguf", bytes)
        let result = try DivvyProcess.run(["model", "info", path])
        #expect(result.status == 65, "\(name)")
        #expect(result.stderr.hasPrefix("error: "), "\(name)")
        #expect(result.stderr.split(separator: "\n").count == 1, "\(name): \(result.stderr)")
        #expect(result.stderr.contains(path), "\(name)")
    }

    @Test func unknownModelNameSaysWhatIsKnown() throws {
        let result = try DivvyProcess.run(["model", "info", "no-such-model"])
        #expect(result.status == 66)
        #expect(result.stderr.contains("smollm2-135m"))
    }

    @Test func modelNotFetchedSaysHowToFetch() throws {
        let result = try DivvyProcess.run(["model", "info", Self.testModel], environment: ["DIVVY_MODELS": "/nonexistent"])
        #expect(result.status == 66)
        #expect(result.stderr.contains("scripts/fetch-models \(Self.testModel)"))
    }

    @Test func modelInfoJSON() throws {
        let result = try DivvyProcess.run(["model", "info", Self.testModel, "--json"])
        try #require(result.status == 0, "\(result.stderr) (fetch the test model with scripts/fetch-models --test-only)")
        let info = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(info["architecture"] as? String == "llama")
        #expect(info["layers"] as? Int == 30)
        #expect(info["vocabularySize"] as? Int == 49152)
        #expect((info["tensorTypes"] as? [String: Int])?["Q4_1"] == 210)
    }

    /// The greedy reply to the golden's first prompt starts with the golden's first tokens.
    @Test func generateJSONIsGreedyAndTokenized() throws {
        let result = try DivvyProcess.run(["generate", "-m", Self.testModel, "--system", "You are a helpful assistant.",
                                           "-p", "What is 17 * 23? Answer briefly.", "--max-tokens", "6", "--json"])
        try #require(result.status == 0, "\(result.stderr)")
        let output = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let promptIDs = output["promptIDs"] as? [Int] ?? []
        #expect(promptIDs.count == 33)
        #expect(promptIDs.prefix(3) == [1, 9690, 198])
        #expect(output["generatedIDs"] as? [Int] == [33, 39, 1672, 216, 34, 35])
        #expect(output["stopReason"] as? String == "max_tokens")
        #expect((output["text"] as? String)?.hasPrefix("17 * 23") == true)
    }

    /// One generated token has no decode time: the rate is left out, never NaN (which JSON cannot hold).
    @Test func oneTokenHasNoGenerationRate() throws {
        let result = try DivvyProcess.run(["generate", "-m", Self.testModel, "-p", "Hi", "--max-tokens", "1", "--json"])
        try #require(result.status == 0, "\(result.stderr)")
        let output = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect((output["generatedIDs"] as? [Int])?.count == 1)
        #expect(output["generatedTokensPerSecond"] == nil)
        #expect((output["promptTokensPerSecond"] as? Double).map { $0.isFinite && $0 > 0 } == true)
    }

    @Test func promptLongerThanTheContextIsADataError() throws {
        let long = String(repeating: "word ", count: 400)
        let result = try DivvyProcess.run(["generate", "-m", Self.testModel, "-p", long, "--context", "64"])
        #expect(result.status == 65)
        #expect(result.stderr.contains("context"))
    }
}
