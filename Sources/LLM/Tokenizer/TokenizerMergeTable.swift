/// The BPE merge rules keyed by the pair of token ids they join: an open-addressing hash map from
/// `(left, right)` to the rule's rank (its line in the merges list; lower merges first) and the id
/// of the joined piece.
struct TokenizerMergeTable: Sendable {
    private var keys: [UInt64]
    private var values: [UInt64]
    private(set) var count = 0
    private static let empty = UInt64.max

    init(expectedCount: Int) {
        var n = 16
        while n < expectedCount * 2 { n <<= 1 }
        keys = [UInt64](repeating: Self.empty, count: n)
        values = [UInt64](repeating: 0, count: n)
    }

    @inline(__always)
    private static func key(_ left: Int32, _ right: Int32) -> UInt64 {
        UInt64(UInt32(bitPattern: left)) << 32 | UInt64(UInt32(bitPattern: right))
    }

    @inline(__always)
    private static func slot(_ key: UInt64, mask: Int) -> Int {
        Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> 32) & mask
    }

    /// Adds a rule unless the pair already has one (the earlier, lower rank wins, as in the file).
    mutating func insert(left: Int32, right: Int32, rank: Int32, result: Int32) {
        if (count + 1) * 2 > keys.count { grow() }
        let k = Self.key(left, right)
        let mask = keys.count - 1
        var s = Self.slot(k, mask: mask)
        while keys[s] != Self.empty {
            if keys[s] == k { return }
            s = (s + 1) & mask
        }
        keys[s] = k
        values[s] = UInt64(UInt32(bitPattern: rank)) << 32 | UInt64(UInt32(bitPattern: result))
        count += 1
    }

    /// The rule joining `left` and `right`: rank in the high 32 bits, joined id in the low 32 bits;
    /// nil when the pair never merges.
    @inline(__always)
    func lookup(_ left: Int32, _ right: Int32) -> UInt64? {
        let k = Self.key(left, right)
        return keys.withUnsafeBufferPointer { ks in
            let mask = ks.count - 1
            var s = Self.slot(k, mask: mask)
            while true {
                let found = ks[s]
                if found == k { return values[s] }
                if found == Self.empty { return nil }
                s = (s + 1) & mask
            }
        }
    }

    private mutating func grow() {
        let old = zip(keys, values).filter { $0.0 != Self.empty }
        keys = [UInt64](repeating: Self.empty, count: keys.count * 2)
        values = [UInt64](repeating: 0, count: keys.count)
        count = 0
        for (k, v) in old {
            insert(left: Int32(bitPattern: UInt32(k >> 32)), right: Int32(bitPattern: UInt32(truncatingIfNeeded: k)),
                   rank: Int32(bitPattern: UInt32(v >> 32)), result: Int32(bitPattern: UInt32(truncatingIfNeeded: v)))
        }
    }
}
