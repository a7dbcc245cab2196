import LLM

/// The solver's prompts: a plan's subquestions answered in one call, one subquestion in the
/// context of its problem, the synthesis of a plan's answers, and direct chain-of-thought solving.
enum SolverPrompt {
    static let system = """
    You are a careful problem solver. Think briefly, calculate exactly, and end your reply \
    with "The answer is: " followed by the answer.
    """

    /// The problem solved step by step in one call, with its plan as a hint that may be wrong
    /// (`#k` reads "the answer to k"): a plan that misses what the problem asks must not lead the
    /// solver away from it.
    static func guided(task: String, steps: [PlanStep]) -> [ChatMessage] {
        let questions = steps.map { "\($0.number). " + PlanReferences.rewrite($0.question) { "the answer to \($0)" } }
        let text = """
        \(task)

        Hint: these subquestions may help (they can be incomplete or wrong):
        \(questions.joined(separator: "\n"))

        Solve it step by step, then end with "The answer is: <answer>".
        """
        return [.system(system), .user(text)]
    }

    /// Subquestion `question` (references already resolved), with the problem and the
    /// subquestions it builds on.
    static func step(task: String, question: String, known: [(question: String, answer: String)]) -> [ChatMessage] {
        var text = "Problem: \(task)\n"
        if !known.isEmpty {
            text += "\nKnown:\n" + known.map { "- \($0.question) \($0.answer)" }.joined(separator: "\n") + "\n"
        }
        text += "\nAnswer only this subquestion: \(question)\nGive the calculation in one or two sentences, "
            + "then end with \"The answer is: <answer>\"."
        return [.system(system), .user(text)]
    }

    /// The final answer: the whole problem solved step by step, with the subquestions' answers
    /// as hints that may be wrong (a plan can miss what the problem asks, or a step can slip).
    static func synthesis(task: String, solved: [(question: String, answer: String)]) -> [ChatMessage] {
        let facts = solved.enumerated().map { "\($0.offset + 1). \($0.element.question) \($0.element.answer)" }
        let text = """
        Problem: \(task)

        Notes from subquestions (they may contain mistakes or miss what the problem asks):
        \(facts.joined(separator: "\n"))

        Solve the problem step by step, using the notes only where they are right, \
        then end with "The answer is: <answer>".
        """
        return [.system(system), .user(text)]
    }

    /// Chain of thought on the whole task.
    static func direct(task: String) -> [ChatMessage] {
        [.system(system), .user("\(task)\nSolve it step by step, then end with \"The answer is: <answer>\".")]
    }

    /// The system prompt of both program paths. All the instructions live here, before the task,
    /// so every program call of every task shares them as one cached prefix and pays only for
    /// its task (and plan).
    static let programSystem = """
    You are a careful problem solver. You answer with a short Python program that computes the \
    answer exactly and stores it in a variable named `answer`. Use only plain Python: arithmetic, if, \
    for loops and the math module; no input, no other imports. When subquestions are given, they may \
    help but can be incomplete or wrong: set a variable for each quantity the problem gives, compute \
    one named variable per subquestion, and add any step they miss; `answer` answers the problem's own \
    question. Write no comments. Reply with the program only, in one ```python block.
    """

    /// Program of thought on the whole task. The task comes first, so this prompt and
    /// ``guidedProgram(task:steps:)`` share their cached prefix through the task.
    static func program(task: String) -> [ChatMessage] {
        [.system(programSystem), .user(task)]
    }

    /// Program of thought with the plan: the task, then its subquestions (the system prompt says
    /// how to use them).
    static func guidedProgram(task: String, steps: [PlanStep]) -> [ChatMessage] {
        let questions = steps.map { "\($0.number). " + PlanReferences.rewrite($0.question) { "the answer to \($0)" } }
        return [.system(programSystem), .user("\(task)\n\nSubquestions:\n\(questions.joined(separator: "\n"))")]
    }

    /// Ends a program reply at its closing fence: what a model writes after its code is never used.
    static let programStop = ["\n```\n"]
}
