import Foundation
import SQLiteKit
import Testing

/// What users and machines do to long batch runs: a damaged database, `kill -9` mid-run, two
/// processes on one database. Nothing finished may be lost or recorded twice.
@Suite(.serialized)
struct FaultToleranceTests {
    static let solving = ["--no-plan", "--solver", "smollm2-135m", "--max-tokens", "6", "--parallel", "2"]

    /// A task file of `count` small arithmetic tasks with gold answers.
    static func taskFile(in folder: DivvyProcess.ScratchFolder, count: Int) throws -> String {
        let path = folder.path("tasks.jsonl")
        let lines = (1...count).map { #"{"id": "t\#($0)", "task": "What is \#($0) plus 1?", "answer": "\#($0 + 1)"}"# }
        try lines.joined(separator: "\n").write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// Waits (two minutes at most) until `process` has recorded `count` tasks in `db` or has ended.
    static func waitForRecordedTasks(_ count: Int, in db: String, by process: Process) {
        var recorded = 0
        let deadline = Date().addingTimeInterval(120)
        while recorded < count, process.isRunning, Date() < deadline {
            Thread.sleep(forTimeInterval: 0.2)
            recorded = (try? recordedTasks(db).values.first?.count) ?? 0
        }
    }

    /// Task keys recorded per run, read straight from the database.
    static func recordedTasks(_ db: String) throws -> [Int64: [String]] {
        let database = try Database(path: db, flags: [.readOnly])
        let rows = try database.fetchAll("SELECT run_id, task_key FROM tasks ORDER BY id") { ($0.int64(at: 0)!, $0.string(at: 1)!) }
        return Dictionary(grouping: rows, by: \.0).mapValues { $0.map(\.1) }
    }

    @Test func readOnlyCommandsNeverCreateADatabase() throws {
        let folder = try DivvyProcess.ScratchFolder()
        let typo = folder.path("typo/x.db")
        for command in [["runs"], ["show", "1"], ["replay", "1"]] {
            let result = try DivvyProcess.run(command + ["--db", typo])
            #expect(result.status == 66, "\(command)")
            #expect(result.stderr.contains("no run database at \(typo)"))
        }
        #expect(!FileManager.default.fileExists(atPath: folder.path("typo")))
    }

    @Test func theDatabaseComesFromDIVVY_DBThenXDG_DATA_HOME() throws {
        let folder = try DivvyProcess.ScratchFolder()
        let named = try DivvyProcess.run(["runs"], environment: ["DIVVY_DB": folder.path("env.db"), "XDG_DATA_HOME": folder.path("xdg")])
        #expect(named.status == 66 && named.stderr.contains("no run database at \(folder.path("env.db"))"))
        let xdg = try DivvyProcess.run(["runs"], environment: ["DIVVY_DB": "", "XDG_DATA_HOME": folder.path("xdg")])
        #expect(xdg.status == 66 && xdg.stderr.contains("no run database at \(folder.path("xdg"))/divvy/divvy.db"))
    }

    @Test func taskFilesWithNothingToSolveAreClearErrors() throws {
        let folder = try DivvyProcess.ScratchFolder()
        try "not json\n{\"id\": 1}\n".write(toFile: folder.path("bad.jsonl"), atomically: true, encoding: .utf8)
        let allBad = try DivvyProcess.run(["batch", folder.path("bad.jsonl"), "--db", folder.path("divvy.db")] + Self.solving)
        #expect(allBad.status == 65)
        #expect(allBad.stderr.contains("all 2 of its lines are bad"))
        let directory = try DivvyProcess.run(["batch", folder.url.path, "--db", folder.path("divvy.db")] + Self.solving)
        #expect(directory.status == 66)
        #expect(directory.stderr == "error: cannot read task file '\(folder.url.path)': it is a folder, not a file\n")
    }

    @Test func damagedDatabaseGetsAClearErrorAndASuggestion() throws {
        let folder = try DivvyProcess.ScratchFolder()
        let db = folder.path("divvy.db")
        try Data("SQLite format 3\0".utf8 + (0..<4096).map { UInt8(truncatingIfNeeded: $0 &* 31) }).write(to: URL(fileURLWithPath: db))
        let result = try DivvyProcess.run(["runs", "--db", db])
        #expect(result.status == 65)
        #expect(result.stderr.contains("damaged or not a Divvy database"))
        #expect(result.stderr.contains("mv \(db) \(db).bad"))
        #expect(result.stderr.split(separator: "\n").count == 1)
    }

    @Test func moreSequencesThanTheKVBudgetAreRefused() throws {
        try #require(EngineCommandTests.testModelIsPresent, "run scripts/fetch-models --test-only")
        let folder = try DivvyProcess.ScratchFolder()
        let result = try DivvyProcess.run(["solve", "What is 1 plus 1?", "--db", folder.path("divvy.db"), "--no-plan",
                                           "--solver", "smollm2-135m", "--parallel", "64", "--kv-budget", "100"])
        #expect(result.status == 64)
        #expect(result.stderr.contains("over the budget of 100 MiB"))
    }

    /// A task longer than the model's context is refused with the reason, in the output and the
    /// exit status; it is never truncated silently.
    @Test func taskLongerThanTheContextIsADataError() throws {
        try #require(EngineCommandTests.testModelIsPresent, "run scripts/fetch-models --test-only")
        let folder = try DivvyProcess.ScratchFolder()
        let task = String(repeating: "apple ", count: 9000) + "How many apples?"
        let result = try DivvyProcess.run(["solve", task, "--db", folder.path("divvy.db"), "--no-plan",
                                           "--solver", "smollm2-135m", "--max-tokens", "8"])
        #expect(result.status == 65)
        #expect(result.stderr.contains("more than the 8192 the model's context allows"))
        #expect(result.stdout.contains("Answer: (none)"))
    }

    @Test func killDashNineMidBatchThenResumeLosesNothing() throws {
        try #require(EngineCommandTests.testModelIsPresent, "run scripts/fetch-models --test-only")
        let folder = try DivvyProcess.ScratchFolder()
        let tasks = try Self.taskFile(in: folder, count: 8), db = folder.path("divvy.db")
        let arguments = ["batch", tasks, "--db", db, "--out", folder.path("first.jsonl")] + Self.solving
        let process = try DivvyProcess.start(arguments)
        Self.waitForRecordedTasks(2, in: db, by: process)
        try #require(process.isRunning, "the batch ended before it could be killed; make it longer")
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        let afterKill = try Self.recordedTasks(db)
        let survived = afterKill.values.first ?? []
        #expect(survived.count >= 2)

        let resumed = try DivvyProcess.run(["batch", tasks, "--db", db, "--out", folder.path("second.jsonl")] + Self.solving)
        #expect(resumed.status == 0, "\(resumed.stderr)")
        let resumeLine = "resuming run 1: \(survived.count) task\(survived.count == 1 ? "" : "s") already finished"
        #expect(resumed.stderr.hasPrefix(resumeLine) || resumed.stderr.contains("\n" + resumeLine), "said first: \(resumed.stderr)")
        let final = try Self.recordedTasks(db)
        #expect(final.keys.sorted() == [1], "the rerun resumed the killed run instead of starting another")
        #expect(Set(final[1] ?? []) == Set((1...8).map { "t\($0)" }))
        #expect((final[1] ?? []).count == 8, "no task recorded twice")
        #expect(Array((final[1] ?? []).prefix(survived.count)) == survived, "finished tasks kept as they were")
        let results = try String(contentsOfFile: folder.path("second.jsonl"), encoding: .utf8).split(separator: "\n")
        #expect(results.count == 8)
        // In the task file's order, each line with its task and gold answer.
        let lines = try results.map { try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]) }
        #expect(lines.map { $0["id"] as? String } == (1...8).map { "t\($0)" })
        #expect(lines.first?["task"] as? String == "What is 1 plus 1?" && lines.first?["gold"] as? String == "2")
    }

