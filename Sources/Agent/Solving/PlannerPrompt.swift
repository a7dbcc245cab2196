import LLM

/// The planner's prompt: an instruction and worked plans, as chat turns.
///
/// The built-in exemplars are GSM8K train problems 2944, 2563 and 6609 (shared/data/gsm8k_train_decomp.jsonl),
/// their gold subquestions rewritten to name the earlier answers they use as `#k`.
public enum PlannerPrompt {
    static let system = """
    You break a problem into a short numbered list of simple subquestions. Each subquestion \
    can be answered with one calculation. Write #k for the answer of subquestion k. The last \
    subquestion asks for what the problem asks. If the problem needs only one step, reply \
    "No decomposition." Reply with the list only.
    """

    static let exemplars: [Exemplar] = [
        Exemplar(problem: "Jane runs 3 kilometers in two hours. What is her speed in meters per minute?", plan: """
        1. How many meters are in 3 kilometers?
        2. How many minutes are in 2 hours?
        3. What is her speed in meters per minute if she runs #1 meters in #2 minutes?
        """),
        Exemplar(problem: "Sam has 18 cows.  5 more than half the cows are black.  How many cows are not black?", plan: """
        1. What is half the number of cows?
        2. How many cows are black if that is 5 more than #1?
        3. How many of the 18 cows are not black if #2 are black?
        """),
        Exemplar(problem: "John buys 5 toys that each cost $3.  He gets a 20% discount.  How much did he pay for everything?", plan: """
        1. How much do the 5 toys cost before the discount?
        2. How much is a 20% discount on #1?
        3. How much does John pay if the toys cost #1 and the discount is #2?
        """),
    ]

    /// Greedy decoding that stops where a step past the limit would begin (`9.` or `9)` on a new
    /// line: such plans are refused), or where one subquestion has been written
    /// ``PlanParser/loopCopies`` times: a planner caught in a loop stops at once, and its plan is
    /// the subquestions before the repeat.
    /// Greedy by default; the distiller's teacher samples its further plans at `temperature`.
    static func sampling(maxTokens: Int, temperature: Float = 0, seed: UInt64 = 0) -> SamplingParameters {
        let next = PlanParser.defaultMaxSteps + 1
        return SamplingParameters(temperature: temperature, seed: seed, maxTokens: maxTokens,
                                  stop: ["\n\(next).", "\n\(next))"], lineRepeatLimit: PlanParser.loopCopies)
    }

    /// The conversation asking for a plan of `task`, after `exemplars` as earlier turns.
    static func messages(task: String, exemplars: [Exemplar]) -> [ChatMessage] {
        var messages: [ChatMessage] = [.system(system)]
        for exemplar in exemplars {
            messages.append(.user(exemplar.problem))
            messages.append(.assistant(exemplar.plan))
        }
        messages.append(.user(task))
        return messages
    }

    /// The prompt a planner LoRA adapter is trained on and run with: the instruction and the
    /// task, no worked plans (the adapter has learnt the format).
    public static func trained(task: String) -> [ChatMessage] { messages(task: task, exemplars: []) }
}
