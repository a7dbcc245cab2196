import Foundation
import Testing

/// `divvy distill` and `--exemplars-from` run as real processes with the small test model.
@Suite(.serialized)
struct DistillCommandTests {
    static let problem = #"{"id": "gsm8k-train-1", "question": "Weng earns $12 an hour for babysitting. Yesterday, she did 50 minutes of babysitting. How much did she earn?", "answer": "10"}"#

    static func json(_ output: DivvyProcess.Output) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(output.stdout.utf8)) as? [String: Any])
    }

    @Test("distill on one problem: counts agree with the exemplars table; a rerun skips the tried problem")
    func distillOneProblem() throws {
        try #require(EngineCommandTests.testModelIsPresent, "run scripts/fetch-models --test-only")
        let folder = try DivvyProcess.ScratchFolder()
        let data = folder.path("train.jsonl")
        try Data((Self.problem + "\n").utf8).write(to: URL(fileURLWithPath: data))
        let options = ["--data", data, "--db", folder.path("divvy.db"), "--teacher", "smollm2-135m", "--solver", "smollm2-135m",
                       "--max-tokens", "8", "--parallel", "2", "--json"]

        let first = try DivvyProcess.run(["distill"] + options)
        #expect(first.status == 0, "stderr: \(first.stderr)")
        let summary = try Self.json(first)
        #expect(summary["problems"] as? Int == 1)
        #expect(summary["tried"] as? Int == 1)
        #expect(summary["skipped"] as? Int == 0)
        let kept = try #require(summary["kept"] as? Int)
        #expect(kept <= 1)
        #expect(summary["exemplars"] as? Int == kept)
        #expect((summary["cacheMisses"] as? Int ?? 0) >= 1)

        let again = try Self.json(try DivvyProcess.run(["distill"] + options))
        #expect(again["tried"] as? Int == 0)
        #expect(again["skipped"] as? Int == 1)
        #expect(again["exemplars"] as? Int == kept)

        let runs = try DivvyProcess.run(["show", "1", "--json", "--db", folder.path("divvy.db")])
        #expect(runs.status == 0)
        #expect(runs.stdout.contains("gsm8k-train-1"))
    }

    @Test("distill refuses the dev set; --exemplars-from db refuses a database without exemplars")
    func refusals() throws {
        try #require(EngineCommandTests.testModelIsPresent, "run scripts/fetch-models --test-only")
        let folder = try DivvyProcess.ScratchFolder()
        let dev = folder.path("gsm8k_dev.jsonl")
        try Data((Self.problem + "\n").utf8).write(to: URL(fileURLWithPath: dev))
        let fromDev = try DivvyProcess.run(["distill", "--data", dev, "--db", folder.path("divvy.db")])
        #expect(fromDev.status == 64)
        #expect(fromDev.stderr.contains("dev set"))

        let solve = try DivvyProcess.run(["solve", "What is 2 plus 3?", "--db", folder.path("divvy.db"), "--planner", "smollm2-135m",
                                          "--solver", "smollm2-135m", "--exemplars-from", "db", "--max-tokens", "4"])
        #expect(solve.status == 64)
        #expect(solve.stderr.contains("holds no exemplars"))
    }
}
