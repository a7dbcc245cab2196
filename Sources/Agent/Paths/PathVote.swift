/// The answer of a task's reasoning paths: the answer most paths gave (compared after
/// normalisation, numbers within 1e-6), ties going to the answer of the path listed first. A
/// path that gave no answer does not vote, but counts in the share.
public struct PathVote: Sendable, Equatable {
    /// The winning answer as the first path that gave it wrote it; nil when no path answered.
    public let answer: String?
    /// The index of that first path in the list voted on.
    public let winner: Int?
    /// Paths that gave the winning answer.
    public let votes: Int
    /// Paths voted on, with or without an answer.
    public let paths: Int

    /// Votes for the answer ÷ paths: the confidence reported with it.
    public var share: Double { paths == 0 ? 0 : Double(votes) / Double(paths) }

    /// The vote over `answers`, one per path in schedule order (nil: the path gave none).
    public init(_ answers: [String?]) {
        let best = Self.ranked(answers).first
        answer = best.flatMap { answers[$0.first] }
        winner = best?.first
        votes = best?.votes ?? 0
        paths = answers.count
    }

    /// Whether `remaining` more paths, which come after all of `answers` in the tie order, could
    /// no longer change the winner: the leader's margin over the runner-up is larger than the
    /// votes still to come, or equal to them while the leader wins the tie (a new answer always
    /// loses a tie to it).
    public static func isSettled(_ answers: [String?], remaining: Int) -> Bool {
        let tallies = ranked(answers)
        guard let leader = tallies.first else { return remaining == 0 }
        guard let runnerUp = tallies.dropFirst().first else { return leader.votes >= remaining }
        let margin = leader.votes - runnerUp.votes
        return margin > remaining || (margin == remaining && leader.first < runnerUp.first)
    }

    /// Each distinct answer's votes and the index of the first path that gave it, winner first:
    /// most votes, then the earliest path.
    private static func ranked(_ answers: [String?]) -> [(votes: Int, first: Int)] {
        var tally: [String: (votes: Int, first: Int)] = [:]
        for (index, answer) in answers.enumerated() {
            guard let answer else { continue }
            tally[key(answer), default: (0, index)].votes += 1
        }
        return tally.values.sorted { $0.votes > $1.votes || ($0.votes == $1.votes && $0.first < $1.first) }
    }

    /// Numbers by value rounded to 1e-6 (so 8 and 8.0000000001 agree), other answers as normalised text.
    private static func key(_ answer: String) -> String {
        guard let value = AnswerExtractor.numericValue(of: answer) else { return AnswerExtractor.normalize(answer) }
        return AnswerExtractor.format((value * 1e6).rounded() / 1e6)
    }
}