    @Test func ctrlCMarksTheRunInterruptedAndExits130() throws {
        try #require(EngineCommandTests.testModelIsPresent, "run scripts/fetch-models --test-only")
        let folder = try DivvyProcess.ScratchFolder()
        let tasks = try Self.taskFile(in: folder, count: 8), db = folder.path("divvy.db")
        let process = Process()
        process.executableURL = DivvyProcess.executable
        process.arguments = ["batch", tasks, "--db", db, "--out", folder.path("first.jsonl")] + Self.solving
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        Self.waitForRecordedTasks(2, in: db, by: process)
        try #require(process.isRunning, "the batch ended before it could be interrupted; make it longer")
        kill(process.processIdentifier, SIGINT)
        let stderr = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 130)
        #expect(stderr.contains("interrupted: run 1 keeps its"), "\(stderr)")
        let database = try Database(path: db, flags: [.readOnly])
        let status = try database.fetchAll("SELECT status FROM runs WHERE id = 1") { $0.string(at: 0) }.first ?? nil
        #expect(status == "interrupted")
        let resumed = try DivvyProcess.run(["batch", tasks, "--db", db, "--out", folder.path("second.jsonl")] + Self.solving)
        #expect(resumed.status == 0)
        #expect(resumed.stderr.contains("resuming run 1"))
        let after = try database.fetchAll("SELECT status FROM runs") { $0.string(at: 0) }
        #expect(after == ["finished"])
    }

    @Test func twoBatchProcessesOnOneDatabaseBothFinish() throws {
        try #require(EngineCommandTests.testModelIsPresent, "run scripts/fetch-models --test-only")
        let folder = try DivvyProcess.ScratchFolder()
        let tasks = try Self.taskFile(in: folder, count: 6), db = folder.path("divvy.db")
        let first = try DivvyProcess.start(["batch", tasks, "--db", db, "--out", folder.path("a.jsonl")] + Self.solving)
        let second = try DivvyProcess.start(["batch", tasks, "--db", db, "--out", folder.path("b.jsonl")] + Self.solving)
        first.waitUntilExit()
        second.waitUntilExit()
        #expect(first.terminationStatus == 0)
        #expect(second.terminationStatus == 0)
        for name in ["a.jsonl", "b.jsonl"] {
            let lines = try String(contentsOfFile: folder.path(name), encoding: .utf8).split(separator: "\n")
            #expect(lines.count == 6, "\(name) holds every task's result")
        }
        for (run, keys) in try Self.recordedTasks(db) {
            #expect(keys.count == Set(keys).count, "run \(run) recorded a task twice")
            #expect(Set(keys) == Set((1...6).map { "t\($0)" }), "run \(run) lost a task")
        }
        let database = try Database(path: db, flags: [.readOnly])
        let duplicates = try database.fetchAll("SELECT count(*) - count(DISTINCT key) FROM cache_entries") { $0.int64(at: 0) }
        #expect(duplicates == [0])
    }
}
