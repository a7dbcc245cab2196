extension Tokenizer {
    /// Whether `id` is a control, unknown or unused entry (shown only when not skipping specials).
    func isSpecial(_ id: Int32) -> Bool {
        switch kinds[Int(id)] {
        case .control, .unknown, .unused: true
        case .normal, .userDefined, .byte: false
        }
    }

    /// Appends the bytes `id` stands for; nothing for an id outside the vocabulary, or for a special
    /// token when `skipSpecial`.
    func appendBytes(of id: Int32, to out: inout [UInt8], skipSpecial: Bool) {
        guard (0..<vocabularySize).contains(Int(id)) else { return }
        if skipSpecial, isSpecial(id) { return }
        vocabulary.appendPiece(id, to: &out)
    }

    /// The text of `ids`. Special tokens appear as their text (`<|im_end|>`) unless `skipSpecial`;
    /// bytes that do not form valid UTF-8 become U+FFFD.
    public func decode(_ ids: [Int32], skipSpecial: Bool = false) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(ids.count * 4)
        for id in ids { appendBytes(of: id, to: &bytes, skipSpecial: skipSpecial) }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The bytes of one token (a piece may hold part of a UTF-8 sequence).
    public func tokenBytes(_ id: Int32) -> [UInt8] {
        var bytes: [UInt8] = []
        appendBytes(of: id, to: &bytes, skipSpecial: false)
        return bytes
    }
}

/// Turns generated ids into text as they arrive, holding back the bytes of a character whose UTF-8
/// is not complete yet, so that every returned string is whole.
public struct StreamingDecoder: Sendable {
    public let tokenizer: Tokenizer
    public let skipSpecial: Bool
    private var pending: [UInt8] = []

    public init(tokenizer: Tokenizer, skipSpecial: Bool = false) {
        self.tokenizer = tokenizer
        self.skipSpecial = skipSpecial
    }

    /// Adds one id; returns the text that is now complete (possibly empty).
    public mutating func append(_ id: Int32) -> String {
        tokenizer.appendBytes(of: id, to: &pending, skipSpecial: skipSpecial)
        let complete = Self.completePrefixLength(pending)
        guard complete > 0 else { return "" }
        let text = String(decoding: pending[..<complete], as: UTF8.self)
        pending.removeFirst(complete)
        return text
    }

    /// Returns whatever is still held back (an unfinished character becomes U+FFFD) and resets.
    public mutating func finish() -> String {
        defer { pending.removeAll() }
        return String(decoding: pending, as: UTF8.self)
    }

    /// Length of `bytes` without a trailing, still incomplete UTF-8 sequence.
    static func completePrefixLength(_ bytes: [UInt8]) -> Int {
        let n = bytes.count
        var i = n - 1
        // Step back over at most three continuation bytes to the sequence's lead byte.
        while i >= 0, n - i <= 3, bytes[i] & 0xC0 == 0x80 { i -= 1 }
        guard i >= 0 else { return n }
        let lead = bytes[i]
        let needed = lead >= 0xF0 && lead < 0xF8 ? 4 : lead >= 0xE0 && lead < 0xF0 ? 3 : lead >= 0xC0 && lead < 0xE0 ? 2 : 1
        return n - i < needed ? i : n
    }
}
