/// Keys and values of past tokens, in cells that belong to one or more sequences (llama.cpp's
/// model): a prefix shared by several sequences is stored once, in cells owned by all of them.
///
/// Not thread-safe: owned by one `InferenceContext`, which is driven from one task at a time.
public final class KVCache {
    /// Sequence ids must be below this.
    public static let maxSequences = 64

    /// Bytes one cell (one token's keys and values in every layer) takes for `config`.
    public static func bytesPerCell(_ config: ModelConfig) -> Int {
        2 * config.layerCount * config.kvDimension * MemoryLayout<Float>.size
    }

    public let capacity: Int
    let layerCount: Int
    let kvDimension: Int
    /// keys, values: [layer, capacity, kvDimension]
    let keys: UnsafeMutablePointer<Float>
    let values: UnsafeMutablePointer<Float>
    /// Position held by each cell; -1 when the cell is free.
    private(set) var cellPositions: [Int32]
    /// Bit s set when the cell belongs to sequence s.
    private var cellOwners: [UInt64]
    /// For each sequence, its cells in increasing position order.
    private var sequenceCells: [[Int32]]
    private var freeCells: [Int32]

    public init(config: ModelConfig, capacity: Int) {
        self.capacity = capacity
        layerCount = config.layerCount
        kvDimension = config.kvDimension
        let count = layerCount * capacity * kvDimension
        keys = .allocate(capacity: count)
        values = .allocate(capacity: count)
        cellPositions = Array(repeating: -1, count: capacity)
        cellOwners = Array(repeating: 0, count: capacity)
        sequenceCells = Array(repeating: [], count: Self.maxSequences)
        freeCells = (0..<Int32(capacity)).reversed()
    }

    deinit {
        keys.deallocate()
        values.deallocate()
    }

    /// Cells not holding any sequence's token.
    public var freeCellCount: Int { freeCells.count }

    /// Number of cells sequence `seq` holds.
    public func tokenCount(of seq: Int32) -> Int { sequenceCells[Int(seq)].count }

    /// The position after the last one sequence `seq` holds (0 when it holds none).
    public func nextPosition(of seq: Int32) -> Int32 {
        sequenceCells[Int(seq)].last.map { cellPositions[Int($0)] + 1 } ?? 0
    }

    /// Takes a free cell for the token at `position` of sequence `seq`; nil when the cache is full.
    func allocate(sequence seq: Int32, position: Int32) -> Int32? {
        guard let cell = freeCells.popLast() else { return nil }
        cellPositions[Int(cell)] = position
        cellOwners[Int(cell)] = 1 << UInt64(seq)
        insert(cell, into: Int(seq))
        return cell
    }

    /// Removes sequence `seq`'s tokens at positions in `range`; cells no other sequence holds are freed.
    public func removeSequence(_ seq: Int32, positions range: Range<Int32> = 0..<Int32.max) {
        let bit: UInt64 = 1 << UInt64(seq)
        sequenceCells[Int(seq)].removeAll { cell in
            guard range.contains(cellPositions[Int(cell)]) else { return false }
            cellOwners[Int(cell)] &= ~bit
            if cellOwners[Int(cell)] == 0 {
                cellPositions[Int(cell)] = -1
                freeCells.append(cell)
            }
            return true
        }
    }

    /// Makes sequence `destination` share `source`'s tokens at positions in `range` (no copy of data).
    public func copySequence(_ source: Int32, to destination: Int32, positions range: Range<Int32> = 0..<Int32.max) {
        guard source != destination else { return }
        let bit: UInt64 = 1 << UInt64(destination)
        for cell in sequenceCells[Int(source)] where range.contains(cellPositions[Int(cell)]) {
            guard cellOwners[Int(cell)] & bit == 0 else { continue }
            cellOwners[Int(cell)] |= bit
            insert(cell, into: Int(destination))
        }
    }

    /// Removes every token of every sequence.
    public func clear() {
        for s in 0..<Self.maxSequences { removeSequence(Int32(s)) }
    }

    /// The cells of `seq` whose position is at most `position`, in position order.
    func visibleCells(of seq: Int32, upTo position: Int32) -> ArraySlice<Int32> {
        let cells = sequenceCells[Int(seq)]
        var low = 0, high = cells.count
        while low < high {
            let mid = (low + high) / 2
            if cellPositions[Int(cells[mid])] <= position { low = mid + 1 } else { high = mid }
        }
        return cells[..<low]
    }

    /// Start of the keys of `cell` in `layer`: [kvDimension].
    @inline(__always)
    func keys(layer: Int, cell: Int) -> UnsafeMutablePointer<Float> { keys + (layer * capacity + cell) * kvDimension }

    @inline(__always)
    func values(layer: Int, cell: Int) -> UnsafeMutablePointer<Float> { values + (layer * capacity + cell) * kvDimension }

    private func insert(_ cell: Int32, into seq: Int) {
        let position = cellPositions[Int(cell)]
        if let last = sequenceCells[seq].last, cellPositions[Int(last)] > position {
            let index = sequenceCells[seq].firstIndex { cellPositions[Int($0)] > position } ?? sequenceCells[seq].count
            sequenceCells[seq].insert(cell, at: index)
        } else {
            sequenceCells[seq].append(cell)
        }
    }
}
