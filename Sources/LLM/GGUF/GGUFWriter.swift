import Foundation
import Tensor

/// Writes GGUF files: metadata of any `GGUFValue` type and tensors given as raw data bytes,
/// aligned to `general.alignment` (32 when the metadata does not set it).
///
/// The writer stores what it is given: it does not check that a tensor's bytes match its shape
/// and type, so tests can also write damaged files with it.
public struct GGUFWriter: Sendable {
    /// One tensor to write.
    public struct Tensor: Sendable {
        public let name: String
        /// Dimensions innermost first, as GGUF stores them: a matrix of `rows` rows of `cols`
        /// values has shape `[cols, rows]`.
        public let shape: [Int]
        /// The ggml type tag (`GGMLType.rawValue`; any value, to write files with unknown types).
        public let rawType: UInt32
        public let bytes: Data

        public init(name: String, shape: [Int], rawType: UInt32, bytes: Data) {
            self.name = name
            self.shape = shape
            self.rawType = rawType
            self.bytes = bytes
        }

        /// An F32 tensor of `shape` holding `values`.
        public static func f32(_ name: String, shape: [Int], values: [Float]) -> Tensor {
            Tensor(name: name, shape: shape, rawType: GGMLType.f32.rawValue,
                   bytes: values.withUnsafeBytes { Data($0) })
        }

        /// An F16 tensor of `shape` holding `values` rounded to half precision.
        public static func f16(_ name: String, shape: [Int], values: [Float]) -> Tensor {
            let halves = values.map { Float16($0).bitPattern.littleEndian }
            return Tensor(name: name, shape: shape, rawType: GGMLType.f16.rawValue,
                          bytes: halves.withUnsafeBytes { Data($0) })
        }
    }

    /// The GGUF version written in the header (3; other values only for tests of the reader).
    public var version: UInt32 = 3
    /// Metadata in file order.
    public var metadata: [(String, GGUFValue)]
    public var tensors: [Tensor]

    public init(metadata: [(String, GGUFValue)] = [], tensors: [Tensor] = []) {
        self.metadata = metadata
        self.tensors = tensors
    }

    /// The alignment of the tensor data: `general.alignment`, else 32.
    public var alignment: Int {
        metadata.last { $0.0 == "general.alignment" }?.1.int ?? 32
    }

    /// The file's bytes.
    public func bytes() -> Data {
        var d = Data()
        func u32(_ v: UInt32) { withUnsafeBytes(of: v.littleEndian) { d.append(contentsOf: $0) } }
        func u64(_ v: UInt64) { withUnsafeBytes(of: v.littleEndian) { d.append(contentsOf: $0) } }
        func str(_ s: String) { u64(UInt64(s.utf8.count)); d.append(contentsOf: Array(s.utf8)) }
        func value(_ v: GGUFValue) {
            switch v {
            case let .uint8(x): d.append(x)
            case let .int8(x): d.append(UInt8(bitPattern: x))
            case let .uint16(x): withUnsafeBytes(of: x.littleEndian) { d.append(contentsOf: $0) }
            case let .int16(x): withUnsafeBytes(of: x.littleEndian) { d.append(contentsOf: $0) }
            case let .uint32(x): u32(x)
            case let .int32(x): u32(UInt32(bitPattern: x))
            case let .uint64(x): u64(x)
            case let .int64(x): u64(UInt64(bitPattern: x))
            case let .float32(x): u32(x.bitPattern)
            case let .float64(x): u64(x.bitPattern)
            case let .bool(b): d.append(b ? 1 : 0)
            case let .string(s): str(s)
            case let .array(type, values):
                u32(type.rawValue)
                u64(UInt64(values.count))
                values.forEach(value)
            }
        }
        let alignment = alignment
        func pad() { d.append(Data(count: (alignment - d.count % alignment) % alignment)) }

        d.append(contentsOf: Array("GGUF".utf8))
        u32(version)
        u64(UInt64(tensors.count))
        u64(UInt64(metadata.count))
        for (key, v) in metadata {
            str(key)
            u32(v.type.rawValue)
            value(v)
        }
        var offset = 0
        for tensor in tensors {
            str(tensor.name)
            u32(UInt32(tensor.shape.count))
            tensor.shape.forEach { u64(UInt64($0)) }
            u32(tensor.rawType)
            u64(UInt64(offset))
            offset += (tensor.bytes.count + alignment - 1) / alignment * alignment
        }
        pad()
        for tensor in tensors {
            d.append(tensor.bytes)
            pad()
        }
        return d
    }

    /// Writes the file to `path` atomically: a temporary file in the same folder, renamed over `path`.
    public func write(to path: String) throws(GGUFWriteError) {
        do {
            try bytes().write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw GGUFWriteError(path: path, reason: (error as NSError).localizedDescription)
        }
    }
}

/// A GGUF file could not be written.
public struct GGUFWriteError: Error, Equatable, CustomStringConvertible {
    public let path: String
    public let reason: String

    public var description: String { "cannot write \(path): \(reason)" }
}

extension GGUFValue {
    /// The value's type tag.
    public var type: GGUFValueType {
        switch self {
        case .uint8: .uint8
        case .int8: .int8
        case .uint16: .uint16
        case .int16: .int16
        case .uint32: .uint32
        case .int32: .int32
        case .uint64: .uint64
        case .int64: .int64
        case .float32: .float32
        case .float64: .float64
        case .bool: .bool
        case .string: .string
        case .array: .array
        }
    }

    /// An array of strings.
    public static func strings(_ values: [String]) -> GGUFValue { .array(.string, values.map(GGUFValue.string)) }

    /// An array of 32-bit signed integers.
    public static func int32s(_ values: [Int32]) -> GGUFValue { .array(.int32, values.map(GGUFValue.int32)) }
}
