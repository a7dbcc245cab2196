@testable import Agent
import Testing

struct ExemplarIndexTests {
    static let stored = [
        Exemplar(problem: "A train travels 60 miles per hour for 3 hours. How far does the train travel?", plan: "1. train"),
        Exemplar(problem: "Mary buys 4 apples and 6 oranges at the market. How many fruits did Mary buy?", plan: "1. fruit"),
        Exemplar(problem: "A baker bakes 12 cakes a day and sells each cake for $5. How much money does the baker make?",
                 plan: "1. baker"),
    ]

    @Test("The nearest exemplars are the ones sharing the most distinctive words, most similar first")
    func nearest() {
        let index = ExemplarIndex(Self.stored)
        let task = "A bus travels 45 miles per hour for 2 hours. How far does the bus travel?"
        #expect(index.nearest(to: task, count: 1).map(\.plan) == ["1. train"])
        #expect(index.nearest(to: "How much money does the shop make if it sells each cake for $3?", count: 2).first?.plan
            == "1. baker")
        #expect(index.nearest(to: task, count: 5).count == 3)
        #expect(index.nearest(to: task, count: 0).isEmpty)
    }

    @Test("Retrieval is deterministic: ties go to the earlier exemplar")
    func ties() {
        let index = ExemplarIndex(Self.stored)
        #expect(index.nearest(to: "zebra quantum", count: 3).map(\.plan) == ["1. train", "1. fruit", "1. baker"])
        #expect(index.nearest(to: "How many fruits?", count: 3) == index.nearest(to: "How many fruits?", count: 3))
    }

    @Test("In the prompt the most similar exemplar comes last; the source name follows the stored set")
    func promptOrderAndSource() {
        let exemplars = PlannerExemplars.stored(Self.stored)
        let task = "Tom buys 3 apples and 2 oranges. How many fruits did Tom buy?"
        #expect(exemplars.pick(for: task, count: 2).last?.plan == "1. fruit")
        #expect(exemplars.sourceName.hasPrefix("db:3:"))
        #expect(exemplars.sourceName != PlannerExemplars.stored(Array(Self.stored.dropLast())).sourceName)
        #expect(PlannerExemplars.builtin.pick(for: task, count: 2) == Array(PlannerPrompt.exemplars.prefix(2)))
        #expect(PlannerExemplars.builtin.sourceName == "builtin")
    }
}

struct PlannerExemplarPromptTests {
    @Test("The planner's request shows the retrieved exemplars, so another set is another cache entry")
    func plannerPrompt() async throws {
        let planner = SamplingScriptBackend(identity: "planner") { _, _ in "No decomposition." }
        let solver = SamplingScriptBackend(identity: "solver") { _, _ in "The answer is: 10" }
        let task = TaskItem(id: "t", task: "Mary buys 7 apples and 3 oranges. How many fruits did Mary buy?", answer: "10", line: 1)
        let stored = PlannerExemplars.stored(ExemplarIndexTests.stored)
        let retrieved = await TaskSolver(planner: planner, solver: solver, cache: nil, maxTokens: 16, plannerExemplars: 1,
                                         exemplars: stored).solve(task)
        let builtin = await TaskSolver(planner: planner, solver: solver, cache: nil, maxTokens: 16, plannerExemplars: 1).solve(task)

        let fruit = ExemplarIndexTests.stored[1]
        let prompt = planner.renderedPrompt(PlannerPrompt.messages(task: task.task, exemplars: [fruit]))
        #expect(prompt.contains("Mary buys 4 apples and 6 oranges"))
        let key = ResultCache.key(modelIdentity: "planner", role: .planner, prompt: prompt, sampling: PlannerPrompt.sampling(maxTokens: 16))
        #expect(retrieved.calls.first?.cacheKey == key)
        #expect(builtin.calls.first?.cacheKey != key)
    }
}
