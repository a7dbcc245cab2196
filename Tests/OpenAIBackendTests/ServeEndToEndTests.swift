import Agent
import Foundation
import LLM
import Serve
import Testing

/// The agent's HTTP backend against `divvy serve`'s in-process `ChatServer` with SmolLM2.
@Suite(.serialized) struct ServeEndToEndTests {
    @Test("A task solved through the server gets the local engine's greedy answer, and a rerun comes from the cache")
    func httpSolveMatchesLocalSolve() async throws {
        let path = try ModelLocator.resolve("smollm2-135m")
        let server = try ChatServer(models: [ServedModel(name: "smollm2-135m", model: LanguageModel(path: path))],
                                    configuration: .init(port: 0, parallel: 2, contextPerRequest: 1024))
        server.start()
        defer { server.stop() }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("openai-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = try AgentStore(path: folder.appendingPathComponent("divvy.db").path)
        let task = TaskItem(id: "1", task: "What is 2+2?", answer: "4", line: 1)

        let local = try LocalModels.load(paths: [path], store: store, parallel: 1, tokensPerSequence: 1024)[0]
        let expected = await TaskSolver(planner: nil, solver: local, cache: nil, maxTokens: 16).solve(task)
        try #require(expected.error == nil)

        let url = "http://127.0.0.1:\(server.port)/v1"
        let remote = OpenAIBackend(.init(baseURL: url, model: "smollm2-135m"), limiter: RequestLimiter(limit: 2))
        #expect(try remote.listModels() == ["smollm2-135m"])
        let solver = TaskSolver(planner: nil, solver: remote, cache: ResultCache(store: store), maxTokens: 16)
        let first = await solver.solve(task)
        #expect(first.error == nil)
        #expect(first.output == expected.output)
        #expect(first.answer == expected.answer)
        #expect(first.promptTokens == expected.promptTokens && first.completionTokens == expected.completionTokens)
        #expect(first.calls.map(\.modelIdentity) == ["openai:\(url)#smollm2-135m"])
        #expect(first.cacheMisses == 1 && first.cacheHits == 0)

        let again = await solver.solve(task)
        #expect(again.cacheHits == 1 && again.cacheMisses == 0)
        #expect(again.output == expected.output)
    }
}
