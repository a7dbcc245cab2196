@testable import Agent
import Foundation
import LLM
import Testing

/// A planner with a LoRA adapter: its own engine and identity, and the prompt it was trained on.
@Suite(.serialized)
struct PlannerAdapterTests {
    @Test("An adapted planner is prompted with no worked plans, whatever plannerExemplars asks")
    func adaptedPlannerGetsTheTrainedPrompt() async throws {
        let task = "Tom has 3 apples and buys 5 more. How many apples does he have?"
        let planner = ScriptedBackend(identity: "planner+lora", adapterPath: "/adapters/planner.gguf") { _ in "No decomposition." }
        let solver = ScriptedBackend(identity: "solver") { _ in "The answer is 8." }
        let taskSolver = TaskSolver(planner: planner, solver: solver, cache: nil, maxTokens: 16, plannerExemplars: 3)
        #expect(taskSolver.plannerExemplars == 0)
        let record = await taskSolver.solve(TaskItem(id: "1", task: task, answer: "8", line: 1))
        #expect(record.error == nil)
        #expect(planner.conversations == [PlannerPrompt.trained(task: task)])
        #expect(PlannerPrompt.trained(task: task).map(\.role) == ["system", "user"])

        let bare = ScriptedBackend(identity: "planner") { _ in "No decomposition." }
        _ = await TaskSolver(planner: bare, solver: solver, cache: nil, maxTokens: 16, plannerExemplars: 2)
            .solve(TaskItem(id: "1", task: task, answer: "8", line: 1))
        #expect(bare.conversations.first?.count == 2 + 2 * 2)
    }

    @Test("The same file with and without an adapter: two engines, two identities, different replies")
    func adaptedEngineBesideTheBareOne() async throws {
        let folder = try TemporaryFolder()
        let store = try AgentStore(path: folder.path("divvy.db"))
        let path = try SmolModel.requirePath()
        let config = try LanguageModel(path: path).config
        var random = SeededGenerator(seed: 5)
        let layers = (0..<config.layerCount).map { _ in
            [LoRATarget.down: LoRAPair(rank: 4, inputs: config.feedForwardLength, outputs: config.embeddingLength,
                                       a: (0..<4 * config.feedForwardLength).map { _ in Float.random(in: -0.1...0.1, using: &random) },
                                       b: (0..<config.embeddingLength * 4).map { _ in Float.random(in: -0.1...0.1, using: &random) })]
        }
        let adapterPath = folder.path("planner.gguf")
        try LoRAAdapter(architecture: "llama", alpha: 8, layers: layers).write(to: adapterPath)

        let backends = try LocalModels.load([LocalModelSpec(path: path), LocalModelSpec(path: path, adapterPath: adapterPath),
                                             LocalModelSpec(path: path)], store: store, parallel: 2, tokensPerSequence: 128)
        #expect(backends[0].identity == backends[2].identity && backends[0].adapterPath == nil)
        #expect(backends[1].identity.hasPrefix(backends[0].identity + "+lora-sha256:"))
        #expect(backends[1].adapterPath == adapterPath)
        #expect(backends[0].model === backends[1].model, "the weights are mapped once")

        let request = CompletionRequest(messages: [.user("Name three colors.")], sampling: .greedy(maxTokens: 8))
        async let bare = backends[0].complete(request)
        async let adapted = backends[1].complete(request)
        let (plain, changed) = try await (bare, adapted)
        #expect(plain.text != changed.text)
        let firstToken = try #require(plain.firstTokenSeconds, "the local engine times its first text")
        #expect(firstToken > 0 && firstToken <= plain.seconds)
        #expect(try await backends[2].complete(request).text == plain.text)
    }

    @Test func missingAdapterIsATypedError() throws {
        let folder = try TemporaryFolder()
        let store = try AgentStore(path: folder.path("divvy.db"))
        let path = try SmolModel.requirePath()
        let missing = folder.path("none.gguf")
        #expect(throws: LoRAAdapterFileError.notFound(path: missing)) {
            try LocalModels.load([LocalModelSpec(path: path, adapterPath: missing)], store: store, parallel: 1, tokensPerSequence: 64)
        }
    }
}
