import MiniPython

/// A program path's answer: the program in the solver's reply, run by ``MiniPython`` within its
/// limits. Anything outside the language subset, a runtime error or a limit gives no answer and
/// a note saying why; nothing the program does reaches outside the interpreter.
struct ProgramAnswer: Sendable, Equatable {
    /// The normalised answer, when the program gave one.
    let answer: String?
    /// Why there is no answer (or what to doubt about it).
    let note: String?

    /// Runs the program in `reply`; `cut` says the reply stopped at the token limit.
    init(reply: String, cut: Bool) {
        guard let code = MiniPython.code(inReply: reply) else {
            (answer, note) = (nil, cut ? "no program: the reply was cut at the token limit" : "no program in the reply")
            return
        }
        switch MiniPython.run(code) {
        case .failure(let error):
            (answer, note) = (nil, "program: " + error.description + (cut ? " (the reply was cut at the token limit)" : ""))
        case .success(let run):
            // A program that computes its result but forgets `answer = …` most often ends with the
            // result's assignment: that variable answers, with a note.
            let fallback = run.answerText == nil ? run.lastAssigned : nil
            guard let text = run.answerText ?? fallback.flatMap({ run.globals[$0]?.description }) else {
                (answer, note) = (nil, "program: no `answer` set and nothing printed")
                return
            }
            guard let answer = AnswerExtractor.extract(from: text) else {
                (answer, note) = (nil, "program: its answer `\(text.prefix(80))` holds no answer")
                return
            }
            (self.answer, note) = (AnswerExtractor.normalize(answer), fallback.map { "program: no `answer` set; `\($0)`, assigned last, answers" })
        }
    }
}
