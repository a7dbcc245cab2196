/// What a vocabulary entry is, from GGUF `tokenizer.ggml.token_type`.
public enum TokenKind: Int32, Sendable {
    case normal = 1, unknown = 2, control = 3, userDefined = 4, unused = 5, byte = 6
}

/// A byte-level BPE tokenizer (GGUF `tokenizer.ggml.model` = `gpt2`) built from a model file's
/// metadata: vocabulary, merge rules, pre-tokenizer type and special tokens. Immutable after `init`.
public final class Tokenizer: Sendable {
    public let preTokenizer: PreTokenizer
    /// Number of ids, as in the model's embedding and output (padding entries included).
    public let vocabularySize: Int
    public let eosID: Int32
    public let bosID: Int32?
    /// Whether the model wants BOS in front of a prompt (`tokenizer.ggml.add_bos_token`).
    public let addsBOS: Bool
    /// Ids that end a generated turn: EOS plus `<|im_end|>`, `<|endoftext|>` and `<|eot_id|>` when
    /// the vocabulary has them.
    public let endOfTurnIDs: Set<Int32>

    /// Every vocabulary entry as stored in the file (byte-level alphabet for normal tokens).
    let texts: [String]
    let kinds: [TokenKind]
    /// Bytes of every id; ids at or above `vocabularySize` are joined pieces that merge rules
    /// produce but the vocabulary lacks.
    let vocabulary: TokenizerVocabulary
    let bpe: TokenizerBPE
    /// Control, user-defined and unknown tokens, longest first.
    let specials: [TokenizerSpecialToken]
    let specialIDs: [String: Int32]

    /// Reads the tokenizer from `gguf`'s metadata. Throws `missingMetadata` for an absent key and
    /// `malformed` for an unsupported model or pre-tokenizer type or inconsistent arrays.
    public init(gguf: GGUFFile) throws(ModelFileError) {
        let path = gguf.path
        func required(_ key: String) throws(ModelFileError) -> GGUFValue {
            guard let value = gguf[key] else { throw .missingMetadata(path: path, key: key) }
            return value
        }
        func malformed(_ reason: String) -> ModelFileError { .malformed(path: path, reason: reason) }

        guard let model = try required("tokenizer.ggml.model").string else { throw malformed("tokenizer.ggml.model is not a string") }
        guard model == "gpt2" else {
            throw malformed("tokenizer.ggml.model \"\(model)\" is not supported (only byte-level BPE, \"gpt2\")")
        }
        guard let pre = try required("tokenizer.ggml.pre").string else { throw malformed("tokenizer.ggml.pre is not a string") }
        guard let preTokenizer = PreTokenizer(rawValue: pre) else {
            let known = PreTokenizer.allCases.map(\.rawValue).joined(separator: ", ")
            throw malformed("tokenizer.ggml.pre \"\(pre)\" is not a supported pre-tokenizer (supported: \(known))")
        }
        self.preTokenizer = preTokenizer

        guard let tokenValues = try required("tokenizer.ggml.tokens").array, !tokenValues.isEmpty else {
            throw malformed("tokenizer.ggml.tokens is not a non-empty array")
        }
        var texts: [String] = []
        texts.reserveCapacity(tokenValues.count)
        for value in tokenValues {
            guard let s = value.string else { throw malformed("tokenizer.ggml.tokens holds a non-string") }
            texts.append(s)
        }
        let n = texts.count
        guard n < Int(Int32.max) / 2 else { throw malformed("tokenizer.ggml.tokens has \(n) entries") }
        var kinds = [TokenKind](repeating: .normal, count: n)
        if let typeValues = gguf["tokenizer.ggml.token_type"] {
            guard let types = typeValues.array, types.count == n else {
                throw malformed("tokenizer.ggml.token_type does not have one entry per token (\(n))")
            }
            for (i, t) in types.enumerated() {
                guard let raw = t.int, let kind = TokenKind(rawValue: Int32(clamping: raw)) else {
                    throw malformed("tokenizer.ggml.token_type[\(i)] is not a known token type")
                }
                kinds[i] = kind
            }
        }
        guard let mergeValues = try required("tokenizer.ggml.merges").array else {
            throw malformed("tokenizer.ggml.merges is not an array")
        }
        func tokenID(_ key: String) throws(ModelFileError) -> Int32? {
            guard let value = gguf[key] else { return nil }
            guard let id = value.int, (0..<n).contains(id) else { throw malformed("\(key) is not a token id below \(n)") }
            return Int32(id)
        }
        guard let eos = try tokenID("tokenizer.ggml.eos_token_id") else {
            throw .missingMetadata(path: path, key: "tokenizer.ggml.eos_token_id")
        }
        eosID = eos
        bosID = try tokenID("tokenizer.ggml.bos_token_id")
        addsBOS = gguf["tokenizer.ggml.add_bos_token"]?.bool ?? false

        var vocabulary = Self.buildVocabulary(texts: texts, kinds: kinds)
        var byteIDs = [Int32](repeating: -1, count: 256)
        for b in 0..<256 {
            var byte = UInt8(b)
            byteIDs[b] = withUnsafePointer(to: &byte) { Self.findOrAdd(UnsafeBufferPointer(start: $0, count: 1), in: &vocabulary) }
        }
        var merges = TokenizerMergeTable(expectedCount: mergeValues.count)
        var joined: [UInt8] = []
        for (rank, value) in mergeValues.enumerated() {
            guard var rule = value.string else { throw malformed("tokenizer.ggml.merges holds a non-string") }
            let ok: Bool = rule.withUTF8 { utf8 in
                guard utf8.count > 1, let space = utf8[1...].firstIndex(of: 0x20) else { return false }
                joined.removeAll(keepingCapacity: true)
                guard TokenizerByteMap.decode(UnsafeBufferPointer(rebasing: utf8[..<space]), into: &joined) else { return false }
                let split = joined.count
                guard TokenizerByteMap.decode(UnsafeBufferPointer(rebasing: utf8[(space + 1)...]), into: &joined) else { return false }
                guard split > 0, joined.count > split else { return false }
                joined.withUnsafeBufferPointer { j in
                    let left = Self.findOrAdd(UnsafeBufferPointer(rebasing: j[..<split]), in: &vocabulary)
                    let right = Self.findOrAdd(UnsafeBufferPointer(rebasing: j[split...]), in: &vocabulary)
                    let result = Self.findOrAdd(j, in: &vocabulary)
                    merges.insert(left: left, right: right, rank: Int32(rank), result: result)
                }
                return true
            }
            guard ok else { throw malformed("tokenizer.ggml.merges[\(rank)] \"\(rule)\" is not two pieces separated by a space") }
        }

        var specials: [TokenizerSpecialToken] = []
        var specialIDs: [String: Int32] = [:]
        for i in 0..<n where kinds[i] == .control || kinds[i] == .userDefined || kinds[i] == .unknown {
            specialIDs[texts[i]] = Int32(i)
            let bytes = Array(texts[i].utf8)
            if !bytes.isEmpty {
                specials.append(TokenizerSpecialToken(id: Int32(i), bytes: bytes, isUserDefined: kinds[i] == .userDefined))
            }
        }
        specials.sort { $0.bytes.count != $1.bytes.count ? $0.bytes.count > $1.bytes.count : $0.id < $1.id }

        var endOfTurn: Set<Int32> = [eos]
        for name in ["<|im_end|>", "<|endoftext|>", "<|eot_id|>"] {
            if let id = specialIDs[name] { endOfTurn.insert(id) }
        }
        if let eot = try tokenID("tokenizer.ggml.eot_token_id") { endOfTurn.insert(eot) }

        vocabularySize = n
        endOfTurnIDs = endOfTurn
        self.texts = texts
        self.kinds = kinds
        self.vocabulary = vocabulary
        self.bpe = TokenizerBPE(merges: merges, byteIDs: byteIDs)
        self.specials = specials
        self.specialIDs = specialIDs
    }

