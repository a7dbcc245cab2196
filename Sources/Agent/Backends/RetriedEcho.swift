import Synchronization

/// Hands a reply's text to `onText` as it arrives, across retries of the request, without
/// repeating it: a retry's text that repeats what was already handed on is held back and only
/// what goes beyond it is passed on. A retry that says something else starts on a new line.
final class RetriedEcho: Sendable {
    private struct State {
        /// What `onText` has been handed, as one text.
        var shown = ""
        /// The current attempt's text so far.
        var attempt = ""
        /// The attempt's text differs from what was shown: it is passed on as it comes.
        var diverged = false
    }

    private let onText: @Sendable (String) -> Void
    private let state = Mutex(State())

    init(_ onText: @escaping @Sendable (String) -> Void) {
        self.onText = onText
    }

    /// Call before each attempt.
    func startAttempt() {
        state.withLock {
            $0.attempt = ""
            $0.diverged = false
        }
    }

    /// The attempt's next piece of text.
    func piece(_ text: String) {
        let passed: String? = state.withLock { s in
            s.attempt += text
            if s.diverged {
                s.shown += text
                return text
            }
            if s.shown.utf8.starts(with: s.attempt.utf8) { return nil }   // still repeating
            if s.attempt.utf8.starts(with: s.shown.utf8) {
                let beyond = String(decoding: s.attempt.utf8.dropFirst(s.shown.utf8.count), as: UTF8.self)
                s.shown = s.attempt
                return beyond
            }
            s.diverged = true
            s.shown += "\n" + s.attempt
            return "\n" + s.attempt
        }
        if let passed { onText(passed) }
    }
}
