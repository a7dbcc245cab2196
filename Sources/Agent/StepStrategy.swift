/// How the solver answers a plan's subquestions.
public enum StepStrategy: String, Sendable, Codable, CaseIterable {
    /// All subquestions in one chain-of-thought call that ends with the problem's answer.
    case together
    /// One call per subquestion (the ready ones concurrently, wave by wave), then a synthesis call.
    case separately
}
