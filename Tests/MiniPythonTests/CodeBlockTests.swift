import MiniPython
import Testing

@Suite struct CodeBlockTests {
    @Test func fencedPythonBlock() {
        let reply = "Let's compute.\n```python\nx = 3\nprint(x * 2)\n```\nThe answer is 6."
        #expect(MiniPython.code(inReply: reply) == "x = 3\nprint(x * 2)")
    }

    @Test func pyAndBareFences() {
        #expect(MiniPython.code(inReply: "```py\nprint(1)\n```") == "print(1)")
        #expect(MiniPython.code(inReply: "Here:\n```\nprint(2)\n```\n") == "print(2)")
        #expect(MiniPython.code(inReply: "```Python3\nprint(3)\n```") == "print(3)")
    }

    @Test func firstPythonBlockWins() {
        let reply = "```text\nnot code\n```\n```python\nanswer = 1\n```\nor\n```python\nanswer = 2\n```"
        #expect(MiniPython.code(inReply: reply) == "answer = 1")
    }

    @Test func unterminatedFenceTakesTheRest() {
        #expect(MiniPython.code(inReply: "Solution:\n```python\nx = 1\nprint(x)") == "x = 1\nprint(x)")
    }

    @Test func closingFenceAfterCodeOnTheSameLine() {
        #expect(MiniPython.code(inReply: "```python\nprint(4)```\ndone") == "print(4)")
    }

    @Test func indentedFencesAndWindowsLineEndings() {
        #expect(MiniPython.code(inReply: "Steps:\r\n  ```python\r\n  print(5)\r\n  ```\r\n") == "  print(5)")
    }

    @Test func noFenceUsesTheWholeReplyWhenItParses() {
        let program = "total = 4 * 5\nprint(total)"
        #expect(MiniPython.code(inReply: program) == program)
        #expect(MiniPython.code(inReply: "The answer is 20 because 4 times 5 is 20.") == nil)
        #expect(MiniPython.code(inReply: " \n") == nil)
    }

    @Test func extractedCodeRuns() throws {
        let reply = "I'll write a program.\n\n```python\ndef solution():\n    return 12 * 3\n\nprint(solution())\n```\n\nSo the answer is 36."
        let code = try #require(MiniPython.code(inReply: reply))
        #expect(try run(code).answerText == "36")
    }
}
