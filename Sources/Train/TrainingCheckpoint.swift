import Foundation
import LLM

/// A trainer's resumable state: configuration, step count, LoRA weights and both AdamW moments.
///
/// File layout (little-endian): magic "DVLORACK", version u32, architecture (u32 length + UTF-8),
/// the model shape (layers, nEmbd, nFF, qDim, kvDim: u32 each), rank u32, alpha f32, targets u32
/// (bit i: `LoRATarget.allCases[i]`), learning rate, beta1, beta2, epsilon, weight decay and clip
/// norm (f32 each; NaN: no clipping), step u64, count u64, then values, first and second moments
/// ([count] f32 each), and an FNV-1a 64 checksum of everything before it.
struct TrainingCheckpoint {
    static let magic = Array("DVLORACK".utf8)
    static let version: UInt32 = 1

    var architecture: String
    /// layers, nEmbd, nFF, qDim, kvDim of the model trained.
    var shape: [Int]
    var lora: LoRAConfiguration
    var optimizer: AdamWConfiguration
    var step: Int
    var values: [Float]
    var firstMoments: [Float]
    var secondMoments: [Float]

    static func shape(of c: ModelConfig) -> [Int] {
        [c.layerCount, c.embeddingLength, c.feedForwardLength, c.queryDimension, c.kvDimension]
    }

    /// The file's bytes.
    func encoded() -> Data {
        var d = Data(Self.magic)
        func u32(_ v: UInt32) { withUnsafeBytes(of: v.littleEndian) { d.append(contentsOf: $0) } }
        func u64(_ v: UInt64) { withUnsafeBytes(of: v.littleEndian) { d.append(contentsOf: $0) } }
        func f32(_ v: Float) { u32(v.bitPattern) }
        u32(Self.version)
        u32(UInt32(architecture.utf8.count))
        d.append(contentsOf: Array(architecture.utf8))
        shape.forEach { u32(UInt32($0)) }
        u32(UInt32(lora.rank))
        f32(lora.alpha)
        u32(LoRATarget.allCases.enumerated().reduce(0) { lora.targets.contains($1.element) ? $0 | 1 << $1.offset : $0 })
        [optimizer.learningRate, optimizer.beta1, optimizer.beta2, optimizer.epsilon, optimizer.weightDecay,
         optimizer.maxGradientNorm ?? .nan].forEach(f32)
        u64(UInt64(step))
        u64(UInt64(values.count))
        for array in [values, firstMoments, secondMoments] {
            array.map(\.bitPattern.littleEndian).withUnsafeBytes { d.append(contentsOf: $0) }
        }
        u64(fnv1a(d))
        return d
    }

    /// Parses a checkpoint file's bytes.
    init(decoding d: Data, path: String) throws(TrainingError) {
        var cursor = CheckpointCursor(bytes: [UInt8](d), path: path)
        guard d.count >= 8 + 8, fnv1a(d.prefix(d.count - 8)) == cursor.checksum else {
            throw .checkpointCorrupt(path: path, reason: "truncated or checksum mismatch")
        }
        guard try cursor.bytes(8) == Self.magic else { throw .checkpointCorrupt(path: path, reason: "not a LoRA training checkpoint") }
        let version = try cursor.u32()
        guard version == Self.version else { throw .checkpointCorrupt(path: path, reason: "unsupported version \(version)") }
        architecture = String(decoding: try cursor.bytes(Int(try cursor.u32())), as: UTF8.self)
        shape = try (0..<5).map { _ throws(TrainingError) in Int(try cursor.u32()) }
        let rank = Int(try cursor.u32()), alpha = try cursor.f32(), mask = try cursor.u32()
        lora = LoRAConfiguration(rank: rank, alpha: alpha,
                                 targets: Set(LoRATarget.allCases.enumerated().filter { mask & 1 << $0.offset != 0 }.map(\.element)))
        let o = try (0..<6).map { _ throws(TrainingError) in try cursor.f32() }
        optimizer = AdamWConfiguration(learningRate: o[0], beta1: o[1], beta2: o[2], epsilon: o[3], weightDecay: o[4],
                                       maxGradientNorm: o[5].isNaN ? nil : o[5])
        step = Int(try cursor.u64())
        let count = Int(try cursor.u64())
        values = try cursor.floats(count)
        firstMoments = try cursor.floats(count)
        secondMoments = try cursor.floats(count)
        guard cursor.offset == d.count - 8 else { throw .checkpointCorrupt(path: path, reason: "unexpected length") }
        do {
            try lora.validate()
            try optimizer.validate()
        } catch {
            throw .checkpointCorrupt(path: path, reason: error.description)
        }
    }

