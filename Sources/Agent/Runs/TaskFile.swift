import Foundation

/// One task of a task file.
public struct TaskItem: Sendable, Equatable {
    /// The task's id; numeric ids are kept as their decimal text.
    public let id: String
    /// The problem statement.
    public let task: String
    /// The expected answer, when the file gives one.
    public let answer: String?
    /// 1-based line of the file the task came from.
    public let line: Int

    public init(id: String, task: String, answer: String?, line: Int) {
        self.id = id
        self.task = task
        self.answer = answer
        self.line = line
    }
}

/// A line of a task file that could not be loaded, and why.
public struct TaskLineProblem: Sendable, Equatable, CustomStringConvertible {
    /// Why a line was rejected.
    public enum Reason: Sendable, Equatable {
        case invalidJSON
        case notAnObject
        case missingField(String)
        case wrongType(field: String, expected: String, found: String)
        case emptyTask
        case duplicateID(String, firstLine: Int)
    }

    /// 1-based line number.
    public let line: Int
    public let reason: Reason

    public init(line: Int, reason: Reason) {
        self.line = line
        self.reason = reason
    }

    public var description: String {
        let text = switch reason {
        case .invalidJSON: "not valid JSON"
        case .notAnObject: "not a JSON object"
        case .missingField(let field): "missing field \"\(field)\""
        case let .wrongType(field, expected, found): "field \"\(field)\" must be \(expected), found \(found)"
        case .emptyTask: "field \"task\" is empty"
        case let .duplicateID(id, firstLine): "duplicate id \"\(id)\" (first on line \(firstLine))"
        }
        return "line \(line): \(text)"
    }
}

/// A task file that cannot be read at all.
public enum TaskFileError: Error, Equatable, Sendable, CustomStringConvertible {
    case unreadable(path: String, reason: String)
    /// The file was read, but none of its lines is a usable task.
    case noTasks(path: String, badLines: Int)

    public var description: String {
        switch self {
        case let .unreadable(path, reason): "cannot read task file '\(path)': \(reason)"
        case let .noTasks(path, badLines):
            "no usable task in '\(path)': " + (badLines == 0 ? "it is empty" : "all \(badLines) of its lines are bad (see above)")
        }
    }
}

/// Reads JSONL task files: one `{"id": string|number, "task": string, "answer"?: string|number}`
/// object per line. `question` is accepted in place of `task` (the GSM8K files of shared/data);
/// other fields are ignored. Blank lines are skipped; a bad line is reported and the rest load.
public enum TaskFile {
    /// Loads the file at `path`.
    /// - Throws: ``TaskFileError/unreadable(path:reason:)`` when the file cannot be read.
    public static func load(_ path: String) throws(TaskFileError)
        -> (tasks: [TaskItem], problems: [TaskLineProblem]) {
        parse(try read(path))
    }

    /// The bytes of the JSONL file at `path`.
    /// - Throws: ``TaskFileError/unreadable(path:reason:)`` for a missing, unreadable or folder path.
    static func read(_ path: String) throws(TaskFileError) -> Data {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else {
            throw .unreadable(path: path, reason: "no such file")
        }
        guard !isFolder.boolValue else { throw .unreadable(path: path, reason: "it is a folder, not a file") }
        guard FileManager.default.isReadableFile(atPath: path) else { throw .unreadable(path: path, reason: "permission denied") }
        do {
            return try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw .unreadable(path: path, reason: (error as NSError).localizedDescription)
        }
    }

    /// The non-blank lines of JSONL `data` with their 1-based numbers (a BOM and `\r` endings removed),
    /// each decoded as JSON, or nil when it is not JSON.
    static func jsonLines(_ data: Data) -> [(number: Int, value: JSONValue?)] {
        let bytes = data.starts(with: [0xEF, 0xBB, 0xBF]) ? data.dropFirst(3) : data[...]
        return bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).enumerated()
            .compactMap { offset, rawLine in
                let line = rawLine.last == UInt8(ascii: "\r") ? rawLine.dropLast() : rawLine
                guard line.contains(where: { ![0x20, 0x09].contains($0) }) else { return nil }
                return (offset + 1, try? JSONDecoder().decode(JSONValue.self, from: Data(line)))
            }
    }

    /// Parses the contents of a task file.
    public static func parse(_ data: Data) -> (tasks: [TaskItem], problems: [TaskLineProblem]) {
        var tasks: [TaskItem] = []
        var problems: [TaskLineProblem] = []
        var firstLineOfID: [String: Int] = [:]
        for (lineNumber, value) in jsonLines(data) {
            do {
                let task = try item(from: value, line: lineNumber)
                if let first = firstLineOfID[task.id] {
                    problems.append(TaskLineProblem(line: lineNumber, reason: .duplicateID(task.id, firstLine: first)))
                } else {
                    firstLineOfID[task.id] = lineNumber
                    tasks.append(task)
                }
            } catch {
                problems.append(TaskLineProblem(line: lineNumber, reason: error.reason))
            }
        }
        return (tasks, problems)
    }

    struct Rejection: Error {
        let reason: TaskLineProblem.Reason
    }

    /// The id and fields of a JSONL line's object.
    static func identified(_ value: JSONValue?) throws(Rejection) -> (id: String, fields: [String: JSONValue]) {
        guard let value else { throw Rejection(reason: .invalidJSON) }
        guard case .object(let fields) = value else { throw Rejection(reason: .notAnObject) }
        guard let idValue = fields["id"] else { throw Rejection(reason: .missingField("id")) }
        guard let id = idValue.scalarText else {
            throw Rejection(reason: .wrongType(field: "id", expected: "a string or number", found: idValue.typeName))
        }
        return (id, fields)
    }

    private static func item(from value: JSONValue?, line number: Int) throws(Rejection) -> TaskItem {
        func problem(_ reason: TaskLineProblem.Reason) -> Rejection { Rejection(reason: reason) }
        let (id, fields) = try identified(value)
        let taskKey = fields["task"] == nil && fields["question"] != nil ? "question" : "task"
        guard let taskValue = fields[taskKey] else { throw problem(.missingField("task")) }
        guard case .string(let task) = taskValue else {
            throw problem(.wrongType(field: taskKey, expected: "a string", found: taskValue.typeName))
        }
        guard task.contains(where: { !$0.isWhitespace }) else { throw problem(.emptyTask) }
        var answer: String?
        if let answerValue = fields["answer"], answerValue != .null {
            guard let text = answerValue.scalarText else {
                throw problem(.wrongType(field: "answer", expected: "a string or number", found: answerValue.typeName))
            }
            answer = text
        }
        return TaskItem(id: id, task: task, answer: answer, line: number)
    }
}
