import Foundation
import Testing
@testable import Agent

struct EvaluationTests {
    @Test func goldPlansChainEveryStepToTheEarlierOnes() throws {
        let folder = try TemporaryFolder()
        let path = folder.path("decomp.jsonl")
        try """
        {"id": "a", "question": "q", "answer": "3", "subquestions": [{"q": "How many apples?", "a": "2"}, {"q": "How many pears?", "a": "1"}, {"q": "How many fruits?", "a": "3"}]}
        not json
        {"id": 7, "subquestions": [{"q": "Only step?", "a": "1"}]}
        {"id": "empty", "subquestions": []}
        """.write(toFile: path, atomically: true, encoding: .utf8)
        let (plans, problems) = try GoldPlans.load(path)
        #expect(plans.keys.sorted() == ["7", "a"])
        #expect(problems.map(\.description) == ["line 2: not valid JSON", "line 4: missing field \"subquestions\""])
        #expect(plans["a"]?.steps.map(\.references) == [[], [1], [1, 2]])
        #expect(plans["a"]?.steps.map(\.question) == ["How many apples?", "How many pears?", "How many fruits?"])
        #expect(plans["a"]?.readySteps(answered: []) == [1])
        #expect(plans["7"]?.steps.count == 1)
    }

    @Test func theRepositoryDevDecompositionsAllLoad() throws {
        let path = RepositoryData.gsm8k("gsm8k_dev_decomp.jsonl")
        let (plans, problems) = try GoldPlans.load(path)
        #expect(problems.isEmpty)
        #expect(plans.count == 300)
        #expect(plans.values.allSatisfy { (2...8).contains($0.steps.count) })
    }

    @Test func summaryCountsPlannerAndSolverApart() {
        func call(_ role: CallRole, _ tokensIn: Int, _ tokensOut: Int, hit: Bool = false) -> ModelCallRecord {
            ModelCallRecord(role: role, step: nil, modelIdentity: "m", cacheKey: "k", promptTokens: tokensIn,
                            completionTokens: tokensOut, seconds: 1, cacheHit: hit)
        }
        func task(_ key: String, correct: Bool, calls: [ModelCallRecord], plan: PlanRecord.Status, raw: String? = nil) -> TaskRecord {
            TaskRecord(key: key, line: nil, task: "t", gold: "1", answer: "1", correct: correct, output: nil, error: nil,
                       plan: PlanRecord(status: plan, steps: [], reason: nil, rawOutput: raw), subproblems: [],
                       calls: calls, seconds: 1)
        }
        let settings = RunSettings(plannerPath: nil, plannerIdentity: nil, solverPath: "s", solverIdentity: "s",
                                   noPlan: false, plannerExemplars: 3, parallel: 1, maxTokens: 8, useCache: true)
        let run = RunRecord(id: 5, command: "eval:decomposed", input: "d", startedAt: "", finishedAt: nil, status: "finished",
                            settings: settings, seconds: 12.5, cpuSeconds: 20, tasks: [
                                task("a", correct: true, calls: [call(.planner, 10, 5), call(.step, 20, 3), call(.synthesis, 30, 4)],
                                     plan: .planned, raw: "1. How many?\n  \n2) How many?\n"),
                                task("b", correct: false, calls: [call(.planner, 10, 5, hit: true), call(.direct, 7, 2)], plan: .fallback,
                                     raw: "1. A?\n\n \n2. B?"),
                            ])
        let summary = EvalSummary(mode: .decomposed, run: run)
        #expect(summary.problems == 2)
        #expect(summary.correct == 1)
        #expect(summary.accuracy == 0.5)
        #expect(summary.plannerPromptTokens == 10)
        #expect(summary.plannerCompletionTokens == 5)
        #expect(summary.solverPromptTokens == 57)
        #expect(summary.solverCompletionTokens == 9)
        #expect(summary.cacheHits == 1)
        #expect(summary.cacheMisses == 4)
        #expect(summary.planFallbacks == 1)
        #expect(summary.plansCutAtRepeat == 1)
        #expect(summary.cpuSeconds == 20)
        #expect(summary.seconds == 12.5)
    }
}
