import Foundation
import Tensor

/// The adapter file: GGUF in the layout llama.cpp's `--lora` reads (`llama-adapter.cpp`), so
/// adapters move between Divvy and llama.cpp.
///
/// Metadata: `general.architecture` (the base model's), `general.type = "adapter"`,
/// `adapter.type = "lora"`, `adapter.lora.alpha` (float32). Tensors, per adapted weight
/// `blk.<l>.<stem>.weight`: `….lora_a` of GGUF shape [inputs, rank] and `….lora_b` of GGUF shape
/// [rank, outputs] (ggml lists the innermost dimension first, so these are row-major
/// a: [rank, inputs] and b: [outputs, rank]; llama.cpp checks exactly this against the base weight).
extension LoRAAdapter {
    static let suffixA = ".lora_a", suffixB = ".lora_b"

    /// The adapter as a GGUF writer: F32 (or, with `halfPrecision`, F16) tensors, layers in
    /// order, targets in `LoRATarget` order.
    public func gguf(halfPrecision: Bool = false) -> GGUFWriter {
        let tensor = halfPrecision ? GGUFWriter.Tensor.f16 : GGUFWriter.Tensor.f32
        var writer = GGUFWriter(metadata: [
            ("general.architecture", .string(architecture)),
            ("general.type", .string("adapter")),
            ("adapter.type", .string("lora")),
            ("adapter.lora.alpha", .float32(alpha)),
        ])
        for (l, pairs) in layers.enumerated() {
            for (target, pair) in pairs.sorted(by: { $0.key < $1.key }) {
                let weight = target.weightName(layer: l)
                writer.tensors.append(tensor(weight + Self.suffixA, [pair.inputs, pair.rank], pair.a))
                writer.tensors.append(tensor(weight + Self.suffixB, [pair.rank, pair.outputs], pair.b))
            }
        }
        return writer
    }

    /// Writes the adapter to `path` atomically (a temporary file renamed over `path`), as F32
    /// or, with `halfPrecision`, F16 tensors (half the size; llama.cpp reads both).
    public func write(to path: String, halfPrecision: Bool = false) throws(LoRAAdapterFileError) {
        do {
            try gguf(halfPrecision: halfPrecision).write(to: path)
        } catch {
            throw .unwritable(path: path, reason: error.reason)
        }
    }

    /// Reads the adapter file at `path` for a base model of `config`, checking its metadata,
    /// that every tensor is one half of a pair for a weight the model has, and every shape.
    /// F32 and F16 tensors are accepted.
    public init(path: String, config: ModelConfig) throws(LoRAAdapterFileError) {
        guard FileManager.default.fileExists(atPath: path) else { throw .notFound(path: path) }
        let file: GGUFFile
        do { file = try GGUFFile(path: path) } catch { throw .file(error) }
        guard let type = file["general.type"]?.string, type == "adapter" else {
            throw .notAnAdapter(path: path, generalType: file["general.type"]?.string)
        }
        guard let adapterType = file["adapter.type"]?.string, adapterType == "lora" else {
            throw .notLoRA(path: path, adapterType: file["adapter.type"]?.string)
        }
        guard let alpha = file["adapter.lora.alpha"]?.double, alpha.isFinite else { throw .missingAlpha(path: path) }
        let architecture = file["general.architecture"]?.string
        guard architecture == config.architecture.rawValue else {
            throw .architectureMismatch(path: path, adapter: architecture, model: config.architecture.rawValue)
        }

        var halves: [String: (a: GGUFTensorInfo?, b: GGUFTensorInfo?)] = [:]
        for tensor in file.tensors {
            if tensor.name.hasSuffix(Self.suffixA) {
                halves[String(tensor.name.dropLast(Self.suffixA.count)), default: (nil, nil)].a = tensor
            } else if tensor.name.hasSuffix(Self.suffixB) {
                halves[String(tensor.name.dropLast(Self.suffixB.count)), default: (nil, nil)].b = tensor
            } else {
                throw .unknownTensor(path: path, name: tensor.name)
            }
        }
        var layers = [[LoRATarget: LoRAPair]](repeating: [:], count: config.layerCount)
        for (weight, pair) in halves.sorted(by: { $0.key < $1.key }) {
            guard let a = pair.a else { throw .unpaired(path: path, tensor: weight + Self.suffixB, missing: weight + Self.suffixA) }
            guard let b = pair.b else { throw .unpaired(path: path, tensor: weight + Self.suffixA, missing: weight + Self.suffixB) }
            guard let (layer, target) = Self.parse(weight: weight, layerCount: config.layerCount) else {
                throw .unknownTensor(path: path, name: a.name)
            }
            let inputs = target.inputs(config), outputs = target.outputs(config)
            let (aCols, rank) = try Self.matrixShape(a, path: path)
            let (bCols, bRows) = try Self.matrixShape(b, path: path)
            guard aCols == inputs else { throw .badShape(path: path, tensor: a.name, expected: [inputs, rank], found: a.shape) }
            guard bRows == outputs else { throw .badShape(path: path, tensor: b.name, expected: [rank, outputs], found: b.shape) }
            guard bCols == rank else { throw .rankMismatch(path: path, weight: weight, a: rank, b: bCols) }
            layers[layer][target] = LoRAPair(rank: rank, inputs: inputs, outputs: outputs,
                                             a: Self.floats(a, in: file), b: Self.floats(b, in: file))
        }
        self.init(architecture: config.architecture.rawValue, alpha: Float(alpha), layers: layers)
    }

    /// (layer, target) of `blk.<layer>.<stem>.weight` when the model has that layer.
    static func parse(weight: String, layerCount: Int) -> (Int, LoRATarget)? {
        let parts = weight.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4, parts[0] == "blk", parts[3] == "weight", let layer = Int(parts[1]),
              (0..<layerCount).contains(layer), String(layer) == parts[1],
              let target = LoRATarget(rawValue: String(parts[2])) else { return nil }
        return (layer, target)
    }

    /// (cols, rows) of a matrix tensor: GGUF shape [cols, rows], trailing dimensions of 1 allowed
    /// (ggml drops them, so a rank-1 `lora_a` may be stored as [inputs]); F32 or F16 only.
    static func matrixShape(_ tensor: GGUFTensorInfo, path: String) throws(LoRAAdapterFileError) -> (Int, Int) {
        guard tensor.type == .f32 || tensor.type == .f16 else {
            throw .unsupportedTensorType(path: path, tensor: tensor.name, type: tensor.type.description)
        }
        let shape = tensor.shape + [1, 1]
        guard shape.dropFirst(2).allSatisfy({ $0 == 1 }) else {
            throw .badShape(path: path, tensor: tensor.name, expected: Array(shape.prefix(2)), found: tensor.shape)
        }
        return (shape[0], shape[1])
    }

    /// The tensor's values as floats, row-major as stored.
    static func floats(_ tensor: GGUFTensorInfo, in file: GGUFFile) -> [Float] {
        let count = tensor.elementCount
        return [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
            dequantizeRow(tensor.type, file.data(of: tensor), buffer.baseAddress!, count: count)
            initialized = count
        }
    }
}
