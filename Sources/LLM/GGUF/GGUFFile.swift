import Tensor

/// Where a tensor lives in a GGUF file and what it holds.
public struct GGUFTensorInfo: Sendable {
    public let name: String
    /// Dimensions innermost first, as stored (ggml's `ne`): a matrix of `rows` rows of `cols`
    /// values has shape `[cols, rows]`.
    public let shape: [Int]
    public let type: GGMLType
    /// Offset from the start of the tensor data section.
    public let offset: Int

    public var elementCount: Int { shape.reduce(1, *) }
    public var byteCount: Int { elementCount / type.blockSize * type.blockBytes }
}

/// A parsed GGUF file (versions 2 and 3) over a read-only memory map: metadata and tensor infos
/// are read at open; tensor data stays in the mapping.
public struct GGUFFile: Sendable {
    public let mapping: MappedFile
    public let version: UInt32
    /// Metadata in file order.
    public let metadata: [(key: String, value: GGUFValue)]
    public let tensors: [GGUFTensorInfo]
    public let alignment: Int
    /// Byte offset of the tensor data section in the file.
    public let dataOffset: Int
    private let metadataIndex: [String: Int]
    private let tensorIndex: [String: Int]

    public var path: String { mapping.path }

    /// Opens and validates `path`: header, metadata, tensor infos, and that every tensor's data lies
    /// inside the file. Unknown tensor types are reported; types the engine cannot compute with are
    /// accepted here and rejected when a model is built from the file.
    public init(path: String) throws(ModelFileError) {
        let mapping = try MappedFile(path: path)
        self.mapping = mapping
        var cursor = ByteCursor(base: mapping.bytes, count: mapping.count, path: path)
        let magic = try cursor.read(UInt32.self, "the magic number")
        guard magic == 0x4655_4747 else {
            let found = (0..<min(4, mapping.count)).map { mapping.bytes.load(fromByteOffset: $0, as: UInt8.self) }
            throw .badMagic(path: path, found: found.map { String(format2: $0) }.joined(separator: " "))
        }
        version = try cursor.read(UInt32.self, "the version")
        guard version == 2 || version == 3 else { throw .unsupportedVersion(path: path, version: version) }
        let tensorCount = try cursor.readCount(minimumBytes: 24, "the tensor count")
        let metadataCount = try cursor.readCount(minimumBytes: 12, "the metadata count")

        var metadata: [(key: String, value: GGUFValue)] = []
        metadata.reserveCapacity(metadataCount)
        for i in 0..<metadataCount {
            let key = try cursor.readString("metadata key \(i)")
            let rawType = try cursor.read(UInt32.self, "the type of \(key)")
            metadata.append((key, try Self.readValue(&cursor, rawType: rawType, key: key)))
        }
        self.metadata = metadata
        metadataIndex = Dictionary(metadata.enumerated().map { ($1.key, $0) }, uniquingKeysWith: { _, last in last })

        var tensors: [GGUFTensorInfo] = []
        tensors.reserveCapacity(tensorCount)
        for i in 0..<tensorCount {
            let name = try cursor.readString("tensor info \(i)")
            let dimensionCount = try cursor.read(UInt32.self, "the dimensions of \(name)")
            guard (1...4).contains(dimensionCount) else {
                throw .malformed(path: path, reason: "tensor \(name) has \(dimensionCount) dimensions")
            }
            var shape: [Int] = []
            for _ in 0..<dimensionCount {
                let d = try cursor.read(UInt64.self, "the shape of \(name)")
                guard d > 0, d < 1 << 32 else { throw .malformed(path: path, reason: "tensor \(name) has dimension \(d)") }
                shape.append(Int(d))
            }
            let rawType = try cursor.read(UInt32.self, "the type of \(name)")
            guard let type = GGMLType(rawValue: rawType) else {
                throw .unknownTensorType(path: path, tensor: name, rawType: rawType)
            }
            guard shape[0] % type.blockSize == 0 else {
                throw .malformed(path: path, reason: "tensor \(name) rows of \(shape[0]) are not whole \(type) blocks")
            }
            let offset = try cursor.read(UInt64.self, "the offset of \(name)")
            guard offset < 1 << 48 else { throw .malformed(path: path, reason: "tensor \(name) offset \(offset)") }
            tensors.append(GGUFTensorInfo(name: name, shape: shape, type: type, offset: Int(offset)))
        }
        self.tensors = tensors
        tensorIndex = Dictionary(tensors.enumerated().map { ($1.name, $0) }, uniquingKeysWith: { _, last in last })

        let alignment = metadataIndex["general.alignment"].flatMap { metadata[$0].value.int } ?? 32
        guard alignment > 0, alignment.nonzeroBitCount == 1 else {
            throw .malformed(path: path, reason: "general.alignment \(alignment) is not a power of two")
        }
        self.alignment = alignment
        cursor.align(to: alignment)
        dataOffset = cursor.offset
        for tensor in tensors {
            guard tensor.offset % alignment == 0 else {
                throw .malformed(path: path, reason: "tensor \(tensor.name) is not aligned to \(alignment) bytes")
            }
            let end = dataOffset + tensor.offset + tensor.byteCount
            guard end <= mapping.count else {
                throw .truncated(path: path, offset: mapping.count, reading: "the data of tensor \(tensor.name)")
            }
        }
        // Each byte of tensor data belongs to one tensor: overlapping ranges mean a damaged or
        // forged file (llama.cpp refuses them too).
        let byOffset = tensors.sorted { $0.offset < $1.offset }
        for (previous, next) in zip(byOffset, byOffset.dropFirst()) where previous.offset + previous.byteCount > next.offset {
            throw .malformed(path: path, reason: "the data of tensors \(previous.name) and \(next.name) overlap")
        }
    }

