/// How text is cut into pre-tokens before BPE: the split rules of llama.cpp's pre-tokenizer types,
/// written out by hand (no regex engine).
public enum PreTokenizer: String, Sendable, CaseIterable {
    /// Qwen2: `(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}|
    /// ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+` — every digit alone.
    case qwen2
    /// SmolLM (StarCoder family): first every `\p{N}` alone, then within the rest GPT-2's
    /// `'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)`.
    case smollm
}

/// What the split rules need to know about a character.
enum TokenizerCharClass: UInt8 {
    case letter, number, newline, space, other

    var isWhitespace: Bool { self == .newline || self == .space }

    static func of(_ scalar: UInt32) -> TokenizerCharClass {
        if scalar < 128 { return ascii[Int(scalar)] }
        switch scalar {
        case 0x85, 0xA0, 0x1680, 0x2000...0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000: return .space
        default: break
        }
        guard let s = Unicode.Scalar(scalar) else { return .other }
        switch s.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter: return .letter
        case .decimalNumber, .letterNumber, .otherNumber: return .number
        default: return .other
        }
    }

    private static let ascii: [TokenizerCharClass] = (0..<128).map { c in
        switch c {
        case 0x0A, 0x0D: .newline
        case 0x09, 0x0B, 0x0C, 0x20: .space
        case 0x30...0x39: .number
        case 0x41...0x5A, 0x61...0x7A: .letter
        default: .other
        }
    }
}

/// One fragment of text decoded into characters, reused between fragments.
struct TokenizerCharBuffer {
    var scalars: [UInt32] = []
    var classes: [TokenizerCharClass] = []
    /// Byte offset of each character in the text, plus the end offset.
    var offsets: [Int] = []

    /// Decodes the UTF-8 in `text[range]` (valid UTF-8, as Swift strings are).
    mutating func load(_ text: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) {
        scalars.removeAll(keepingCapacity: true)
        classes.removeAll(keepingCapacity: true)
        offsets.removeAll(keepingCapacity: true)
        var i = range.lowerBound
        while i < range.upperBound {
            let lead = UInt32(text[i])
            var scalar = lead
            var length = 1
            if lead >= 0xF0 {
                length = 4
                scalar = lead & 0x07
            } else if lead >= 0xE0 {
                length = 3
                scalar = lead & 0x0F
            } else if lead >= 0xC0 {
                length = 2
                scalar = lead & 0x1F
            }
            length = min(length, range.upperBound - i)
            if length > 1 {
                for k in 1..<length { scalar = scalar << 6 | UInt32(text[i + k] & 0x3F) }
            }
            scalars.append(scalar)
            classes.append(TokenizerCharClass.of(scalar))
            offsets.append(i)
            i += length
        }
        offsets.append(range.upperBound)
    }
}

extension PreTokenizer {
    /// Calls `emit` with the byte range of each pre-token of the fragment in `chars`, in order.
    func split(_ chars: TokenizerCharBuffer, emit: (Range<Int>) -> Void) {
        let n = chars.scalars.count
        switch self {
        case .qwen2:
            var i = 0
            while i < n {
                let end = Self.qwen2Match(chars, at: i)
                emit(chars.offsets[i]..<chars.offsets[end])
                i = end
            }
        case .smollm:
            var segmentStart = 0
            for i in 0...n where i == n || chars.classes[i] == .number {
                var j = segmentStart
                while j < i {
                    let end = Self.gpt2Match(chars, at: j, limit: i)
                    emit(chars.offsets[j]..<chars.offsets[end])
                    j = end
                }
                if i < n { emit(chars.offsets[i]..<chars.offsets[i + 1]) }
                segmentStart = i + 1
            }
        }
    }

    /// Length 2 or 3 when an English contraction (`'s`, `'t`, `'re`, `'ve`, `'m`, `'ll`, `'d`) starts at
    /// `i`, else 0.
    private static func contraction(_ c: [UInt32], at i: Int, limit: Int, ignoreCase: Bool) -> Int {
        guard c[i] == 0x27, i + 1 < limit else { return 0 }
        func lower(_ x: UInt32) -> UInt32 { ignoreCase && (0x41...0x5A).contains(x) ? x + 0x20 : x }
        let a = lower(c[i + 1])
        switch a {
        case 0x73, 0x74, 0x6D, 0x64: return 2 // s t m d
        default: break
        }
        guard i + 2 < limit else { return 0 }
        let b = lower(c[i + 2])
        switch (a, b) {
        case (0x72, 0x65), (0x76, 0x65), (0x6C, 0x6C): return 3 // re ve ll
        default: return 0
        }
    }

    /// End (exclusive, in characters) of the Qwen2 match starting at `i`.
    private static func qwen2Match(_ chars: TokenizerCharBuffer, at i: Int) -> Int {
        let cls = chars.classes
        let n = cls.count
        func run(_ from: Int, _ test: (TokenizerCharClass) -> Bool) -> Int {
            var j = from
            while j < n, test(cls[j]) { j += 1 }
            return j
        }
        let c = cls[i]
        let k = contraction(chars.scalars, at: i, limit: n, ignoreCase: true)
        if k > 0 { return i + k }
        // [^\r\n\p{L}\p{N}]?\p{L}+
        if c == .letter { return run(i, { $0 == .letter }) }
        if c != .newline, c != .number, i + 1 < n, cls[i + 1] == .letter { return run(i + 1, { $0 == .letter }) }
        // \p{N}
        if c == .number { return i + 1 }
        // ' ?[^\s\p{L}\p{N}]+[\r\n]*'
        var start = -1
        if c == .other { start = i } else if chars.scalars[i] == 0x20, i + 1 < n, cls[i + 1] == .other { start = i + 1 }
        if start >= 0 {
            return run(run(start, { $0 == .other }), { $0 == .newline })
        }
        // Whitespace from here on.
        let end = run(i, { $0.isWhitespace })
        // \s*[\r\n]+ : up to and including the last newline of the run.
        var j = end - 1
        while j >= i, cls[j] != .newline { j -= 1 }
        if j >= i { return j + 1 }
        // \s+(?!\S) then \s+
        if end == n || end - i < 2 { return end }
        return end - 1
    }

    /// End (exclusive, in characters) of the GPT-2 match starting at `i`, matching within `..<limit`.
    private static func gpt2Match(_ chars: TokenizerCharBuffer, at i: Int, limit: Int) -> Int {
        let cls = chars.classes
        func run(_ from: Int, _ test: (TokenizerCharClass) -> Bool) -> Int {
            var j = from
            while j < limit, test(cls[j]) { j += 1 }
            return j
        }
        let k = contraction(chars.scalars, at: i, limit: limit, ignoreCase: false)
        if k > 0 { return i + k }
        let c = cls[i]
        let spaceFirst = chars.scalars[i] == 0x20 && i + 1 < limit
        // ' ?\p{L}+', ' ?\p{N}+', ' ?[^\s\p{L}\p{N}]+'
        if !c.isWhitespace { return run(i, { $0 == c }) }
        if spaceFirst, !cls[i + 1].isWhitespace {
            let target = cls[i + 1]
            return run(i + 1, { $0 == target })
        }
        // \s+(?!\S); a lone whitespace character before other text stands alone.
        let end = run(i, { $0.isWhitespace })
        if end == limit || end - i < 2 { return end }
        return end - 1
    }
}
