import Foundation
import Testing

/// Runs the built `divvy` binary (next to the test bundle) end to end.
@Suite(.serialized)
struct CLITests {
    struct Output {
        let status: Int32
        let stdout: String
        let stderr: String
    }

    static func divvy(_ arguments: [String], environment: [String: String] = [:]) throws -> Output {
        // The test bundle sits in the build folder (.build/<triple>/debug), next to the binary.
        let folder = Bundle.main.bundleURL.pathExtension == "xctest"
            ? Bundle.main.bundleURL.deletingLastPathComponent() : Bundle.main.bundleURL
        let binary = folder.appendingPathComponent("divvy")
        guard FileManager.default.isExecutableFile(atPath: binary.path) else {
            throw CLIMissing(path: binary.path)
        }
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Output(status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
                      stderr: String(decoding: stderr, as: UTF8.self))
    }

    struct CLIMissing: Error, CustomStringConvertible {
        let path: String
        var description: String { "no divvy binary at \(path): build it with `swift build`" }
    }

    @Test("solve --json, a cached text rerun, and replays that print exactly what the runs printed")
    func solveAndReplay() throws {
        _ = try SmolModel.requirePath()
        let folder = try TemporaryFolder()
        let options = ["--db", folder.path("divvy.db"), "--solver", "smollm2-135m", "--no-plan", "--max-tokens", "8"]
        let task = "What is 6 plus 7?"

        let json = try Self.divvy(["solve", task, "--json"] + options)
        #expect(json.status == 0, "stderr: \(json.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        #expect(object["run"] as? Int == 1)
        #expect((object["cache"] as? [String: Int]) == ["hits": 0, "misses": 1])
        #expect((object["subproblems"] as? [Any])?.count == 1)

        let text = try Self.divvy(["solve", task] + options)
        #expect(text.status == 0)
        #expect(text.stdout.hasPrefix("Plan: none (--no-plan); solving directly\n"))
        #expect(text.stdout.contains("[run 2 · cache: 1 hits, 0 misses · tokens: 0 in, 0 out"))

        let replayText = try Self.divvy(["replay", "2", "--db", folder.path("divvy.db")])
        #expect(replayText.status == 0)
        #expect(replayText.stdout == text.stdout)
        #expect(replayText.stderr.contains("0 model calls"))
        let replayJSON = try Self.divvy(["replay", "1", "--json", "--db", folder.path("divvy.db")])
        #expect(replayJSON.stdout == json.stdout)

        let runs = try Self.divvy(["runs", "--json", "--db", folder.path("divvy.db")])
        let listed = try #require(try JSONSerialization.jsonObject(with: Data(runs.stdout.utf8)) as? [[String: Any]])
        #expect(listed.compactMap { $0["id"] as? Int } == [2, 1])
    }

    @Test("A missing model says how to fetch it")
    func missingModel() throws {
        let folder = try TemporaryFolder()
        let result = try Self.divvy(["solve", "What is 1 plus 1?", "--db", folder.path("divvy.db"), "--no-plan",
                                     "--solver", "smollm2-135m"], environment: ["DIVVY_MODELS": folder.path("models")])
        #expect(result.status == 66)
        #expect(result.stderr.contains("scripts/fetch-models smollm2-135m"))
    }

    @Test("Unknown runs and unreadable task files are errors with their own exit codes")
    func badInput() throws {
        let folder = try TemporaryFolder()
        let show = try Self.divvy(["show", "42", "--db", folder.path("divvy.db")])
        #expect(show.status == 65)
        #expect(show.stderr.contains("no run 42"))
        let batch = try Self.divvy(["batch", folder.path("none.jsonl"), "--db", folder.path("divvy.db")])
        #expect(batch.status == 66)
        #expect(batch.stderr.contains("cannot read task file"))
        let usage = try Self.divvy(["solve"])
        #expect(usage.status == 64)
    }
}
