import Foundation
import Testing

/// `--paths` on solve and eval, and eval's paired comparisons, run as real processes with the small test model.
@Suite(.serialized)
struct PathsCommandTests {
    static func object(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    @Test("solve --paths keeps every path's answer in --json, show and replay")
    func solveWithPaths() throws {
        try #require(EngineCommandTests.testModelIsPresent, "run scripts/fetch-models --test-only")
        let folder = try DivvyProcess.ScratchFolder()
        let db = folder.path("divvy.db")
        let options = ["solve", "What is 6 plus 7?", "--db", db, "--solver", "smollm2-135m", "--paths", "pot,cot@3",
                       "--max-tokens", "24"]
        let json = try DivvyProcess.run(options + ["--json"])
        #expect(json.status == 0, "stderr: \(json.stderr)")
        let subproblems = try #require(try Self.object(json.stdout)["subproblems"] as? [[String: Any]])
        #expect(subproblems.compactMap { $0["path"] as? String } == ["pot", "cot@3"])
        #expect(subproblems.first?["kind"] as? String == "program")

        let text = try DivvyProcess.run(options)
        #expect(text.stdout.contains("[pot] → ") && text.stdout.contains("[cot@3] → "))
        let replay = try DivvyProcess.run(["replay", "2", "--db", db])
        #expect(replay.stdout == text.stdout)
        let show = try DivvyProcess.run(["show", "2", "--db", db])
        #expect(show.stdout.contains("paths pot,cot@3 · steps"))
    }

    @Test("solve --verbose echoes each path's text to stderr, line by line and tagged, as the log keeps it; a cached rerun too")
    func verboseEchoesWhatThePathsWrite() throws {
        try #require(EngineCommandTests.testModelIsPresent, "run scripts/fetch-models --test-only")
        let folder = try DivvyProcess.ScratchFolder()
        let options = ["solve", "What is 6 plus 7?", "--db", folder.path("divvy.db"), "--solver", "smollm2-135m",
                       "--paths", "cot,pot", "--max-tokens", "40", "--json", "--verbose"]
        for run in ["first", "cached"] {
            let result = try DivvyProcess.run(options)
            #expect(result.status == 0, "\(run): \(result.stderr)")
            let subproblems = try #require(try Self.object(result.stdout)["subproblems"] as? [[String: Any]])
            let lines = result.stderr.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            for path in ["cot", "pot"] {
                let written = try #require(subproblems.first { $0["path"] as? String == path }?["output"] as? String)
                let echoed = lines.filter { $0.hasPrefix("[\(path)] ") }.map { String($0.dropFirst(path.count + 3)) }
                #expect(echoed.joined(separator: "\n") == written.trimmingCharacters(in: .newlines), "\(run) \(path)")
            }
        }
    }

    @Test("A bad --paths value is a usage error that says what paths look like")
    func badPaths() throws {
        let result = try DivvyProcess.run(["solve", "What is 1 plus 1?", "--paths", "pot,tot"])
        #expect(result.status == 64)
        #expect(result.stderr.contains("pot,pot+plan/cot"))
    }

    @Test("eval compares every pair of modes and a --baseline run problem by problem, with a sign-test p-value")
    func pairedComparisons() throws {
        try #require(EngineCommandTests.testModelIsPresent, "run scripts/fetch-models --test-only")
        let folder = try DivvyProcess.ScratchFolder()
        try (1...3).map { #"{"id": "p\#($0)", "question": "What is \#($0) plus \#($0)?", "answer": "\#(2 * $0)"}"# }
            .joined(separator: "\n").write(toFile: folder.path("dev.jsonl"), atomically: true, encoding: .utf8)
        let common = ["eval", "--data", folder.path("dev.jsonl"), "--solver", "smollm2-135m", "--max-tokens", "8",
                      "--db", folder.path("divvy.db")]
        let first = try DivvyProcess.run(common + ["--modes", "direct,pot", "--json"])
        #expect(first.status == 0, "stderr: \(first.stderr)")
        let report = try Self.object(first.stdout)
        let pairs = try #require(report["comparisons"] as? [[String: Any]])
        #expect(pairs.count == 1)
        #expect(pairs.first?["first"] as? String == "direct" && pairs.first?["second"] as? String == "pot")
        #expect(pairs.first?["problems"] as? Int == 3)
        let p = try #require(pairs.first?["pValue"] as? Double)
        #expect(p > 0 && p <= 1)

        let candidate = try DivvyProcess.run(common + ["--modes", "cot@1", "--baseline", "1"])
        #expect(candidate.status == 0, "stderr: \(candidate.stderr)")
        #expect(candidate.stdout.contains("cot@1 vs run 1 (eval:direct)"))
        #expect(candidate.stdout.contains("sign test p"))
    }
}
