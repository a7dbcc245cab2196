/// Tokens to run through the model in one forward pass, from any number of sequences, each
/// token with its sequence id and position (llama.cpp's `llama_batch`).
public struct Batch: Sendable {
    public private(set) var tokens: [Int32] = []
    public private(set) var positions: [Int32] = []
    public private(set) var sequences: [Int32] = []
    /// Whether logits are wanted for each token.
    public private(set) var wantsLogits: [Bool] = []

    public init() {}

    public var count: Int { tokens.count }
    public var isEmpty: Bool { tokens.isEmpty }
    public var logitCount: Int { wantsLogits.count { $0 } }

    public mutating func add(_ token: Int32, position: Int32, sequence: Int32, logits: Bool) {
        tokens.append(token)
        positions.append(position)
        sequences.append(sequence)
        wantsLogits.append(logits)
    }

    /// Adds `tokens` at consecutive positions from `start`; logits only for the last one when `logitsForLast`.
    public mutating func add(_ tokens: [Int32], from start: Int32, sequence: Int32, logitsForLast: Bool) {
        for (i, token) in tokens.enumerated() {
            add(token, position: start + Int32(i), sequence: sequence, logits: logitsForLast && i == tokens.count - 1)
        }
    }

    /// Adds `tokens` at consecutive positions from `start`, each asking for logits (a decoded
    /// token followed by drafted ones to check).
    public mutating func addWithLogits(_ tokens: [Int32], from start: Int32, sequence: Int32) {
        for (i, token) in tokens.enumerated() {
            add(token, position: start + Int32(i), sequence: sequence, logits: true)
        }
    }
}

/// Logits produced by a forward pass: one row of `vocabularySize` values per batch token that
/// asked for them, in batch order.
public struct Logits: Sendable {
    public let vocabularySize: Int
    /// values: [rows, vocabularySize]
    public let values: [Float]
    /// For each row, the index of its token in the batch.
    public let batchIndices: [Int]

    public var rowCount: Int { batchIndices.count }

    public func row(_ r: Int) -> ArraySlice<Float> {
        values[r * vocabularySize ..< (r + 1) * vocabularySize]
    }
}

/// Why a forward pass could not run.
public enum InferenceError: Error, Equatable, Sendable, CustomStringConvertible {
    case contextFull(needed: Int, free: Int)
    case invalidToken(Int32)
    case invalidSequence(Int32)
    case emptyBatch

    public var description: String {
        switch self {
        case let .contextFull(needed, free):
            "the context is full: \(needed) more tokens needed, \(free) cells free"
        case let .invalidToken(token): "token id \(token) is outside the vocabulary"
        case let .invalidSequence(seq): "sequence id \(seq) is out of range (0..<\(KVCache.maxSequences))"
        case .emptyBatch: "the batch is empty"
        }
    }
}
