import Synchronization

/// `solve --verbose`: echoes what each model call writes to stderr as it is written, a whole
/// line at a time, each line tagged with its call (`[pot+plan] total = 3 * 4`), so calls that run
/// at once stay readable.
final class WritingEcho: Sendable {
    /// Text of each call since its last full line.
    private let pending = Mutex<[String: String]>([:])

    /// Adds `text` written by `call`, printing the lines it completes.
    func add(call: String, text: String) {
        let lines: [Substring] = pending.withLock { pending in
            var buffer = pending[call, default: ""] + text
            var complete: [Substring] = []
            while let newline = buffer.firstIndex(of: "\n") {
                complete.append(buffer[..<newline])
                buffer = String(buffer[buffer.index(after: newline)...])
            }
            pending[call] = buffer
            return complete
        }
        for line in lines { Console.error("[\(call)] \(line)") }
    }

    /// Prints what calls wrote after their last full line.
    func finish() {
        let rest = pending.withLock { pending in
            defer { pending = [:] }
            return pending.filter { !$0.value.isEmpty }.sorted { $0.key < $1.key }
        }
        for (call, text) in rest { Console.error("[\(call)] \(text)") }
    }
}
