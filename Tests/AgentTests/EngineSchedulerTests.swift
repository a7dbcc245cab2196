@testable import Agent
import LLM
import Testing

struct EngineSchedulerTests {
    @Test("While one model has a full batch, a model with fewer requests waits instead of stepping")
    func partialBatchWaitsForAFullOne() async throws {
        let model = try LanguageModel(path: try SmolModel.requirePath())
        let scheduler = EngineScheduler(models: [(model, nil), (model, nil)], capacity: 256, maxSequences: 2)
        let prompt = model.tokenizer.encode("The capital of France is")
        let order = Order()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for name in ["full 1", "full 2"] {
                group.addTask {
                    _ = try await scheduler.generate(engine: 0, prompt: prompt, parameters: .greedy(maxTokens: 12))
                    await order.append(name)
                }
            }
            group.addTask {
                _ = try await scheduler.generate(engine: 1, prompt: prompt, parameters: .greedy(maxTokens: 1))
                await order.append("partial")
            }
            try await group.waitForAll()
        }
        // One step would finish the lone request; it waits until the full batch is done.
        #expect(await order.names.last == "partial")
    }
}

private actor Order {
    private(set) var names: [String] = []
    func append(_ name: String) { names.append(name) }
}