    init(architecture: String, shape: [Int], lora: LoRAConfiguration, optimizer: AdamWConfiguration, step: Int,
         values: [Float], firstMoments: [Float], secondMoments: [Float]) {
        self.architecture = architecture
        self.shape = shape
        self.lora = lora
        self.optimizer = optimizer
        self.step = step
        self.values = values
        self.firstMoments = firstMoments
        self.secondMoments = secondMoments
    }

    /// Writes the checkpoint to a temporary file beside `path`, then renames it over `path`, so
    /// a crash never leaves a half-written checkpoint.
    func write(to path: String) throws(TrainingError) {
        let temporary = path + ".tmp-\(ProcessInfo.processInfo.processIdentifier)"
        do {
            try encoded().write(to: URL(fileURLWithPath: temporary))
        } catch {
            throw .checkpointIO(path: path, reason: "\(error)")
        }
        guard rename(temporary, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw .checkpointIO(path: path, reason: reason)
        }
    }

    /// Reads and parses the checkpoint at `path`.
    static func read(from path: String) throws(TrainingError) -> TrainingCheckpoint {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw .checkpointIO(path: path, reason: "\(error)")
        }
        return try TrainingCheckpoint(decoding: data, path: path)
    }
}

/// FNV-1a 64 of `bytes`.
private func fnv1a(_ bytes: Data) -> UInt64 {
    bytes.reduce(0xcbf2_9ce4_8422_2325) { ($0 ^ UInt64($1)) &* 0x100_0000_01b3 }
}

/// Bounds-checked little-endian reads from a checkpoint's bytes.
private struct CheckpointCursor {
    let bytes: [UInt8]
    let path: String
    var offset = 0

    /// The trailing checksum.
    var checksum: UInt64 { bytes.count >= 8 ? value(at: bytes.count - 8, size: 8) : 0 }

    private func value(at start: Int, size: Int) -> UInt64 {
        (0..<size).reduce(0) { $0 | UInt64(bytes[start + $1]) << (8 * $1) }
    }

    mutating func bytes(_ count: Int) throws(TrainingError) -> [UInt8] {
        guard count >= 0, count <= bytes.count - 8 - offset else { throw .checkpointCorrupt(path: path, reason: "truncated") }
        defer { offset += count }
        return Array(bytes[offset..<offset + count])
    }

    mutating func u32() throws(TrainingError) -> UInt32 {
        _ = try bytes(4)
        return UInt32(value(at: offset - 4, size: 4))
    }

    mutating func u64() throws(TrainingError) -> UInt64 {
        _ = try bytes(8)
        return value(at: offset - 8, size: 8)
    }

    mutating func f32() throws(TrainingError) -> Float { Float(bitPattern: try u32()) }

    mutating func floats(_ count: Int) throws(TrainingError) -> [Float] {
        guard count >= 0, count <= (bytes.count - 8 - offset) / 4 else { throw .checkpointCorrupt(path: path, reason: "truncated") }
        let start = offset
        offset += 4 * count
        return bytes.withUnsafeBytes { raw in
            (0..<count).map { Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: start + 4 * $0, as: UInt32.self))) }
        }
    }
}
