/// How the solver answers a plan's subquestions.
public enum StepStrategy: String, Sendable, Codable, CaseIterable {
    /// One chain-of-thought call on the problem, its subquestions given as a hint, ending with its answer.
    case together
    /// One call per subquestion (the ready ones concurrently, wave by wave), then a synthesis call.
    case separately
}
