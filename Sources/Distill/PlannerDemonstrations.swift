import Agent
import LLM

/// A task and the plan the planner should write for it: a training example for the planner.
public struct PlannerDemonstration: Sendable, Equatable {
    public let id: String
    public let task: String
    /// Numbered subquestions, one per line, as the planner writes them.
    public let plan: String

    public init(id: String, task: String, plan: String) {
        self.id = id
        self.task = task
        self.plan = plan
    }
}

/// A demonstration as token ids: the planner's prompt, and the reply the training loss is on.
public struct PlannerTrainingTokens: Sendable, Equatable {
    /// The chat prompt up to and including the opening of the assistant's turn.
    public let prompt: [Int32]
    /// The plan and the end-of-turn marker that stops generation.
    public let reply: [Int32]
}

/// Where the planner's training demonstrations come from.
public enum PlannerDemonstrations {
    /// The gold decompositions of a data file (`{"id", "question", "subquestions": [{"q"}]}` per
    /// line), and its lines that hold no task or no plan; plans longer than the planner may write
    /// are left out.
    public static func gold(_ path: String, maxSteps: Int = PlanParser.defaultMaxSteps) throws(TaskFileError)
        -> (demonstrations: [PlannerDemonstration], problems: [TaskLineProblem]) {
        let (plans, planProblems) = try GoldPlans.load(path)
        let (tasks, taskProblems) = try TaskFile.load(path)
        let demonstrations = tasks.compactMap { item -> PlannerDemonstration? in
            guard let plan = plans[item.id], plan.steps.count <= maxSteps else { return nil }
            return PlannerDemonstration(id: item.id, task: item.task, plan: plan.text)
        }
        let problems = Dictionary((taskProblems + planProblems).map { ($0.line, $0) }) { first, _ in first }
        return (demonstrations, problems.values.sorted { $0.line < $1.line })
    }

    /// Teacher plans kept by rejection sampling (`divvy distill --teacher`), from the exemplars table.
    public static func teacher(in store: AgentStore) throws -> [PlannerDemonstration] {
        try store.exemplars(origin: .teacher).map { PlannerDemonstration(id: $0.id, task: $0.task, plan: $0.plan) }
    }

    /// The demonstration in the trained planner's prompt format: the zero-exemplar planner
    /// prompt, then the plan closed by the chat template's end of turn.
    public static func tokens(_ demonstration: PlannerDemonstration, model: LanguageModel) -> PlannerTrainingTokens {
        let messages = PlannerPrompt.trained(task: demonstration.task)
        let prompt = model.encodeChat(messages)
        let whole = model.encodeChat(messages + [.assistant(demonstration.plan)], addGenerationPrompt: false)
        // The template closes the turn with the end-of-turn marker and a newline; the model stops at the marker.
        var reply = Array(whole.dropFirst(prompt.count))
        if let last = reply.lastIndex(where: model.tokenizer.endOfTurnIDs.contains) { reply.removeSubrange((last + 1)...) }
        return PlannerTrainingTokens(prompt: prompt, reply: reply)
    }
}
