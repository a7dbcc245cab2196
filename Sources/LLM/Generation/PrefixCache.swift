/// Sequences of finished requests whose cache cells are kept so that a later prompt starting
/// with the same tokens copies them instead of recomputing; the least recently used go first
/// when cells or sequence ids are needed.
struct PrefixCache {
    struct Entry {
        let sequence: Int32
        /// The tokens whose keys and values the sequence holds, from position 0.
        let tokens: [Int32]
        var lastUse: Int
    }

    private(set) var entries: [Entry] = []
    private var clock = 0

    var isEmpty: Bool { entries.isEmpty }
    var sequences: [Int32] { entries.map(\.sequence) }

    /// Keeps `sequence`, which holds `tokens`.
    mutating func keep(_ sequence: Int32, tokens: [Int32]) {
        clock += 1
        entries.append(Entry(sequence: sequence, tokens: tokens, lastUse: clock))
    }

    /// Marks `sequence`'s entry as just used.
    mutating func touch(_ sequence: Int32) {
        clock += 1
        if let i = entries.firstIndex(where: { $0.sequence == sequence }) { entries[i].lastUse = clock }
    }

    /// Removes the least recently used entry (other than `spared`'s) and returns its sequence,
    /// whose cells the caller frees.
    mutating func evictOldest(sparing spared: Int32 = -1) -> Int32? {
        let candidates = entries.indices.filter { entries[$0].sequence != spared }
        guard let i = candidates.min(by: { entries[$0].lastUse < entries[$1].lastUse }) else { return nil }
        return entries.remove(at: i).sequence
    }

    /// Forgets `sequence`'s entry (its cells now belong to a running request).
    mutating func remove(_ sequence: Int32) {
        entries.removeAll { $0.sequence == sequence }
    }
}

/// How many leading tokens `a` and `b` share.
public func commonPrefixLength(_ a: [Int32], _ b: some Collection<Int32>) -> Int {
    var n = 0
    for (x, y) in zip(a, b) {
        guard x == y else { break }
        n += 1
    }
    return n
}
