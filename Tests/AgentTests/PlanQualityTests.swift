@testable import Agent
import Testing

struct PlanQualityTests {
    @Test("Word overlap: identical plans score 1, disjoint 0, a partial match in between")
    func overlap() {
        let gold = ["How many apples does Tom have after buying?", "How many apples are left?"]
        #expect(PlanQuality.overlap(planned: gold, gold: gold) == 1)
        #expect(PlanQuality.overlap(planned: ["What is the speed of light?"], gold: gold) == 0)
        #expect(PlanQuality.overlap(planned: [], gold: gold) == 0)
        let partial = PlanQuality.overlap(planned: ["How many apples does Tom have?"], gold: gold)
        #expect(partial > 0.3 && partial < 1)
        #expect(PlanQuality.words("What is #1 times 3 apples?") == ["times", "3", "apples"])
    }

    @Test("Counts and means over the tasks that have both a planner reply and a gold plan")
    func summary() throws {
        func task(_ key: String, _ status: PlanRecord.Status, _ steps: [String]) -> TaskRecord {
            TaskRecord(key: key, line: nil, task: key, gold: nil, answer: nil, correct: nil, output: nil, error: nil,
                       plan: PlanRecord(status: status, steps: steps, reason: nil, rawOutput: nil), subproblems: [],
                       calls: [], seconds: 0)
        }
        let gold = ["a": Plan(steps: [PlanStep(number: 1, question: "How many cats?", references: []),
                                      PlanStep(number: 2, question: "How many dogs?", references: [1])]),
                    "b": Plan(steps: [PlanStep(number: 1, question: "How far?", references: [])])]
        let quality = try #require(PlanQuality(tasks: [
            task("a", .planned, ["How many cats?", "How many dogs?"]),
            task("b", .fallback, []),
            task("c", .planned, ["Unmatched?"]),
        ], gold: gold))
        #expect(quality.tasks == 2)
        #expect(quality.meanSteps == 1 && quality.meanGoldSteps == 1.5)
        #expect(quality.sameCount == 0.5 && quality.overlap == 0.5)
        #expect(PlanQuality(tasks: [task("a", .given, ["How many cats?"])], gold: gold) == nil)
    }
}
