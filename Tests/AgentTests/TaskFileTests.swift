import Foundation
import Testing
import Agent

@Suite struct TaskFileTests {
    private func parse(_ text: String) -> (tasks: [TaskItem], problems: [TaskLineProblem]) {
        TaskFile.parse(Data(text.utf8))
    }

    @Test func loadsStringAndNumberIdsAndAnswers() {
        let (tasks, problems) = parse("""
            {"id": "a", "task": "What is 2+2?", "answer": "4"}
            {"id": 7, "task": "Half of 3?", "answer": 1.5}
            {"id": 8, "task": "No answer here"}
            {"id": 9, "task": "Null answer", "answer": null}
            """)
        #expect(problems == [])
        #expect(tasks == [
            TaskItem(id: "a", task: "What is 2+2?", answer: "4", line: 1),
            TaskItem(id: "7", task: "Half of 3?", answer: "1.5", line: 2),
            TaskItem(id: "8", task: "No answer here", answer: nil, line: 3),
            TaskItem(id: "9", task: "Null answer", answer: nil, line: 4),
        ])
    }

    @Test func skipsBlankLinesButCountsThem() {
        let (tasks, problems) = parse("\n{\"id\": 1, \"task\": \"x\"}\r\n   \n\t\n{\"id\": 2, \"task\": \"y\"}\n\n")
        #expect(problems == [])
        #expect(tasks.map(\.line) == [2, 5])
    }

    @Test func badLinesAreReportedAndOthersStillLoad() {
        let (tasks, problems) = parse("""
            {"id": 1, "task": "ok"}
            {"id": 2, "task": "unterminated
            [1, 2]
            {"id": 3}
            {"task": "no id"}
            {"id": true, "task": "bool id"}
            {"id": 4, "task": 12}
            {"id": 5, "task": "x", "answer": [1]}
            {"id": 6, "task": "   "}
            {"id": 1, "task": "again"}
            {"id": 7, "task": "also ok"}
            """)
        #expect(tasks.map(\.id) == ["1", "7"])
        #expect(problems == [
            TaskLineProblem(line: 2, reason: .invalidJSON),
            TaskLineProblem(line: 3, reason: .notAnObject),
            TaskLineProblem(line: 4, reason: .missingField("task")),
            TaskLineProblem(line: 5, reason: .missingField("id")),
            TaskLineProblem(line: 6, reason: .wrongType(field: "id", expected: "a string or number", found: "boolean")),
            TaskLineProblem(line: 7, reason: .wrongType(field: "task", expected: "a string", found: "number")),
            TaskLineProblem(line: 8, reason: .wrongType(field: "answer", expected: "a string or number", found: "array")),
            TaskLineProblem(line: 9, reason: .emptyTask),
            TaskLineProblem(line: 10, reason: .duplicateID("1", firstLine: 1)),
        ])
    }

    @Test func numericAndStringIdsCollideWhenTheirTextIsEqual() {
        let (tasks, problems) = parse("{\"id\": 3, \"task\": \"a\"}\n{\"id\": \"3\", \"task\": \"b\"}")
        #expect(tasks.count == 1)
        #expect(problems.map(\.description) == ["line 2: duplicate id \"3\" (first on line 1)"])
    }

    @Test func problemDescriptionsNameLineAndField() {
        let (_, problems) = parse("{\"id\": 1, \"task\": null}\nnot json")
        #expect(problems.map(\.description) == [
            "line 1: field \"task\" must be a string, found null",
            "line 2: not valid JSON",
        ])
    }

    @Test func acceptsQuestionFieldOfGSM8KFiles() {
        let line = #"{"id": "gsm8k-train-1", "question": "How many?", "answer": "1000", "solution": "…"}"#
        let (tasks, problems) = parse(line)
        #expect(problems == [])
        #expect(tasks == [TaskItem(id: "gsm8k-train-1", task: "How many?", answer: "1000", line: 1)])
    }

    @Test func invalidUTF8LineIsAProblem() {
        var data = Data("{\"id\": 1, \"task\": \"a\"}\n".utf8)
        data.append(contentsOf: [0x7B, 0xFF, 0xFE, 0x7D, 0x0A])
        let (tasks, problems) = TaskFile.parse(data)
        #expect(tasks.count == 1)
        #expect(problems == [TaskLineProblem(line: 2, reason: .invalidJSON)])
    }

    @Test func byteOrderMarkIsIgnored() {
        var data = Data([0xEF, 0xBB, 0xBF])
        data.append(Data("{\"id\": 1, \"task\": \"a\"}".utf8))
        #expect(TaskFile.parse(data).tasks.count == 1)
    }

    @Test func loadsFromDisk() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("tasks-\(UUID().uuidString).jsonl")
        defer { try? FileManager.default.removeItem(at: url) }
        try Data("{\"id\": 1, \"task\": \"a\"}\n{bad\n".utf8).write(to: url)
        let (tasks, problems) = try TaskFile.load(url.path)
        #expect(tasks.map(\.task) == ["a"])
        #expect(problems.map(\.line) == [2])
    }

    @Test func unreadableFileIsATypedError() {
        let path = "/nonexistent-dir-\(UUID().uuidString)/tasks.jsonl"
        let error = #expect(throws: TaskFileError.self) { try TaskFile.load(path) }
        guard case .unreadable(let reported, _) = error else {
            Issue.record("expected .unreadable")
            return
        }
        #expect(reported == path)
        #expect(error?.description.hasPrefix("cannot read task file '\(path)'") == true)
    }

    @Test func repositoryDevFileLoadsCleanly() throws {
        let path = RepositoryData.gsm8k("gsm8k_dev.jsonl")
        let (tasks, problems) = try TaskFile.load(path)
        #expect(problems == [])
        #expect(tasks.count == 300)
        #expect(tasks.allSatisfy { $0.answer.map { Double($0) != nil } == true })
    }
}
