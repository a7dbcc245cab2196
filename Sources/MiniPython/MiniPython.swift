/// Divvy's interpreter for the small, safe subset of Python that model-written solutions to math word
/// problems use. Programs are untrusted: anything outside the subset, and any program that exceeds its
/// `ProgramLimits`, ends in a typed `ProgramError` rather than a crash, hang or unbounded allocation.
///
/// Each run happens on its own thread with a large stack and shares no mutable state, so runs may be
/// made concurrently from any thread.
public enum MiniPython {
    /// Parses and runs `source`.
    public static func run(_ source: String, limits: ProgramLimits = ProgramLimits()) -> Result<ProgramRun, ProgramError> {
        let length = source.unicodeScalars.count
        guard length <= limits.maxSourceLength else {
            return .failure(ProgramError(kind: .sourceTooLong,
                                         message: "the source has \(length) characters; the limit is \(limits.maxSourceLength)"))
        }
        var result: Result<ProgramRun, ProgramError>?
        let started = runOnInterpreterThread {
            result = execute(source, limits: limits)
        }
        guard started, let result else {
            return .failure(.runtime("could not start the interpreter thread"))
        }
        return result
    }

    /// The program in a model's reply: the first ```python (or ```py or bare ```) fenced block; if there
    /// is no fence, the whole reply when it is not blank and parses as a program, else nil. An
    /// unterminated fence takes the rest of the reply.
    public static func code(inReply reply: String) -> String? {
        CodeBlock.extract(from: reply)
    }

    private static func execute(_ source: String, limits: ProgramLimits) -> Result<ProgramRun, ProgramError> {
        let stack = StackGuard(budget: interpreterStackBudget)
        do throws(ProgramError) {
            let program = try Parser.parseProgram(source, maxNesting: limits.maxNestingDepth, stack: stack)
            return .success(try Interpreter(limits: limits, stack: stack).run(program))
        } catch {
            return .failure(error)
        }
    }
}
