import Foundation
import HTTP
import Serve
import Testing

/// `solve`, `batch` and `eval` with `--solver-url`: against `divvy serve`'s server run in this
/// process, and against an address where nothing listens.
@Suite(.serialized)
struct RemoteSolveCommandTests {
    @Test("solve --solver-url prints the local solver's answer; a rerun is served from the cache")
    func solveThroughServer() throws {
        try #require(EngineCommandTests.testModelIsPresent, "run scripts/fetch-models --test-only")
        let server = try ChatServer.startedWithTestModel()
        defer { server.stop() }
        let folder = try DivvyProcess.ScratchFolder()
        let task = "What is 6 plus 7?"
        let common = [task, "--paths", "cot", "--max-tokens", "12", "--json"]
        let local = try DivvyProcess.run(["solve", "--solver", "smollm2-135m", "--db", folder.path("local.db")] + common)
        #expect(local.status == 0, "stderr: \(local.stderr)")

        let url = "http://127.0.0.1:\(server.port)/v1"
        let remoteOptions = ["--solver-url", url, "--db", folder.path("remote.db")] + common
        let remote = try DivvyProcess.run(["solve"] + remoteOptions)
        #expect(remote.status == 0, "stderr: \(remote.stderr)")
        let localJSON = try Self.object(local.stdout), remoteJSON = try Self.object(remote.stdout)
        #expect(remoteJSON["output"] as? String == localJSON["output"] as? String)
        #expect(remoteJSON["answer"] as? String == localJSON["answer"] as? String)
        #expect(remoteJSON["tokens"] as? [String: Int] == localJSON["tokens"] as? [String: Int])

        let again = try DivvyProcess.run(["solve"] + remoteOptions)
        #expect(try Self.object(again.stdout)["cache"] as? [String: Int] == ["hits": 1, "misses": 0])
        let show = try DivvyProcess.run(["show", "2", "--json", "--db", folder.path("remote.db")])
        let settings = try Self.object(show.stdout)["settings"] as? [String: Any]
        #expect(settings?["solverPath"] as? String == url)
        #expect(settings?["solverIdentity"] as? String == "openai:\(url)#smollm2-135m")
    }

    @Test("An unreachable server is one line on stderr and exit status 69, for solve, batch and eval")
    func unreachableServer() throws {
        let server = try HTTPServer(configuration: .init(port: 0)) { _, _ in HTTPResponse(status: 200) }
        let url = "http://127.0.0.1:\(server.port)/v1"
        server.stop()
        let folder = try DivvyProcess.ScratchFolder()
        let tasks = folder.path("tasks.jsonl")
        try #"{"id": "a", "question": "What is 2 plus 3?", "answer": "5"}"#.write(toFile: tasks, atomically: true, encoding: .utf8)
        let db = ["--db", folder.path("divvy.db")]
        for arguments in [["solve", "What is 2 plus 3?", "--no-plan", "--solver-url", url, "--solver-model", "m"],
                          ["batch", tasks, "--planner-url", url], ["eval", "--data", tasks, "--modes", "direct", "--solver-url", url]] {
            let result = try DivvyProcess.run(arguments + db)
            #expect(result.status == 69, "\(arguments[0]): \(result.stderr)")
            #expect(result.stderr == "error: cannot reach \(url)/models: connection refused\n", "\(arguments[0])")
        }
    }

    static func object(_ json: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
    }
}
