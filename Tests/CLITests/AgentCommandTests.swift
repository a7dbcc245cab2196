import Foundation
import SQLiteKit
import Testing

/// `divvy solve`, `replay`, `runs`, `show` and `batch` run as real processes.
@Suite(.serialized)
struct AgentCommandTests {
    @Test("solve with a draft model gives the same paths; it needs a local solver")
    func solveWithADraftModel() throws {
        try #require(EngineCommandTests.testModelIsPresent, "run scripts/fetch-models --test-only")
        let folder = try DivvyProcess.ScratchFolder()
        let options = ["solve", "What is 6 plus 7?", "--db", folder.path("divvy.db"), "--no-cache", "--solver", "smollm2-135m",
                       "--paths", "cot", "--max-tokens", "24", "--json"]
        func subproblems(_ output: DivvyProcess.Output) throws -> [String] {
            #expect(output.status == 0, "stderr: \(output.stderr)")
            let object = try #require(try JSONSerialization.jsonObject(with: Data(output.stdout.utf8)) as? [String: Any])
            return try #require(object["subproblems"] as? [[String: Any]]).compactMap { $0["output"] as? String }
        }
        let plain = try subproblems(try DivvyProcess.run(options + ["--no-speculation"]))
        #expect(plain.count == 1)
        #expect(try subproblems(try DivvyProcess.run(options + ["--draft-model", "smollm2-135m"])) == plain)
        let remote = try DivvyProcess.run(options + ["--draft-model", "smollm2-135m", "--solver-url", "http://127.0.0.1:9"])
        #expect(remote.status == 64)
        #expect(remote.stderr.contains("--solver-url"))
    }

    @Test("solve --json, a cached text rerun, and replays that print exactly what the runs printed")
    func solveAndReplay() throws {
        try #require(EngineCommandTests.testModelIsPresent, "run scripts/fetch-models --test-only")
        let folder = try DivvyProcess.ScratchFolder()
        let options = ["--db", folder.path("divvy.db"), "--solver", "smollm2-135m", "--paths", "cot", "--max-tokens", "8"]
        let task = "What is 6 plus 7?"

        let json = try DivvyProcess.run(["solve", task, "--json"] + options)
        #expect(json.status == 0, "stderr: \(json.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        #expect(object["run"] as? Int == 1)
        #expect((object["cache"] as? [String: Int]) == ["hits": 0, "misses": 1])
        #expect((object["subproblems"] as? [Any])?.count == 1)

        let text = try DivvyProcess.run(["solve", task] + options)
        #expect(text.status == 0)
        #expect(text.stdout.hasPrefix("Plan: none (--no-plan, or no reasoning path uses one)\n"))
        #expect(text.stdout.contains("[run 2 · cache: 1 hits, 0 misses · tokens: 0 in, 0 out"))

        let replayText = try DivvyProcess.run(["replay", "2", "--db", folder.path("divvy.db")])
        #expect(replayText.status == 0)
        #expect(replayText.stdout == text.stdout)
        #expect(replayText.stderr.contains("0 model calls"))
        let replayJSON = try DivvyProcess.run(["replay", "1", "--json", "--db", folder.path("divvy.db")])
        #expect(replayJSON.stdout == json.stdout)

        let runs = try DivvyProcess.run(["runs", "--json", "--db", folder.path("divvy.db")])
        let listed = try #require(try JSONSerialization.jsonObject(with: Data(runs.stdout.utf8)) as? [[String: Any]])
        #expect(listed.compactMap { $0["id"] as? Int } == [2, 1])
    }

    @Test("A missing model says how to fetch it")
    func missingModel() throws {
        let folder = try DivvyProcess.ScratchFolder()
        let result = try DivvyProcess.run(["solve", "What is 1 plus 1?", "--db", folder.path("divvy.db"), "--no-plan",
                                     "--solver", "smollm2-135m"], environment: ["DIVVY_MODELS": folder.path("models")])
        #expect(result.status == 66)
        #expect(result.stderr.contains("scripts/fetch-models smollm2-135m"))
    }

