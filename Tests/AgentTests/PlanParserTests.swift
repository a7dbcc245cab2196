import Foundation
import Testing
import Agent

@Suite struct PlanParserTests {
    @Test func parsesNumberedStepsWithReferences() throws {
        let plan = try PlanParser.parse("""
            Subquestions:
            1. How many cases were ordered in total?
            2. How many bottles are in #1 cases?
            3. What is #2 minus #1, plus #2?
            """)
        #expect(!plan.isDirect)
        #expect(plan.steps.map(\.number) == [1, 2, 3])
        #expect(plan.steps[0].question == "How many cases were ordered in total?")
        #expect(plan.steps.map(\.references) == [[], [1], [1, 2]])
        #expect(plan.inputs(of: 2) == [1])
        #expect(plan.inputs(of: 3) == [1, 2])
        #expect(plan.inputs(of: 9) == [])
    }

    @Test func toleratesOtherNumberingStyles() throws {
        for text in ["1) A?\n2) B #1?", "Q1: A?\nQ2: B #1?", "q1. A?\nq2) B #1?", "Step 1: A?\nStep 2: B #1?",
                     "  - 1. A?\n  - 2. B #1?", "**1.** A?\n**2.** B #1?", "**Q1:** A?\n**Q2:** B #1?",
                     "Question 1: A?\nQuestion 2: B #1?"] {
            let plan = try PlanParser.parse(text)
            #expect(plan.steps.map(\.question) == ["A?", "B #1?"], "\(text)")
        }
    }

    @Test func ignoresProseAndNumbersThatAreNotStepLines() throws {
        let plan = try PlanParser.parse("""
            Let me break this down.
            1. What is 1.5 times 2?
            2.5 is not a step.
            2. What is #1 plus 3?
            That's all.
            """)
        #expect(plan.steps.map(\.question) == ["What is 1.5 times 2?", "What is #1 plus 3?"])
    }

    @Test func noDecompositionIsTheDirectPlan() throws {
        #expect(try PlanParser.parse("No decomposition.") == .direct)
        #expect(try PlanParser.parse("This is simple: NO_DECOMPOSITION").isDirect)
    }

    @Test func emptyOutputFails() {
        #expect(throws: PlanFailure.empty) { try PlanParser.parse("") }
        #expect(throws: PlanFailure.empty) { try PlanParser.parse("I think we should add the numbers.") }
    }

