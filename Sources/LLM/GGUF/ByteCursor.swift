/// Reads little-endian values from a bounded byte range, throwing instead of reading past its end.
struct ByteCursor {
    let base: UnsafeRawPointer
    let count: Int
    let path: String
    private(set) var offset = 0

    init(base: UnsafeRawPointer, count: Int, path: String) {
        self.base = base
        self.count = count
        self.path = path
    }

    var remaining: Int { count - offset }

    mutating func read<T: FixedWidthInteger>(_: T.Type, _ what: @autoclosure () -> String) throws(ModelFileError) -> T {
        let size = MemoryLayout<T>.size
        guard remaining >= size else { throw .truncated(path: path, offset: count, reading: what()) }
        let value = base.loadUnaligned(fromByteOffset: offset, as: T.self)
        offset += size
        return T(littleEndian: value)
    }

    mutating func readString(_ what: @autoclosure () -> String) throws(ModelFileError) -> String {
        let length = try read(UInt64.self, what())
        guard length <= UInt64(remaining) else { throw .truncated(path: path, offset: count, reading: what()) }
        let bytes = UnsafeRawBufferPointer(start: base + offset, count: Int(length))
        offset += Int(length)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Reads a count and checks that `count` items of at least `minimumBytes` each could fit in
    /// what is left of the file, so a corrupt count cannot make us allocate unbounded memory.
    mutating func readCount(minimumBytes: Int, _ what: @autoclosure () -> String) throws(ModelFileError) -> Int {
        let n = try read(UInt64.self, what())
        guard n <= UInt64(remaining / max(minimumBytes, 1)) else {
            throw .malformed(path: path, reason: "\(what()) claims \(n) items, more than the file can hold")
        }
        return Int(n)
    }

    mutating func align(to alignment: Int) {
        let rest = offset % alignment
        if rest != 0 { offset += alignment - rest }
    }
}
