import Foundation

/// Two runs compared problem by problem: how many problems each got right that the other
/// missed, and the exact two-sided sign test (McNemar's exact test) on those discordant problems.
public struct PairedComparison: Sendable, Codable, Equatable {
    public let first, second: String
    public let firstRun, secondRun: Int64
    /// Problems graded in both runs (matched by task key).
    public let problems: Int
    public let bothRight, onlyFirst, onlySecond, bothWrong: Int
    /// The chance of discordant counts at least this uneven if both runs were equally accurate.
    public let pValue: Double

    /// Accuracy of the first minus the second on the paired problems, in points.
    public var difference: Double { problems == 0 ? 0 : 100 * Double(onlyFirst - onlySecond) / Double(problems) }

    /// Compares run `a` (named `first`) with run `b` (named `second`) on the problems both graded.
    public init(_ first: String, _ a: RunRecord, _ second: String, _ b: RunRecord) {
        let graded = Dictionary(b.tasks.compactMap { task in task.correct.map { (task.key, $0) } }) { earlier, _ in earlier }
        var counts = (both: 0, first: 0, second: 0, neither: 0)
        for task in a.tasks {
            guard let right = task.correct, let other = graded[task.key] else { continue }
            switch (right, other) {
            case (true, true): counts.both += 1
            case (true, false): counts.first += 1
            case (false, true): counts.second += 1
            case (false, false): counts.neither += 1
            }
        }
        self.first = first
        self.second = second
        firstRun = a.id
        secondRun = b.id
        problems = counts.both + counts.first + counts.second + counts.neither
        bothRight = counts.both
        onlyFirst = counts.first
        onlySecond = counts.second
        bothWrong = counts.neither
        pValue = Self.signTest(counts.first, counts.second)
    }

    /// The exact two-sided sign test: twice the binomial(n, ½) tail at the smaller count, at most 1.
    public static func signTest(_ a: Int, _ b: Int) -> Double {
        let n = a + b
        guard n > 0 else { return 1 }
        let logHalfPower = Double(n) * log(0.5)
        let tail = (0...min(a, b)).reduce(0.0) { sum, k in sum + exp(logChoose(n, k) + logHalfPower) }
        return min(1, 2 * tail)
    }

    private static func logChoose(_ n: Int, _ k: Int) -> Double {
        lgamma(Double(n + 1)) - lgamma(Double(k + 1)) - lgamma(Double(n - k + 1))
    }
}