    @Test func referenceFailures() {
        #expect(throws: PlanFailure.selfReference(step: 2)) { try PlanParser.parse("1. A?\n2. B #2?") }
        #expect(throws: PlanFailure.futureReference(step: 1, reference: 2)) { try PlanParser.parse("1. A #2?\n2. B?") }
        #expect(throws: PlanFailure.nonexistentReference(step: 2, reference: 5)) {
            try PlanParser.parse("1. A?\n2. B #5?")
        }
        #expect(throws: PlanFailure.nonexistentReference(step: 2, reference: 0)) {
            try PlanParser.parse("1. A?\n2. B #0?")
        }
    }

    @Test func mutualReferencesAreRejectedAsForwardReferences() {
        #expect(throws: PlanFailure.futureReference(step: 1, reference: 2)) {
            try PlanParser.parse("1. A #2?\n2. B #1?")
        }
    }

    @Test func numberingFailures() {
        #expect(throws: PlanFailure.numberingGap(expected: 2, found: 3)) { try PlanParser.parse("1. A?\n3. C?") }
        #expect(throws: PlanFailure.numberingGap(expected: 1, found: 2)) { try PlanParser.parse("2. A?\n3. B?") }
        #expect(throws: PlanFailure.numberingGap(expected: 2, found: 1)) { try PlanParser.parse("1. A?\n1. B?") }
        #expect(throws: PlanFailure.emptyStep(2)) { try PlanParser.parse("1. A?\n2.\n3. C?") }
    }

    @Test func moreThanEightStepsFails() throws {
        let nine = (1...9).map { "\($0). Question \($0)?" }.joined(separator: "\n")
        #expect(throws: PlanFailure.tooManySteps(count: 9, limit: 8)) { try PlanParser.parse(nine) }
        #expect(try PlanParser.parse(nine, maxSteps: 9).steps.count == 9)
        let eight = (1...8).map { "\($0). Question \($0)?" }.joined(separator: "\n")
        #expect(try PlanParser.parse(eight).steps.count == 8)
    }

    @Test func duplicatesAreDroppedAndReferencesRenumbered() throws {
        let plan = try PlanParser.parse("""
            1. How many apples?
            2. How many  apples?
            3. How many pears?
            4. What is #2 plus #3?
            """)
        #expect(plan.steps.map(\.question) == ["How many apples?", "How many pears?", "What is #1 plus #2?"])
        #expect(plan.steps.map(\.references) == [[], [], [1, 2]])
        #expect(plan.droppedDuplicates == [2])
    }

    @Test func duplicatesRevealedByRenumberingAreDroppedToo() throws {
        let plan = try PlanParser.parse("1. A?\n2. A?\n3. Double #1?\n4. Double #2?\n5. Sum #3 and #4?")
        #expect(plan.steps.map(\.question) == ["A?", "Double #1?", "Sum #2 and #2?"])
        #expect(plan.droppedDuplicates == [2, 4])
        #expect(plan.steps.last?.references == [2])
        #expect(plan.inputs(of: 3) == [1, 2], "the last step needs every earlier answer")
    }

    @Test func duplicatesAreCountedBeforeTheStepLimit() throws {
        let text = (1...10).map { "\($0). Same question?" }.joined(separator: "\n")
        #expect(try PlanParser.parse(text).steps.count == 1)
    }

    @Test func readyStepsFollowAnsweredReferences() throws {
        let plan = try PlanParser.parse("1. A?\n2. B?\n3. C #1?\n4. D #2 #3?")
        #expect(plan.readySteps(answered: []) == [1, 2])
        #expect(plan.readySteps(answered: [1]) == [2, 3])
        #expect(plan.readySteps(answered: [1, 2]) == [3])
        #expect(plan.readySteps(answered: [1, 2, 3]) == [4])
        #expect(plan.readySteps(answered: [1, 2, 3, 4]) == [])
        #expect(Plan.direct.readySteps(answered: []) == [])
    }

    @Test func resolvedQuestionSubstitutesAnswers() throws {
        let step = PlanStep(number: 12, question: "Add #1 and #11, not #2 or # or #x.", references: [1, 2, 11])
        #expect(step.resolvedQuestion(answers: [1: "5", 11: "7"]) == "Add 5 and 7, not #2 or # or #x.")
    }

    @Test func failureDescriptionsAreReadable() {
        #expect(PlanFailure.futureReference(step: 1, reference: 3).description == "step 1 refers to later step #3")
        #expect(PlanFailure.tooManySteps(count: 9, limit: 8).description == "9 steps, more than the limit of 8")
    }
}

@Suite struct PlanParserOnDevDataTests {
    /// The gold GSM8K decompositions, written as a numbered plan, parse back step for step,
    /// minus repeated questions: 34 of the 300 repeat a question verbatim (the socratic
    /// steps reuse a question for a second computation), and those repeats are dropped.
    @Test func goldDecompositionsRoundTrip() throws {
        let path = RepositoryData.gsm8k("gsm8k_dev_decomp.jsonl")
        struct Subquestion: Decodable { let q: String }
        struct Line: Decodable { let id: String; let subquestions: [Subquestion] }
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
            .map { try JSONDecoder().decode(Line.self, from: Data($0.utf8)) }
        var mismatches: [String] = []
        var withRepeats = 0
        for line in lines {
            let text = line.subquestions.enumerated().map { "\($0 + 1). \($1.q)" }.joined(separator: "\n")
            let plan = try PlanParser.parse(text)
            var seen = Set<String>()
            let unique = line.subquestions.map(\.q).filter { seen.insert($0).inserted }
            if plan.steps.map(\.question) != unique { mismatches.append(line.id) }
            if !plan.droppedDuplicates.isEmpty { withRepeats += 1 }
        }
        #expect(lines.count == 300)
        #expect(mismatches == [])
        #expect(withRepeats == 34)
    }
}
