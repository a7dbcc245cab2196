/// The byte string of every token id in one arena, and an open-addressing hash index from byte
/// strings back to ids.
struct TokenizerVocabulary: Sendable {
    /// All pieces, back to back.
    private(set) var arena: [UInt8] = []
    /// Piece `id` is `arena[starts[id]..<starts[id + 1]]`.
    private(set) var starts: [Int32] = [0]
    /// Hash slots holding ids; -1 when empty. The count is a power of two.
    private var slots: [Int32]
    private var indexed = 0

    init(expectedCount: Int, expectedBytes: Int) {
        arena.reserveCapacity(expectedBytes)
        starts.reserveCapacity(expectedCount + 1)
        slots = [Int32](repeating: -1, count: Self.slotCount(for: expectedCount))
    }

    var count: Int { starts.count - 1 }

    /// Adds a piece as the next id (not yet findable; see `index`).
    @discardableResult
    mutating func append(_ bytes: UnsafeBufferPointer<UInt8>) -> Int32 {
        arena.append(contentsOf: bytes)
        starts.append(Int32(arena.count))
        return Int32(count - 1)
    }

    /// Makes piece `id` findable. When another id has the same bytes, `replace` decides which wins.
    mutating func index(_ id: Int32, replace: Bool) {
        if (indexed + 1) * 2 > slots.count { grow() }
        let start = Int(starts[Int(id)]), end = Int(starts[Int(id) + 1])
        let found: (slot: Int, id: Int32) = arena.withUnsafeBufferPointer { a in
            probe(UnsafeBufferPointer(rebasing: a[start..<end]), arena: a)
        }
        if found.id < 0 {
            slots[found.slot] = id
            indexed += 1
        } else if replace {
            slots[found.slot] = id
        }
    }

    /// The id whose piece is exactly `bytes`, or -1.
    func find(_ bytes: UnsafeBufferPointer<UInt8>) -> Int32 {
        arena.withUnsafeBufferPointer { probe(bytes, arena: $0).id }
    }

    /// Calls `body` with the bytes of piece `id`.
    func withPiece<R>(_ id: Int32, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        let start = Int(starts[Int(id)]), end = Int(starts[Int(id) + 1])
        return arena.withUnsafeBufferPointer { body(UnsafeBufferPointer(rebasing: $0[start..<end])) }
    }

    /// Appends the bytes of piece `id` to `out`.
    func appendPiece(_ id: Int32, to out: inout [UInt8]) {
        let start = Int(starts[Int(id)]), end = Int(starts[Int(id) + 1])
        out.append(contentsOf: arena[start..<end])
    }

    private func probe(_ bytes: UnsafeBufferPointer<UInt8>, arena: UnsafeBufferPointer<UInt8>) -> (slot: Int, id: Int32) {
        let mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: Self.hash(bytes)) & mask
        return slots.withUnsafeBufferPointer { s in
            starts.withUnsafeBufferPointer { st in
                while true {
                    let id = s[slot]
                    if id < 0 { return (slot, -1) }
                    let start = Int(st[Int(id)]), end = Int(st[Int(id) + 1])
                    if end - start == bytes.count,
                       bytes.count == 0 || memoryEqual(arena.baseAddress! + start, bytes.baseAddress!, bytes.count) {
                        return (slot, id)
                    }
                    slot = (slot + 1) & mask
                }
            }
        }
    }

    private mutating func grow() {
        let ids = slots.filter { $0 >= 0 }
        slots = [Int32](repeating: -1, count: slots.count * 2)
        indexed = 0
        for id in ids { index(id, replace: false) }
    }

    private static func slotCount(for count: Int) -> Int {
        var n = 16
        while n < count * 2 { n <<= 1 }
        return n
    }

    /// FNV-1a, finished with a multiply-xorshift so the low bits used for slots are well mixed.
    static func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in bytes { h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01B3 }
        h ^= h >> 29
        h = h &* 0xbf58_476d_1ce4_e5b9
        return h ^ (h >> 32)
    }
}

/// Byte-wise equality of two memory ranges.
@inline(__always)
func memoryEqual(_ a: UnsafePointer<UInt8>, _ b: UnsafePointer<UInt8>, _ count: Int) -> Bool {
    for i in 0..<count where a[i] != b[i] { return false }
    return true
}
