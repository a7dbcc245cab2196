/// The outcome of a program that ran to completion.
public struct ProgramRun: Sendable {
    /// Printed output, one entry per line (an unterminated last line included).
    public let printed: [String]
    /// Global variables holding data (ints, floats, bools, strings, lists, tuples, None) at the end.
    /// Lists too large to copy out (more than `maxTotalElements` elements in all) are left out.
    public let globals: [String: ProgramValue]
    /// Steps taken (see `ProgramLimits.maxSteps`).
    public let steps: Int
    /// The global variable the program assigned last at the top level (a loop's body included,
    /// a function's not), if it is among `globals`.
    public let lastAssigned: String?

    /// The program's answer: the global `answer` if the program set one, else the last non-blank
    /// printed line (trimmed), else nil. A float answer keeps Python's text, e.g. "72.0".
    public var answerText: String? {
        if let answer = globals["answer"] { return answer.description }
        return printed.lazy.map { trimmed($0) }.last { !$0.isEmpty }
    }
}
