/// A read-only 2-D weight tensor in its stored (possibly quantized) form: `rows` rows of `cols`
/// values each, row-major, every row `type.rowBytes(cols)` bytes.
///
/// `@unchecked Sendable`: `data` points into a memory-mapped model file that stays mapped, and is
/// never written, for as long as the model that owns the mapping lives; readers on any thread are safe.
public struct WeightMatrix: @unchecked Sendable {
    public let type: GGMLType
    public let rows: Int
    public let cols: Int
    public let data: UnsafeRawPointer

    public init(type: GGMLType, rows: Int, cols: Int, data: UnsafeRawPointer) {
        self.type = type
        self.rows = rows
        self.cols = cols
        self.data = data
    }

    /// Bytes of one stored row.
    public var rowBytes: Int { type.rowBytes(cols) }

    /// Start of row `r`.
    public func row(_ r: Int) -> UnsafeRawPointer { data + r * rowBytes }
}
