/// One subquestion of a plan.
public struct PlanStep: Sendable, Equatable {
    /// 1-based position in the plan.
    public let number: Int
    /// The subquestion; `#k` stands for the answer of step k.
    public let question: String
    /// Steps whose answers the question uses, ascending, each smaller than `number`.
    public let references: [Int]

    public init(number: Int, question: String, references: [Int]) {
        self.number = number
        self.question = question
        self.references = references
    }

    /// The question with each `#k` replaced by `answers[k]` (left as is when not answered).
    public func resolvedQuestion(answers: [Int: String]) -> String {
        PlanReferences.rewrite(question) { answers[$0] }
    }
}

/// A task's decomposition: numbered subquestions, or none (the task is solved directly).
///
/// References only point backwards, so the steps are already in an order that respects
/// every dependency and no cycle can occur.
public struct Plan: Sendable, Equatable {
    /// The subquestions in order; empty for "no decomposition".
    public let steps: [PlanStep]
    /// Original numbers of subquestions dropped as exact duplicates of earlier ones.
    public let droppedDuplicates: [Int]

    public init(steps: [PlanStep], droppedDuplicates: [Int] = []) {
        self.steps = steps
        self.droppedDuplicates = droppedDuplicates
    }

    /// The plan as the planner writes it: numbered lines, `#k` for earlier answers.
    public var text: String {
        steps.map { "\($0.number). \($0.question)" }.joined(separator: "\n")
    }

    /// The plan that says "no decomposition".
    public static let direct = Plan(steps: [])

    /// Whether the task is to be solved directly, without subquestions.
    public var isDirect: Bool { steps.isEmpty }

    /// The steps whose answers step `number` needs: its `#k` references; the last step, which asks
    /// what the task asks, needs all earlier ones (small planners often leave its references out).
    /// Empty for an unknown step.
    public func inputs(of number: Int) -> [Int] {
        guard let step = steps.first(where: { $0.number == number }) else { return [] }
        return number == steps.count ? Array(1..<number) : step.references
    }

    /// Unanswered steps all of whose inputs are answered, in order: what can run now.
    public func readySteps(answered: Set<Int>) -> [Int] {
        steps.filter { !answered.contains($0.number) && inputs(of: $0.number).allSatisfy(answered.contains) }
            .map(\.number)
    }
}

/// Finding and rewriting `#k` references in subquestion text.
enum PlanReferences {
    /// The distinct step numbers referenced in `text`, ascending.
    static func numbers(in text: String) -> [Int] {
        var found = Set<Int>()
        _ = rewrite(text) { found.insert($0); return nil }
        return found.sorted()
    }

    /// `text` with each `#k` replaced by `replacement(k)`, or kept when that is nil.
    static func rewrite(_ text: String, _ replacement: (Int) -> String?) -> String {
        var result = ""
        var index = text.startIndex
        while index < text.endIndex {
            let character = text[index]
            index = text.index(after: index)
            guard character == "#" else { result.append(character); continue }
            let digits = text[index...].prefix { $0.isASCII && $0.isNumber }
            guard let number = Int(digits) else { result.append(character); continue }
            result += replacement(number) ?? "#" + digits
            index = digits.endIndex
        }
        return result
    }
}
