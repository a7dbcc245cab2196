/// A token that is matched in text as a whole before pre-tokenizing (control and user-defined
/// tokens such as `<|im_start|>`).
struct TokenizerSpecialToken: Sendable {
    let id: Int32
    let bytes: [UInt8]
    /// User-defined tokens are matched even when special-token parsing is off (as llama.cpp does).
    let isUserDefined: Bool
}

/// A stretch of the input: plain text to pre-tokenize, or one special token.
struct TokenizerFragment {
    var range: Range<Int>
    /// The special token's id, or -1 for plain text.
    var special: Int32
}

enum TokenizerSpecialSplitter {
    /// Cuts `text` at occurrences of special tokens. `tokens` must be sorted longest first: each
    /// token in turn splits the plain fragments left by the longer ones, left to right without
    /// overlap.
    static func partition(_ text: UnsafeBufferPointer<UInt8>, tokens: [TokenizerSpecialToken],
                          parseSpecial: Bool) -> [TokenizerFragment] {
        var fragments = [TokenizerFragment(range: 0..<text.count, special: -1)]
        if text.isEmpty { return [] }
        for token in tokens where parseSpecial || token.isUserDefined {
            let pattern = token.bytes
            guard let first = pattern.first, pattern.count <= text.count else { continue }
            var result: [TokenizerFragment] = []
            var changed = false
            for fragment in fragments {
                guard fragment.special < 0, fragment.range.count >= pattern.count else {
                    result.append(fragment)
                    continue
                }
                var start = fragment.range.lowerBound
                var p = start
                let last = fragment.range.upperBound - pattern.count
                while p <= last {
                    if text[p] == first, pattern.withUnsafeBufferPointer({ memoryEqual(text.baseAddress! + p, $0.baseAddress!, $0.count) }) {
                        if p > start { result.append(TokenizerFragment(range: start..<p, special: -1)) }
                        result.append(TokenizerFragment(range: p..<(p + pattern.count), special: token.id))
                        p += pattern.count
                        start = p
                        changed = true
                    } else {
                        p += 1
                    }
                }
                if start < fragment.range.upperBound {
                    result.append(TokenizerFragment(range: start..<fragment.range.upperBound, special: -1))
                }
            }
            if changed { fragments = result }
        }
        return fragments
    }
}
