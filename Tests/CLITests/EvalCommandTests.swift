import Foundation
import Testing

/// `divvy eval` as a real process on the small test model.
@Suite(.serialized)
struct EvalCommandTests {
    @Test("eval --json grades decomposed plans against the gold decompositions beside the data file")
    func planQuality() throws {
        try #require(EngineCommandTests.testModelIsPresent, "run scripts/fetch-models --test-only")
        let folder = try DivvyProcess.ScratchFolder()
        let problems = """
        {"id": "p1", "question": "Ann has 3 pens and buys 4 more. How many pens does she have?", "answer": "7"}
        {"id": "p2", "question": "A box holds 6 eggs. How many eggs are in 5 boxes?", "answer": "30"}
        """
        let decompositions = """
        {"id": "p1", "subquestions": [{"q": "How many pens does Ann buy?"}, {"q": "How many pens does she have?"}]}
        {"id": "p2", "subquestions": [{"q": "How many eggs are in 5 boxes?"}]}
        """
        try problems.write(toFile: folder.path("dev.jsonl"), atomically: true, encoding: .utf8)
        try decompositions.write(toFile: folder.path("dev_decomp.jsonl"), atomically: true, encoding: .utf8)
        let result = try DivvyProcess.run(["eval", "--data", folder.path("dev.jsonl"), "--modes", "direct,decomposed",
                                           "--planner", "smollm2-135m", "--solver", "smollm2-135m", "--max-tokens", "24",
                                           "--db", folder.path("divvy.db"), "--json"])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        let modes = try #require((try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])?["modes"] as? [[String: Any]])
        #expect(modes.map { $0["mode"] as? String } == ["direct", "decomposed"])
        #expect(modes[0]["planQuality"] == nil)
        let quality = try #require(modes[1]["planQuality"] as? [String: Any])
        #expect(quality["tasks"] as? Int == 2)
        #expect(quality["meanGoldSteps"] as? Double == 1.5)
        let overlap = try #require(quality["overlap"] as? Double)
        #expect((0...1).contains(overlap))
    }

    @Test("eval --skip 1 --limit 1 solves only the second problem")
    func skipAndLimit() throws {
        try #require(EngineCommandTests.testModelIsPresent, "run scripts/fetch-models --test-only")
        let folder = try DivvyProcess.ScratchFolder()
        try (1...3).map { #"{"id": "p\#($0)", "question": "What is \#($0) plus \#($0)?", "answer": "\#(2 * $0)"}"# }
            .joined(separator: "\n").write(toFile: folder.path("dev.jsonl"), atomically: true, encoding: .utf8)
        let result = try DivvyProcess.run(["eval", "--data", folder.path("dev.jsonl"), "--modes", "direct", "--skip", "1",
                                           "--limit", "1", "--solver", "smollm2-135m", "--max-tokens", "8",
                                           "--db", folder.path("divvy.db"), "--json"])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        let modes = try #require((try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])?["modes"] as? [[String: Any]])
        #expect(modes.first?["problems"] as? Int == 1)
        let shown = try DivvyProcess.run(["show", "\(modes.first?["run"] as? Int ?? 0)", "--db", folder.path("divvy.db"), "--json"])
        #expect(shown.stdout.contains("What is 2 plus 2?"))
        #expect(!shown.stdout.contains("What is 1 plus 1?") && !shown.stdout.contains("What is 3 plus 3?"))
    }

    @Test("eval without --data reads the repository's GSM8K dev problems, from any folder")
    func bundledDevProblems() throws {
        try #require(EngineCommandTests.testModelIsPresent, "run scripts/fetch-models --test-only")
        let folder = try DivvyProcess.ScratchFolder()
        let result = try DivvyProcess.run(["eval", "--modes", "direct", "--limit", "1", "--solver", "smollm2-135m",
                                           "--max-tokens", "4", "--db", folder.path("divvy.db"), "--json"], in: folder.url)
        #expect(result.status == 0, "stderr: \(result.stderr)")
        let modes = try #require((try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])?["modes"] as? [[String: Any]])
        #expect(modes.first?["problems"] as? Int == 1)
        let shown = try DivvyProcess.run(["show", "\(modes.first?["run"] as? Int ?? 0)", "--db", folder.path("divvy.db")])
        let firstProblem = try String(contentsOfFile: RepositoryFiles.devProblems, encoding: .utf8).split(separator: "\n")[0]
        let question = try #require((try JSONSerialization.jsonObject(with: Data(firstProblem.utf8)) as? [String: Any])?["question"] as? String)
        #expect(shown.stdout.contains(String(question.prefix(40))))
    }
}

/// Files of this repository, found from this file's own path.
enum RepositoryFiles {
    static let devProblems = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("data/gsm8k/gsm8k_dev.jsonl").path
}
