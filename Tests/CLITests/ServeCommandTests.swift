import Foundation
import HTTP
import Testing

/// `divvy serve` as a real process: several models (one with an adapter) behind one server, and
/// the key it asks for.
@Suite(.serialized)
struct ServeCommandTests {
    static let model = EngineCommandTests.testModel

    /// A running `divvy serve` and its base URL (read from its first line on stderr); stopped when released.
    final class Server {
        let process: Process
        let url: String

        init(_ arguments: [String]) throws {
            process = Process()
            process.executableURL = DivvyProcess.executable
            process.arguments = ["serve", "--port", "0"] + arguments
            let err = Pipe()
            process.standardError = err
            process.standardOutput = FileHandle.nullDevice
            try process.run()
            var text = ""
            while !text.contains("\n") {
                let chunk = err.fileHandleForReading.availableData
                guard !chunk.isEmpty else { break }
                text += String(decoding: chunk, as: UTF8.self)
            }
            guard let range = text.range(of: #"http://[0-9.]+:[0-9]+"#, options: .regularExpression) else {
                process.terminate()
                throw ServerDidNotStart(stderr: text)
            }
            url = String(text[range]) + "/v1"
        }

        deinit {
            process.terminate()
            process.waitUntilExit()
        }
    }

    struct ServerDidNotStart: Error, CustomStringConvertible {
        let stderr: String
        var description: String { "divvy serve did not start: \(stderr)" }
    }

    @Test("One server backs both the planner (with its adapter) and the solver of another divvy, behind a key")
    func plannerAndSolverFromOneServer() throws {
        let folder = try DivvyProcess.ScratchFolder()
        let adapter = try LoRACommandTests.zeroBAdapter(in: folder)
        let keyFile = folder.path("key")
        try "s3cret\n".write(toFile: keyFile, atomically: true, encoding: .utf8)
        let server = try Server(["--model", Self.model, "--model", "\(Self.model):planner=\(adapter)",
                                 "--api-key-file", keyFile, "--quiet"])

        let listed = try HTTPClient().send("GET", server.url + "/models", headers: ["Authorization": "Bearer s3cret"])
        let ids = ((try JSONSerialization.jsonObject(with: Data(listed.body())) as? [String: Any])?["data"] as? [[String: Any]])?
            .compactMap { $0["id"] as? String }
        #expect(ids == [Self.model, "\(Self.model):planner"])

        let solve = ["solve", "What is 6 plus 7?", "--paths", "cot+plan", "--max-tokens", "16", "--json", "--no-cache",
                     "--db", folder.path("divvy.db"),
                     "--planner-url", server.url, "--planner-model", "\(Self.model):planner",
                     "--solver-url", server.url, "--solver-model", Self.model]
        let refused = try DivvyProcess.run(solve)
        #expect(refused.status == 69, "no key: \(refused.stderr)")
        #expect(refused.stderr.contains("401"))
        let result = try DivvyProcess.run(solve + ["--api-key-env", "DIVVY_TEST_KEY"], environment: ["DIVVY_TEST_KEY": "s3cret"])
        #expect(result.status == 0, "\(result.stderr)")
        let output = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
        let planStatus = (output?["plan"] as? [String: Any])?["status"] as? String
        #expect(["planned", "direct", "fallback"].contains(planStatus), "the planner was asked: \(result.stdout)")
        #expect((output?["cache"] as? [String: Any])?["misses"] as? Int == 2, "a planner call and a solver call")
        #expect(output?["answer"] != nil)
    }

    @Test("Serving beyond loopback needs a key (or --insecure); bad --model specs are usage errors")
    func refusals() throws {
        let open = try DivvyProcess.run(["serve", "--model", Self.model, "--host", "0.0.0.0", "--port", "0"])
        #expect(open.status == 64)
        #expect(open.stderr.contains("--api-key"))
        for spec in ["\(Self.model):=x.gguf", "\(Self.model):planner=", "\(Self.model):bad name=x.gguf"] {
            let bad = try DivvyProcess.run(["serve", "--model", spec, "--port", "0"])
            #expect(bad.status == 64, "\(spec): \(bad.stderr)")
        }
        let twice = try DivvyProcess.run(["serve", "--model", Self.model, "--model", Self.model, "--port", "0"])
        #expect(twice.status == 64)
        #expect(twice.stderr.contains("already served"))
        let missingKey = try DivvyProcess.run(["serve", "--model", Self.model, "--api-key-file", "/nonexistent/key", "--port", "0"])
        #expect(missingKey.status == 66)
    }
}