    private static func readValue(_ cursor: inout ByteCursor, rawType: UInt32, key: String, depth: Int = 0) throws(ModelFileError) -> GGUFValue {
        guard let type = GGUFValueType(rawValue: rawType) else {
            throw .malformed(path: cursor.path, reason: "metadata \(key) has unknown value type \(rawType)")
        }
        switch type {
        case .uint8: return .uint8(try cursor.read(UInt8.self, key))
        case .int8: return .int8(try cursor.read(Int8.self, key))
        case .uint16: return .uint16(try cursor.read(UInt16.self, key))
        case .int16: return .int16(try cursor.read(Int16.self, key))
        case .uint32: return .uint32(try cursor.read(UInt32.self, key))
        case .int32: return .int32(try cursor.read(Int32.self, key))
        case .uint64: return .uint64(try cursor.read(UInt64.self, key))
        case .int64: return .int64(try cursor.read(Int64.self, key))
        case .float32: return .float32(Float(bitPattern: try cursor.read(UInt32.self, key)))
        case .float64: return .float64(Double(bitPattern: try cursor.read(UInt64.self, key)))
        case .bool: return .bool(try cursor.read(UInt8.self, key) != 0)
        case .string: return .string(try cursor.readString(key))
        case .array:
            guard depth < 2 else { throw .malformed(path: cursor.path, reason: "metadata \(key) nests arrays too deeply") }
            let rawElement = try cursor.read(UInt32.self, "the element type of \(key)")
            guard let element = GGUFValueType(rawValue: rawElement) else {
                throw .malformed(path: cursor.path, reason: "metadata \(key) has unknown element type \(rawElement)")
            }
            let n = try cursor.readCount(minimumBytes: element.minimumBytes, "array \(key)")
            var values: [GGUFValue] = []
            values.reserveCapacity(n)
            for _ in 0..<n {
                values.append(try readValue(&cursor, rawType: rawElement, key: key, depth: depth + 1))
            }
            return .array(element, values)
        }
    }

    /// The metadata value for `key`, if present.
    public subscript(key: String) -> GGUFValue? { metadataIndex[key].map { metadata[$0].value } }

    /// The tensor named `name`, if present.
    public func tensor(_ name: String) -> GGUFTensorInfo? { tensorIndex[name].map { tensors[$0] } }

    /// Start of a tensor's data in the mapping.
    public func data(of tensor: GGUFTensorInfo) -> UnsafeRawPointer { mapping.bytes + dataOffset + tensor.offset }
}

private extension String {
    init(format2 byte: UInt8) {
        let hex = String(byte, radix: 16)
        self = hex.count == 1 ? "0" + hex : hex
    }
}
