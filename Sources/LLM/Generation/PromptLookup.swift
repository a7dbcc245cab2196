/// Drafts a sequence's next tokens from its own text (prompt-lookup decoding): when the last few
/// tokens occurred before, the tokens that followed them then are proposed. Programs and worked
/// answers repeat the problem's numbers and names, so such drafts are often right, and they cost
/// no model call.
public struct PromptLookup: Sendable, Hashable {
    /// The most tokens one draft proposes.
    public var maxDraft: Int
    /// Lengths of the suffix looked up, tried longest first.
    public var ngramSizes: ClosedRange<Int>

    public init(maxDraft: Int = 4, ngramSizes: ClosedRange<Int> = 2...4) {
        precondition(maxDraft >= 0 && ngramSizes.lowerBound >= 1, "a draft needs a positive n-gram size")
        self.maxDraft = maxDraft
        self.ngramSizes = ngramSizes
    }

    /// Up to `limit` (at most `maxDraft`) tokens that followed the latest earlier occurrence of the
    /// longest suffix of `history` that occurred before; empty when none did.
    public func draft<C: RandomAccessCollection<Int32>>(_ history: C, limit: Int = .max) -> [Int32] where C.Index == Int {
        let count = min(maxDraft, limit)
        guard count > 0 else { return [] }
        let base = history.startIndex, length = history.count
        for n in ngramSizes.reversed() where n < length {
            let suffixStart = base + length - n
            // Latest start first: the nearest context predicts best. `start + n < end` leaves at
            // least one token after the match, and excludes the suffix itself.
            var start = suffixStart - 1
            while start >= base {
                if (0..<n).allSatisfy({ history[start + $0] == history[suffixStart + $0] }) {
                    let from = start + n
                    return Array(history[from..<min(from + count, history.endIndex)])
                }
                start -= 1
            }
        }
        return []
    }
}
