import Foundation

/// Why planner output could not be used as a plan; the caller solves the task directly and logs it.
public enum PlanFailure: Error, Equatable, Sendable, CustomStringConvertible {
    /// Neither numbered subquestions nor "no decomposition".
    case empty
    /// A numbered line without a question.
    case emptyStep(Int)
    /// Steps not numbered 1, 2, 3, …: `found` where `expected` should be.
    case numberingGap(expected: Int, found: Int)
    /// More subquestions (after dropping duplicates) than allowed.
    case tooManySteps(count: Int, limit: Int)
    /// The planner began step `limit + 1` and was stopped there (long plans and repetition loops).
    case stoppedPastLimit(limit: Int)
    /// A step uses its own answer.
    case selfReference(step: Int)
    /// A step uses the answer of a later step (every dependency cycle includes one).
    case futureReference(step: Int, reference: Int)
    /// A step refers to a step the plan does not have.
    case nonexistentReference(step: Int, reference: Int)

    public var description: String {
        switch self {
        case .empty: "no numbered subquestions and no \"no decomposition\""
        case .emptyStep(let step): "step \(step) has no question"
        case let .numberingGap(expected, found): "expected step \(expected), found step \(found)"
        case let .tooManySteps(count, limit): "\(count) steps, more than the limit of \(limit)"
        case let .stoppedPastLimit(limit): "stopped at step \(limit + 1), past the limit of \(limit)"
        case .selfReference(let step): "step \(step) refers to its own answer"
        case let .futureReference(step, reference): "step \(step) refers to later step #\(reference)"
        case let .nonexistentReference(step, reference): "step \(step) refers to missing step #\(reference)"
        }
    }
}

/// Reads planner output into a ``Plan``.
///
/// Step lines look like `1. …`, `1) …`, `Q1: …` or `Step 1: …` (optionally bulleted or in
/// `**bold**`); other lines are ignored. Without step lines, text containing
/// "no decomposition" (any case) is the direct plan. Exact duplicate subquestions
/// (ignoring whitespace) are dropped and references renumbered.
public enum PlanParser {
    /// The largest number of steps accepted by default.
    public static let defaultMaxSteps = 8
    /// Copies of one subquestion at which the local planner is stopped: at the first repeat, whose
    /// line is dropped from the plan (``TaskSolver/planText(_:)``).
    public static let loopCopies = 2

    /// Parses planner output.
    public static func parse(_ text: String, maxSteps: Int = defaultMaxSteps) throws(PlanFailure) -> Plan {
        let numbered = text.split(whereSeparator: \.isNewline).compactMap(stepLine)
        guard !numbered.isEmpty else {
            if text.lowercased().replacingOccurrences(of: "_", with: " ").contains("no decomposition") {
                return .direct
            }
            throw .empty
        }
        for (offset, line) in numbered.enumerated() {
            guard line.number == offset + 1 else { throw .numberingGap(expected: offset + 1, found: line.number) }
            guard !line.question.isEmpty else { throw .emptyStep(line.number) }
            for reference in PlanReferences.numbers(in: line.question) {
                if reference == line.number { throw .selfReference(step: line.number) }
                if reference < 1 || reference > numbered.count {
                    throw .nonexistentReference(step: line.number, reference: reference)
                }
                if reference > line.number { throw .futureReference(step: line.number, reference: reference) }
            }
        }
        let plan = removingDuplicates(numbered.map(\.question))
        guard plan.steps.count <= maxSteps else { throw .tooManySteps(count: plan.steps.count, limit: maxSteps) }
        return plan
    }

    /// Keeps the first of each set of identical questions; references to a dropped step
    /// point at the kept one, and all references follow the new numbering.
    private static func removingDuplicates(_ questions: [String]) -> Plan {
        var newNumber: [Int: Int] = [:]
        var kept: [String] = []
        var keptByKey: [String: Int] = [:]
        var dropped: [Int] = []
        for (offset, question) in questions.enumerated() {
            let rewritten = PlanReferences.rewrite(question) { newNumber[$0].map { "#\($0)" } }
            let key = rewritten.split(whereSeparator: \.isWhitespace).joined(separator: " ")
            if let existing = keptByKey[key] {
                newNumber[offset + 1] = existing
                dropped.append(offset + 1)
            } else {
                kept.append(rewritten)
                keptByKey[key] = kept.count
                newNumber[offset + 1] = kept.count
            }
        }
        let steps = kept.enumerated().map { offset, question in
            PlanStep(number: offset + 1, question: question, references: PlanReferences.numbers(in: question))
        }
        return Plan(steps: steps, droppedDuplicates: dropped)
    }

    /// `(number, question)` when `line` is a step line.
    private static func stepLine(_ line: Substring) -> (number: Int, question: String)? {
        var rest = line.drop { $0.isWhitespace }
        if let first = rest.first, "-*•".contains(first), rest.dropFirst().first?.isWhitespace == true {
            rest = rest.dropFirst().drop { $0.isWhitespace }
        }
        rest = rest.trimmingPrefix("**")
        let lowered = rest.lowercased()
        let labelled = ["question", "step", "q"].first { lowered.hasPrefix($0) }
        if let labelled { rest = rest.dropFirst(labelled.count).drop { $0 == " " } }
        let digits = rest.prefix { $0.isASCII && $0.isNumber }
        guard let number = Int(digits) else { return nil }
        rest = rest[digits.endIndex...]
        guard let delimiter = rest.first,
              labelled != nil ? ":.)".contains(delimiter) : ".)".contains(delimiter) else { return nil }
        rest = rest.dropFirst()
        guard rest.isEmpty || rest.first?.isWhitespace == true || rest.hasPrefix("**") else { return nil }
        var question = rest.trimmingPrefix("**").trimmingPrefix(while: \.isWhitespace)
        if question.hasSuffix("**") { question = question.dropLast(2) }
        return (number, String(question.reversed().drop { $0.isWhitespace }.reversed()))
    }
}