    /// The bytes of each entry: normal tokens read through the byte-level alphabet, others (and any
    /// normal token outside the alphabet) as their UTF-8. Normal tokens win lookups over others.
    private static func buildVocabulary(texts: [String], kinds: [TokenKind]) -> TokenizerVocabulary {
        var vocabulary = TokenizerVocabulary(expectedCount: texts.count + 64, expectedBytes: texts.count * 8)
        var bytes: [UInt8] = []
        for (i, text) in texts.enumerated() {
            var text = text
            text.withUTF8 { utf8 in
                bytes.removeAll(keepingCapacity: true)
                if kinds[i] == .normal || kinds[i] == .byte, TokenizerByteMap.decode(utf8, into: &bytes) {
                    _ = bytes.withUnsafeBufferPointer { vocabulary.append($0) }
                } else {
                    vocabulary.append(utf8)
                }
            }
        }
        for i in texts.indices where kinds[i] == .normal { vocabulary.index(Int32(i), replace: true) }
        for i in texts.indices where kinds[i] != .normal { vocabulary.index(Int32(i), replace: false) }
        return vocabulary
    }

    private static func findOrAdd(_ bytes: UnsafeBufferPointer<UInt8>, in vocabulary: inout TokenizerVocabulary) -> Int32 {
        let id = vocabulary.find(bytes)
        if id >= 0 { return id }
        let added = vocabulary.append(bytes)
        vocabulary.index(added, replace: false)
        return added
    }

    /// The vocabulary entry of `id` exactly as stored in the file (`Ġhello` for " hello",
    /// `<|im_end|>`); empty for an id outside the vocabulary.
    public func tokenText(_ id: Int32) -> String {
        (0..<vocabularySize).contains(Int(id)) ? texts[Int(id)] : ""
    }

    /// What kind of entry `id` is; nil outside the vocabulary.
    public func tokenKind(_ id: Int32) -> TokenKind? {
        (0..<vocabularySize).contains(Int(id)) ? kinds[Int(id)] : nil
    }

    /// The id whose stored entry (as `tokenText` returns it) is exactly `text`.
    public func id(of text: String) -> Int32? {
        if let id = specialIDs[text] { return id }
        guard let bytes = TokenizerByteMap.decode(text) else { return nil }
        let id = bytes.withUnsafeBufferPointer { vocabulary.find($0) }
        guard id >= 0, Int(id) < vocabularySize, texts[Int(id)] == text else { return nil }
        return id
    }
}
