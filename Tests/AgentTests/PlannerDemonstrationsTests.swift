import Agent
import Distill
import Foundation
import LLM
import Testing

@Suite struct PlannerDemonstrationsTests {
    private static let lines = """
    {"id": "a", "question": "Tom has 3 apples and buys 4 more. He eats 2. How many are left?", "answer": "5", \
    "subquestions": [{"q": "How many apples does Tom have after buying?", "a": "3 + 4 = 7"}, \
    {"q": "How many are left after he eats 2?", "a": "7 - 2 = 5"}]}
    {"id": "b", "question": "Nine steps.", "answer": "1", "subquestions": [\
    {"q": "1?"}, {"q": "2?"}, {"q": "3?"}, {"q": "4?"}, {"q": "5?"}, {"q": "6?"}, {"q": "7?"}, {"q": "8?"}, {"q": "9?"}]}
    {"id": "c", "question": "No plan here.", "answer": "2"}
    """

    @Test func goldPlansAreNumberedAndLongOnesLeftOut() throws {
        let folder = try TemporaryFolder()
        let path = folder.url.appendingPathComponent("train.jsonl").path
        try Self.lines.write(toFile: path, atomically: true, encoding: .utf8)
        let (demonstrations, problems) = try PlannerDemonstrations.gold(path)
        #expect(problems.map(\.description) == ["line 3: missing field \"subquestions\""])
        #expect(demonstrations == [PlannerDemonstration(
            id: "a", task: "Tom has 3 apples and buys 4 more. He eats 2. How many are left?",
            plan: "1. How many apples does Tom have after buying?\n2. How many are left after he eats 2?")])
    }

    @Test func tokensAreThePlannerPromptThenThePlanClosedByEndOfTurn() throws {
        let model = try LanguageModel(path: SmolModel.requirePath())
        let demonstration = PlannerDemonstration(id: "x", task: "What is 2 + 3, doubled?",
                                                 plan: "1. What is 2 + 3?\n2. What is #1 doubled?")
        let tokens = PlannerDemonstrations.tokens(demonstration, model: model)
        let prompt = model.tokenizer.decode(tokens.prompt)
        #expect(prompt.hasSuffix("<|im_start|>user\nWhat is 2 + 3, doubled?<|im_end|>\n<|im_start|>assistant\n"))
        #expect(model.tokenizer.endOfTurnIDs.contains(try #require(tokens.reply.last)))
        #expect(model.tokenizer.decode(Array(tokens.reply.dropLast())) == demonstration.plan)
    }
}
