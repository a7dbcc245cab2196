import Foundation
import LLM
import Testing
@testable import Agent

/// Seeded random and mutated inputs for the parsers that read what users and models write:
/// every input ends in a value or a typed error, and what parses is well-formed.
struct InputFuzzTests {
    static let alphabet = Array("0123456789#.:)( \n\t-*QStepquestion?é😀{}[]\",\\") + ["\u{0}", "\u{FFFD}"]

    static func randomText(_ random: inout SeededGenerator, maxLength: Int) -> String {
        String((0..<Int.random(in: 0...maxLength, using: &random)).map { _ in alphabet.randomElement(using: &random)! })
    }

    /// Random text and mutated real plans: a parsed plan only references earlier steps, has at
    /// most the step limit, and its ready set always makes progress until all steps are done.
    @Test func planParserOnRandomAndMutatedPlans() {
        var random = SeededGenerator(seed: 11)
        let real = "1. How many apples are there?\n2. How many are left after eating #1?\n3. What is #2 times #1?"
        var parsed = 0, refused = 0
        for i in 0..<3000 {
            var text = i % 2 == 0 ? Self.randomText(&random, maxLength: 200) : real
            if i % 2 == 1 {
                var characters = Array(text)
                for _ in 0..<Int.random(in: 1...6, using: &random) {
                    let at = Int.random(in: 0..<characters.count, using: &random)
                    characters[at] = Self.alphabet.randomElement(using: &random)!
                }
                text = String(characters)
            }
            do {
                let plan = try PlanParser.parse(text)
                parsed += 1
                #expect(plan.steps.count <= PlanParser.defaultMaxSteps)
                for step in plan.steps { #expect(step.references.allSatisfy { $0 >= 1 && $0 < step.number }, "\(text)") }
                var answered = Set<Int>()
                while answered.count < plan.steps.count {
                    let ready = plan.readySteps(answered: answered)
                    #expect(!ready.isEmpty, "plan stalls: \(text)")
                    if ready.isEmpty { break }
                    answered.formUnion(ready)
                }
            } catch {
                refused += 1
                #expect(!error.description.isEmpty)
            }
        }
        #expect(parsed > 0 && refused > 0)
    }

    /// Random bytes, including invalid UTF-8 and NULs, as a task file: every non-blank line is
    /// a task or a problem with its line number.
    @Test func taskFileOnRandomBytes() {
        var random = SeededGenerator(seed: 12)
        let valid = Data(#"{"id": "a", "task": "What is 1 plus 1?", "answer": 2}"#.utf8)
        for _ in 0..<500 {
            var data = Data()
            var lineCount = 0
            for _ in 0..<Int.random(in: 1...6, using: &random) {
                if Bool.random(using: &random) {
                    data += Data((0..<Int.random(in: 1...80, using: &random)).map { _ in
                        var byte = UInt8.random(in: 0...255, using: &random)
                        if byte == UInt8(ascii: "\n") { byte = 0xFF }
                        return byte
                    })
                } else {
                    var line = valid
                    line[Int.random(in: 0..<line.count, using: &random)] = UInt8.random(in: 32...126, using: &random)
                    data += line
                }
                data.append(UInt8(ascii: "\n"))
                lineCount += 1
            }
            let (tasks, problems) = TaskFile.parse(data)
            #expect(tasks.count + problems.count <= lineCount)
            #expect(problems.allSatisfy { (1...lineCount).contains($0.line) })
            #expect(tasks.allSatisfy { !$0.task.isEmpty })
        }
    }

    /// The answer extractor on random model output never crashes and normalises idempotently.
    @Test func answerExtractorOnRandomOutput() {
        var random = SeededGenerator(seed: 13)
        for _ in 0..<2000 {
            let text = "The answer is: " + Self.randomText(&random, maxLength: 40)
            if let answer = AnswerExtractor.extract(from: text) {
                let once = AnswerExtractor.normalize(answer)
                #expect(AnswerExtractor.normalize(once) == once, "\(text)")
            }
        }
    }
}
