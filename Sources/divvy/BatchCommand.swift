import Agent
import ArgParse
import Foundation

/// `divvy batch`: solve every task of a JSONL file, many in flight at once; resumable.
enum BatchCommand: CLICommand {
    static let path = ["batch"]
    static let file = Positional<String>("file", help: "JSONL task file: {\"id\", \"task\" (or \"question\"), \"answer\"?} per line.")
    static let out = Option<String>("out", valueName: "path",
                                    help: "Write the JSONL results here, in the task file's order (on stdout they come as tasks finish).")
    static let command = Command("batch", summary: "Solve the tasks of a JSONL file; an interrupted run resumes where it stopped.",
                                 arguments: [file, out] + AgentOptions.solving)

    static func run(_ arguments: ParsedCommand) async throws {
        let path = URL(fileURLWithPath: arguments[file]!).standardizedFileURL.path
        let (items, problems) = try TaskFile.load(path)
        for problem in problems { Console.error("\(arguments[file]!): \(problem)") }
        guard !items.isEmpty else { throw TaskFileError.noTasks(path: arguments[file]!, badLines: problems.count) }
        let store = try AgentOptions.store(arguments)
        let (solver, settings) = try AgentOptions.session(arguments, store: store) { _ in }

        let sink = try ResultSink(path: arguments[out])
        let progress = BatchProgress(total: items.count + problems.count, shown: Console.stderrIsTerminal)
        let interrupt = RunInterrupt.install()
        let (runID, _) = try await BatchRun.run(path: path, items: items, problems: problems, solver: solver,
                                                      settings: settings, store: store, onStart: { runID, resumed in
            interrupt.watch(runID, in: store, timer: RunTimer(), resume: "the same command resumes it")
            if resumed > 0 { Console.error("resuming run \(runID): \(RunPrinter.counted(resumed, "task")) already finished") }
        }) { record in
            sink.write(RunPrinter.batchLine(record), line: record.line)
            progress.add(record)
        }
        progress.end()
        try sink.finish()
        try printSummary(of: store.run(runID), json: arguments[AgentOptions.json], toStdout: arguments[out] != nil)
    }

    /// The run's summary: on stdout when results went to a file, else on stderr.
    static func printSummary(of run: RunRecord, json: Bool, toStdout: Bool) throws {
        if json, toStdout {
            try Console.printJSON(BatchSummary(run: run))
        } else if toStdout {
            print(RunPrinter.batchSummary(run))
        } else {
            Console.error(RunPrinter.batchSummary(run))
        }
    }

    struct BatchSummary: Encodable {
        let run: Int64
        let tasks, correct, graded, errors, cacheHits, cacheMisses, promptTokens, completionTokens: Int

        init(run record: RunRecord) {
            run = record.id
            tasks = record.tasks.count
            graded = record.tasks.filter { $0.correct != nil }.count
            correct = record.tasks.filter { $0.correct == true }.count
            errors = record.tasks.filter { $0.error != nil }.count
            cacheHits = record.cacheHits
            cacheMisses = record.cacheMisses
            promptTokens = record.tasks.reduce(0) { $0 + $1.promptTokens }
            completionTokens = record.tasks.reduce(0) { $0 + $1.completionTokens }
        }
    }
}

/// Where batch results go: stdout, as tasks finish; or a file (created or truncated), written
/// as tasks finish, so an interrupted run keeps every finished line, and rewritten in the task
/// file's line order when the run ends.
final class ResultSink: @unchecked Sendable {
    private let handle: FileHandle
    private let path: String?
    /// Every line written to the file, with its task file line (bad lines have theirs too).
    private var written: [(line: Int, text: String)] = []
    private let lock = NSLock()   // guards `written` and the handle's writes

    init(path: String?) throws {
        self.path = path
        guard let path else {
            handle = .standardOutput
            return
        }
        guard FileManager.default.createFile(atPath: path, contents: nil) else {
            throw CocoaError(.fileWriteNoPermission, userInfo: [NSFilePathErrorKey: path])
        }
        handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
    }

    func write(_ text: String, line: Int?) {
        lock.withLock {
            handle.write(Data((text + "\n").utf8))
            if path != nil { written.append((line ?? Int.max, text)) }
        }
    }

    /// Rewrites the file in line order (stdout stays as written).
    func finish() throws {
        guard let path else { return }
        let ordered = lock.withLock { written.enumerated().sorted { ($0.element.line, $0.offset) < ($1.element.line, $1.offset) } }
        try Data(ordered.map { $0.element.text + "\n" }.joined().utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
    }
}

/// A one-line progress bar on stderr (only when it is a terminal).
final class BatchProgress: @unchecked Sendable {
    private let total: Int
    private let shown: Bool
    private let label: String
    private let lock = NSLock()
    private var finished = 0, correct = 0, graded = 0, hits = 0, misses = 0

    init(total: Int, shown: Bool, label: String = "") {
        self.total = total
        self.shown = shown
        self.label = label.isEmpty ? "" : label + " "
    }

    func add(_ record: TaskRecord) {
        lock.withLock {
            finished += 1
            if let right = record.correct { graded += 1; correct += right ? 1 : 0 }
            hits += record.cacheHits
            misses += record.cacheMisses
            guard shown else { return }
            let bar = Self.bar(done: finished, of: total, width: 30)
            FileHandle.standardError.write(Data(
                "\r\(label)[\(bar)] \(finished)/\(total) · \(correct)/\(graded) correct · cache \(hits) hits, \(misses) misses".utf8))
        }
    }

    func end() {
        if shown { FileHandle.standardError.write(Data("\n".utf8)) }
    }

    /// `width` characters, `#` for the done share of `total` (all `#` when there is nothing to do).
    static func bar(done: Int, of total: Int, width: Int) -> String {
        let filled = total == 0 ? width : width * done / total
        return String(repeating: "#", count: filled) + String(repeating: " ", count: width - filled)
    }
}