    @Test("An answer taken from a reply cut at --max-tokens is marked truncated in the text, the JSON and the log")
    func truncatedAnswerIsMarked() throws {
        try #require(EngineCommandTests.testModelIsPresent, "run scripts/fetch-models --test-only")
        let folder = try DivvyProcess.ScratchFolder()
        let solve = ["solve", "A box holds 12 eggs. How many eggs are in 3 boxes?", "--db", folder.path("divvy.db"),
                     "--no-plan", "--paths", "cot", "--solver", "smollm2-135m"]
        let cut = try DivvyProcess.run(solve + ["--max-tokens", "60"])
        #expect(cut.status == 0, "\(cut.stderr)")
        #expect(cut.stdout.contains("(cut at --max-tokens 60)"))
        #expect(cut.stdout.contains("truncated: every reply that gave this answer was cut at the token limit"))
        let json = try DivvyProcess.run(solve + ["--max-tokens", "60", "--json"])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        #expect(object["answer"] is String, "the cut reply still gives a number")
        #expect(object["truncated"] as? Bool == true)
        #expect((object["subproblems"] as? [[String: Any]])?.first?["truncated"] as? Bool == true)
        // The log keeps it: show reads it back from the database.
        let shown = try DivvyProcess.run(["show", "2", "--json", "--db", folder.path("divvy.db")])
        #expect(shown.stdout.contains(#""truncated" : true"#), "\(shown.stdout.prefix(400))")
    }

    @Test("solve - reads the task from standard input")
    func taskFromStandardInput() throws {
        try #require(EngineCommandTests.testModelIsPresent, "run scripts/fetch-models --test-only")
        let folder = try DivvyProcess.ScratchFolder()
        let result = try DivvyProcess.run(["solve", "-", "--db", folder.path("divvy.db"), "--no-plan", "--solver", "smollm2-135m",
                                           "--max-tokens", "4"], input: "What is 6 plus 7?\n")
        #expect(result.status == 0, "\(result.stderr)")
        let shown = try DivvyProcess.run(["show", "1", "--db", folder.path("divvy.db")])
        #expect(shown.stdout.contains("What is 6 plus 7?"))
        #expect(!shown.stdout.contains("task: -\n"))
        // --full adds the whole task and each path's reply, line by line, under its entry.
        let full = try DivvyProcess.run(["show", "1", "--full", "--db", folder.path("divvy.db")])
        #expect(full.status == 0)
        #expect(full.stdout.contains("task text:\n") && full.stdout.contains("  │ What is 6 plus 7?\n"))
        let json = try DivvyProcess.run(["show", "1", "--json", "--db", folder.path("divvy.db")])
        let run = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let tasks = try #require(run["tasks"] as? [[String: Any]])
        let outputs = (tasks.first?["subproblems"] as? [[String: Any]] ?? []).compactMap { $0["output"] as? String }
        #expect(!outputs.isEmpty)
        for output in outputs {
            for line in output.split(separator: "\n") { #expect(full.stdout.contains("  │ " + line)) }
        }
    }

    @Test("Unknown runs and unreadable task files are errors with their own exit codes")
    func badInput() throws {
        let folder = try DivvyProcess.ScratchFolder()
        _ = try Database(path: folder.path("divvy.db"))   // an empty database: show reads it, finds no run
        let show = try DivvyProcess.run(["show", "42", "--db", folder.path("divvy.db")])
        #expect(show.status == 65)
        #expect(show.stderr.contains("no run 42"))
        let batch = try DivvyProcess.run(["batch", folder.path("none.jsonl"), "--db", folder.path("divvy.db")])
        #expect(batch.status == 66)
        #expect(batch.stderr.contains("cannot read task file"))
        let usage = try DivvyProcess.run(["solve"])
        #expect(usage.status == 64)
    }
}
