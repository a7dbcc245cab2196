/// Reusable buffers for merging one pre-token; one per `encode` call.
struct TokenizerBPEScratch {
    var ids: [Int32] = []
    var next: [Int32] = []
    var prev: [Int32] = []
    /// Candidate merges, each packed as rank << 32 | left symbol index: a min-heap, so the lowest
    /// rank and then the leftmost pair comes first.
    var heap: [UInt64] = []
}

/// Byte-level BPE over token ids: a pre-token starts as one symbol per byte and the adjacent pair
/// with the lowest merge rank is joined until no pair has a rule (leftmost first among equal ranks).
struct TokenizerBPE: Sendable {
    let merges: TokenizerMergeTable
    /// The id of each single byte's piece.
    let byteIDs: [Int32]

    /// Appends the ids of `piece` to `out`. Ids at or above `vocabularyCount` (joined pieces that are
    /// not in the vocabulary) are spelled out as their bytes' ids.
    func encode(_ piece: UnsafeBufferPointer<UInt8>, vocabulary: TokenizerVocabulary, vocabularyCount: Int,
                into out: inout [Int32], scratch s: inout TokenizerBPEScratch) {
        let n = piece.count
        if n == 0 { return }
        if n == 1 {
            appendKnown(byteIDs[Int(piece[0])], vocabularyCount, &out)
            return
        }
        s.ids.removeAll(keepingCapacity: true)
        s.next.removeAll(keepingCapacity: true)
        s.prev.removeAll(keepingCapacity: true)
        s.heap.removeAll(keepingCapacity: true)
        for i in 0..<n {
            s.ids.append(byteIDs[Int(piece[i])])
            s.next.append(i + 1 < n ? Int32(i + 1) : -1)
            s.prev.append(Int32(i - 1))
        }
        for i in 0..<(n - 1) {
            if let rule = merges.lookup(s.ids[i], s.ids[i + 1]) { push(&s.heap, rule & 0xFFFF_FFFF_0000_0000 | UInt64(i)) }
        }
        while let top = pop(&s.heap) {
            let left = Int(top & 0xFFFF_FFFF)
            let rank = top >> 32
            let leftID = s.ids[left]
            let right = Int(s.next[left])
            guard leftID >= 0, right >= 0, let rule = merges.lookup(leftID, s.ids[right]), rule >> 32 == rank else {
                continue // stale: one side has changed since this candidate was queued
            }
            s.ids[left] = Int32(truncatingIfNeeded: rule)
            s.ids[right] = -1
            let after = s.next[right]
            s.next[left] = after
            if after >= 0 { s.prev[Int(after)] = Int32(left) }
            let before = s.prev[left]
            if before >= 0, let r = merges.lookup(s.ids[Int(before)], s.ids[left]) {
                push(&s.heap, r & 0xFFFF_FFFF_0000_0000 | UInt64(before))
            }
            if after >= 0, let r = merges.lookup(s.ids[left], s.ids[Int(after)]) {
                push(&s.heap, r & 0xFFFF_FFFF_0000_0000 | UInt64(left))
            }
        }
        var i = 0
        while i >= 0 {
            let id = s.ids[i]
            if Int(id) < vocabularyCount {
                out.append(id)
            } else {
                vocabulary.withPiece(id) { bytes in for b in bytes { appendKnown(byteIDs[Int(b)], vocabularyCount, &out) } }
            }
            i = Int(s.next[i])
        }
    }

    /// Appends `id` unless it is not a vocabulary token (a byte with no piece of its own is dropped).
    @inline(__always)
    private func appendKnown(_ id: Int32, _ vocabularyCount: Int, _ out: inout [Int32]) {
        if Int(id) < vocabularyCount { out.append(id) }
    }

    private func push(_ heap: inout [UInt64], _ value: UInt64) {
        heap.append(value)
        var i = heap.count - 1
        while i > 0 {
            let parent = (i - 1) / 2
            if heap[parent] <= value { break }
            heap[i] = heap[parent]
            i = parent
        }
        heap[i] = value
    }

    private func pop(_ heap: inout [UInt64]) -> UInt64? {
        guard let last = heap.popLast() else { return nil }
        guard let top = heap.first else { return last }
        let n = heap.count
        var i = 0
        while true {
            var child = 2 * i + 1
            if child >= n { break }
            if child + 1 < n, heap[child + 1] < heap[child] { child += 1 }
            if last <= heap[child] { break }
            heap[i] = heap[child]
            i = child
        }
        heap[i] = last
        return top
    }
}
