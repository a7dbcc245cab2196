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

    /// The program paths' system prompt. Their instructions follow the task instead (measured: moved
    /// into this shared prompt, with "Write no comments", `pot` fell from 133 to 122 of dev 101–300,
    /// docs/journal/2026-12-07-shared-program-prompt.md; moved word for word, each path scored the
    /// same but the two programs erred together more often and the vote fell from 147 to 140,
    /// docs/journal/2026-12-07-program-instructions-shared.md; each path's own in its own system
    /// prompt, the vote was unchanged, 147 with it against 146, and no time saving was clear,
    /// docs/journal/2026-12-07-program-system-prompts.md).
    static let programSystem = """
    You are a careful problem solver. You answer with a short Python program that computes the \
    answer exactly and stores it in a variable named `answer`.
    """

    /// The request for a program after the task (and its hint): plain arithmetic, the answer in `answer`.
    private static let programRequest = """
    Use only plain Python: arithmetic, if, for loops and the math module; no input, no other imports. \
    Store the answer to the problem's question in `answer`. Reply with the program only, in one ```python block.
    """

    /// Program of thought on the whole task. The task comes first, so this prompt and
    /// ``guidedProgram(task:steps:)`` share their cached prefix.
    static func program(task: String) -> [ChatMessage] {
        [.system(programSystem), .user("\(task)\n\n\(programRequest)")]
    }

    /// Program of thought with the plan: each subquestion becomes one named variable, and the
    /// problem's own question decides the answer (a plan can be incomplete).
    static func guidedProgram(task: String, steps: [PlanStep]) -> [ChatMessage] {
        let questions = steps.map { "\($0.number). " + PlanReferences.rewrite($0.question) { "the answer to \($0)" } }
        let text = """
        \(task)

        Subquestions that may help (they can be incomplete or wrong):
        \(questions.joined(separator: "\n"))

        Write a Python program that solves the problem: set a variable for each quantity the problem gives, \
        compute one named variable per subquestion (after a comment with the subquestion), and add any step the \
        subquestions miss. \(programRequest)
        """
        return [.system(programSystem), .user(text)]
    }

    /// Ends a program reply at its closing fence: what a model writes after its code is never used.
    static let programStop = ["\n```\n"]
}
