import MiniPython
import Testing

@Suite struct ProgramTests {
    @Test(arguments: SampleProgram.all)
    func sampleProgramGivesItsAnswer(_ program: SampleProgram) throws {
        let result = try run(program.source)
        #expect(result.answerText == program.answer)
        #expect(result.steps <= ProgramLimits().maxSteps)
    }

    @Test func answerPrefersTheAnswerVariable() throws {
        #expect(try run("print(5)\nanswer = 7").answerText == "7")
        #expect(try run("print('  total: 9  ')\nprint()").answerText == "total: 9")
        #expect(try run("x = 1").answerText == nil)
        #expect(try run("x = 1").lastAssigned == "x")
        #expect(try run("a = 1\nb = 2\nfor i in range(3):\n    a += i\n").lastAssigned == "a")
        #expect(try run("t = 5\ndef f():\n    inner = 1\n    return inner\nf()").lastAssigned == "t")
        #expect(try run("print(1)").lastAssigned == nil)
        #expect(try run("answer = 72.0").answerText == "72.0")
    }

    @Test func concurrentRunsAreIndependent() async {
        let programs = SampleProgram.all
        let answers = await withTaskGroup(of: (Int, String?).self) { group in
            for round in 0..<3 {
                for (index, program) in programs.enumerated() {
                    group.addTask {
                        let answer = try? MiniPython.run(program.source).get().answerText
                        return (round * programs.count + index, answer)
                    }
                }
            }
            var answers: [Int: String?] = [:]
            for await (key, answer) in group { answers[key] = answer }
            return answers
        }
        for (key, answer) in answers {
            #expect(answer == programs[key % programs.count].answer)
        }
    }
}
