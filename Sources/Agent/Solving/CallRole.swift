/// What a model call is for: part of its result-cache key and of its record in the run log.
public enum CallRole: String, Sendable, Codable, CaseIterable {
    case planner
    /// A solver call, named by the kind of record it answers.
    case step, synthesis, guided, direct, program

    init(_ kind: SubproblemRecord.Kind) {
        switch kind {
        case .step: self = .step
        case .synthesis: self = .synthesis
        case .guided: self = .guided
        case .direct: self = .direct
        case .program: self = .program
        }
    }
}
