import Foundation
import LLM
import SQLiteKit
import Testing

/// `divvy distill --out`: LoRA training of the planner as a real process on the small test model.
@Suite(.serialized)
struct DistillLoRACommandTests {
    /// Ten two-step problems with gold subquestions, written to `train.jsonl` in `folder`.
    static func writeTrainingData(_ folder: DivvyProcess.ScratchFolder) throws -> String {
        let names = ["Ann", "Ben", "Cy", "Dee", "Eli", "Fay", "Gus", "Hal", "Ida", "Jo"]
        let lines = names.enumerated().map { i, name in
            let a = 3 + i, b = 2 * i + 5
            return #"{"id": "t\#(i)", "question": "\#(name) has \#(a) boxes of \#(b) pens and gives away 4 pens. How many pens are left?", "#
                + #""answer": "\#(a * b - 4)", "subquestions": [{"q": "How many pens are in \#(a) boxes of \#(b)?"}, "#
                + #"{"q": "How many pens are left after \#(name) gives away 4?"}]}"#
        }
        let path = folder.path("train.jsonl")
        try lines.joined(separator: "\n").write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// The ten problems, eight trained on in four steps of two, two held out.
    static func options(_ folder: DivvyProcess.ScratchFolder, out: String) throws -> [String] {
        ["distill", "--base", EngineCommandTests.testModel, "--data", try writeTrainingData(folder),
         "--validation", "2", "--batch", "2", "--rank", "4", "--checkpoint-every", "1",
         "--out", folder.path(out), "--db", folder.path("divvy.db")]
    }

    static func loggedSteps(_ folder: DivvyProcess.ScratchFolder) -> Int {
        guard let database = try? Database(path: folder.path("divvy.db"), flags: [.readOnly]),
              let count = try? database.fetchAll("SELECT count(*) FROM training_steps", row: { $0.int64(at: 0) }).first
        else { return 0 }
        return Int(count ?? 0)
    }

    @Test("Ctrl-C stops after a step with a checkpoint; the same command resumes and writes the uninterrupted run's adapter")
    func interruptAndResume() throws {
        try #require(EngineCommandTests.testModelIsPresent, "run scripts/fetch-models --test-only")
        let folder = try DivvyProcess.ScratchFolder()

        let straight = try DivvyProcess.run(try Self.options(folder, out: "straight.gguf") + ["--json"])
        try #require(straight.status == 0, "stderr: \(straight.stderr)")
        let summary = try #require(try JSONSerialization.jsonObject(with: Data(straight.stdout.utf8)) as? [String: Any])
        #expect(summary["steps"] as? Int == 4)
        #expect(summary["trainingExamples"] as? Int == 8)
        #expect(summary["finished"] as? Bool == true)
        let before = try #require(summary["validationLossBefore"] as? Double)
        let after = try #require(summary["validationLossAfter"] as? Double)
        #expect(after < before, "four steps on gold plans lower the held-out loss")
        #expect(straight.stderr.contains("step 4/4 · loss"))

        let process = try DivvyProcess.start(try Self.options(folder, out: "resumed.gguf"))
        let logged = Self.loggedSteps(folder)
        var waited = 0
        while Self.loggedSteps(folder) == logged, process.isRunning, waited < 600 {
            usleep(100_000)
            waited += 1
        }
        try #require(process.isRunning, "the training ended before it could be interrupted")
        kill(process.processIdentifier, SIGINT)
        process.waitUntilExit()
        #expect(process.terminationStatus == 130)
        #expect(!FileManager.default.fileExists(atPath: folder.path("resumed.gguf")))
        let checkpoints = try FileManager.default.contentsOfDirectory(atPath: folder.url.path).filter { $0.hasSuffix(".checkpoint") }
        #expect(checkpoints.count == 1)

        let resumed = try DivvyProcess.run(try Self.options(folder, out: "resumed.gguf") + ["--json"])
        try #require(resumed.status == 0, "stderr: \(resumed.stderr)")
        let resumedSummary = try #require(try JSONSerialization.jsonObject(with: Data(resumed.stdout.utf8)) as? [String: Any])
        #expect((resumedSummary["resumedAtStep"] as? Int ?? 0) > 0)
        #expect(resumedSummary["validationLossBefore"] as? Double == before, "the held-out loss before training is kept in the database")
        #expect(resumedSummary["validationLossAfter"] as? Double == after)
        let straightAdapter = try Data(contentsOf: URL(fileURLWithPath: folder.path("straight.gguf")))
        #expect(try Data(contentsOf: URL(fileURLWithPath: folder.path("resumed.gguf"))) == straightAdapter)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.url.path).filter { $0.hasSuffix(".checkpoint") }.isEmpty)

        let config = try LanguageModel(path: ModelLocator.resolve(EngineCommandTests.testModel)).config
        let adapter = try LoRAAdapter(path: folder.path("resumed.gguf"), config: config)
        #expect(adapter.layers.allSatisfy { $0.count == LoRATarget.allCases.count && $0.values.allSatisfy { $0.rank == 4 } })
    }

    @Test("--teacher first mines plans by rejection sampling (logged as a distill run), then trains on gold and kept plans")
    func teacherThenTraining() throws {
        try #require(EngineCommandTests.testModelIsPresent, "run scripts/fetch-models --test-only")
        let folder = try DivvyProcess.ScratchFolder()
        let result = try DivvyProcess.run(try Self.options(folder, out: "taught.gguf")
            + ["--teacher", EngineCommandTests.testModel, "--solver", EngineCommandTests.testModel, "--teacher-limit", "2",
               "--max-tokens", "8", "--json"])
        try #require(result.status == 0, "stderr: \(result.stderr)")
        #expect(result.stderr.contains("distill run 1: tried 2 of 2 problems"))
        let summary = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let database = try Database(path: folder.path("divvy.db"), flags: [.readOnly])
        let kept = try database.fetchAll("SELECT count(*) FROM exemplars WHERE source = 'teacher'") { $0.int64(at: 0) }.first ?? 0
        #expect(summary["trainingExamples"] as? Int == 8 + Int(kept ?? 0))
        #expect(FileManager.default.fileExists(atPath: folder.path("taught.gguf")))
    }

    @Test("Bad training options are usage errors; the dev set is refused")
    func badOptions() throws {
        let folder = try DivvyProcess.ScratchFolder()
        for bad in [["--rank", "0"], ["--targets", "attn_q,nope"], ["--learning-rate", "2"], ["--batch", "0"]] {
            let result = try DivvyProcess.run(try Self.options(folder, out: "x.gguf") + bad)
            #expect(result.status == 64, "\(bad): \(result.stderr)")
        }
        let dev = folder.path("gsm8k_dev.jsonl")
        try FileManager.default.copyItem(atPath: try Self.writeTrainingData(folder), toPath: dev)
        let refused = try DivvyProcess.run(["distill", "--data", dev, "--out", folder.path("x.gguf"), "--db", folder.path("divvy.db")])
        #expect(refused.status == 64)
        #expect(refused.stderr.contains("dev set"))
    }
}
