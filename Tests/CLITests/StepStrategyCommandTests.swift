import Foundation
import Testing

/// `--steps together|separately` on eval, solve and batch, run as real processes with the small test model.
@Suite(.serialized)
struct StepStrategyCommandTests {
    static let problem = #"{"id": "p1", "question": "Tom has 3 apples and buys 5 more. How many apples does he have?", "answer": "8"}"#
    static let plan = #"{"id": "p1", "subquestions": [{"q": "How many apples does Tom buy?", "a": "5"}, {"q": "How many apples does he have?", "a": "8"}]}"#

    static func json(_ output: DivvyProcess.Output) throws -> Any {
        try JSONSerialization.jsonObject(with: Data(output.stdout.utf8))
    }

    @Test("A gold plan answered together is one guided call, separately a call per step and a synthesis; show and replay agree")
    func goldPlanBothWays() throws {
        try #require(EngineCommandTests.testModelIsPresent, "run scripts/fetch-models --test-only")
        let folder = try DivvyProcess.ScratchFolder()
        let data = folder.path("problems.jsonl"), plans = folder.path("problems_decomp.jsonl"), db = folder.path("divvy.db")
        try Data((Self.problem + "\n").utf8).write(to: URL(fileURLWithPath: data))
        try Data((Self.plan + "\n").utf8).write(to: URL(fileURLWithPath: plans))
        let options = ["eval", "--data", data, "--modes", "gold-plan", "--db", db, "--solver", "smollm2-135m",
                       "--max-tokens", "6", "--json"]

        for (steps, run, kinds, roles) in [("together", 1, ["guided"], ["guided"]),
                                           ("separately", 2, ["step", "step", "synthesis"], ["step", "step", "synthesis"])] {
            let eval = try DivvyProcess.run(options + ["--steps", steps])
            #expect(eval.status == 0, "stderr: \(eval.stderr)")
            let summaries = try #require((try Self.json(eval) as? [String: Any])?["modes"] as? [[String: Any]])
            #expect(summaries.first?["run"] as? Int == run)
            #expect(summaries.first?["cacheMisses"] as? Int == roles.count)

            let show = try DivvyProcess.run(["show", String(run), "--json", "--db", db])
            let record = try #require(try Self.json(show) as? [String: Any])
            #expect((record["settings"] as? [String: Any])?["steps"] as? String == steps)
            let task = try #require((record["tasks"] as? [[String: Any]])?.first)
            #expect((task["subproblems"] as? [[String: Any]])?.compactMap { $0["kind"] as? String } == kinds)
            #expect((task["calls"] as? [[String: Any]])?.compactMap { $0["role"] as? String } == roles)
            let tree = try DivvyProcess.run(["show", String(run), "--db", db])
            #expect(tree.stdout.contains("steps \(steps) · parallel"))

            let replay = try DivvyProcess.run(["replay", String(run), "--db", db])
            #expect(replay.status == 0)
            #expect(replay.stdout.hasPrefix("Plan (given):\n  1. How many apples does Tom buy?\n  2. How many apples does he have?\n"))
            #expect(replay.stdout.contains("Answer: "))
        }
        // The same command resumes nothing and answers from the cache: steps are part of a run's settings.
        let again = try DivvyProcess.run(options + ["--steps", "together"])
        let summary = try #require(((try Self.json(again) as? [String: Any])?["modes"] as? [[String: Any]])?.first)
        #expect(summary["run"] as? Int == 3)
        #expect(summary["cacheHits"] as? Int == 1 && summary["cacheMisses"] as? Int == 0)
    }

    @Test("--steps takes together or separately; anything else is a usage error")
    func badStrategy() throws {
        let folder = try DivvyProcess.ScratchFolder()
        for command in [["solve", "What is 1 plus 1?"], ["batch", folder.path("tasks.jsonl")], ["eval"]] {
            let result = try DivvyProcess.run(command + ["--steps", "both", "--db", folder.path("divvy.db")])
            #expect(result.status == 64)
            #expect(result.stderr.contains("together, separately"), "stderr: \(result.stderr)")
        }
        let help = try DivvyProcess.run(["solve", "--help"])
        #expect(help.stdout.contains("--steps <together|separately>"))
    }
}
