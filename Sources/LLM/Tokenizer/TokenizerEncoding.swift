/// Where an earlier pre-token's bytes and ids sit, for reuse within one `encode` call.
private struct TokenizerCacheEntry {
    var textStart: Int
    var length: Int
    var outStart: Int
    var outCount: Int
}

/// Buffers and the pre-token cache of one `encode` call.
private struct TokenizerEncodeSession {
    var chars = TokenizerCharBuffer()
    var scratch = TokenizerBPEScratch()
    /// Pre-tokens seen so far, by hash of their bytes; a repeated pre-token copies its ids.
    var cache: [UInt64: TokenizerCacheEntry] = [:]
}

extension Tokenizer {
    /// The ids of `text`. With `parseSpecial`, control tokens written in the text (`<|im_start|>`)
    /// become their single ids; user-defined tokens always do. With `addSpecial`, BOS is put first
    /// when the model asks for it (`addsBOS`).
    public func encode(_ text: String, parseSpecial: Bool = true, addSpecial: Bool = false) -> [Int32] {
        var out: [Int32] = []
        if addSpecial, addsBOS, let bos = bosID { out.append(bos) }
        var text = text
        text.withUTF8 { utf8 in
            encode(utf8, TokenizerSpecialSplitter.partition(utf8, tokens: specials, parseSpecial: parseSpecial), into: &out)
        }
        return out
    }

    /// The ids of the text made of `pieces` joined, each piece parsing control tokens only when
    /// its `parseSpecial` says so. Plain text is pre-tokenized across piece boundaries, as if the
    /// text were one string: a chat message that starts with spaces merges with the newline of
    /// the markup before it, exactly as whole-prompt tokenization does, while control tokens
    /// spelled out in a message stay text.
    public func encode(pieces: [(text: String, parseSpecial: Bool)]) -> [Int32] {
        var joined: [UInt8] = []
        var fragments: [TokenizerFragment] = []
        for piece in pieces {
            var text = piece.text
            let base = joined.count
            text.withUTF8 { utf8 in
                joined.append(contentsOf: utf8)
                for fragment in TokenizerSpecialSplitter.partition(utf8, tokens: specials, parseSpecial: piece.parseSpecial) {
                    let range = (fragment.range.lowerBound + base)..<(fragment.range.upperBound + base)
                    if fragment.special < 0, let last = fragments.last, last.special < 0, last.range.upperBound == range.lowerBound {
                        fragments[fragments.count - 1].range = last.range.lowerBound..<range.upperBound
                    } else {
                        fragments.append(TokenizerFragment(range: range, special: fragment.special))
                    }
                }
            }
        }
        var out: [Int32] = []
        joined.withUnsafeBufferPointer { encode($0, fragments, into: &out) }
        return out
    }

    /// Appends the ids of `text` cut into `fragments`: special tokens as they are, plain stretches
    /// pre-tokenized and merged.
    private func encode(_ text: UnsafeBufferPointer<UInt8>, _ fragments: [TokenizerFragment], into out: inout [Int32]) {
        out.reserveCapacity(out.count + text.count / 3 + 1)
        var session = TokenizerEncodeSession()
        for fragment in fragments {
            if fragment.special >= 0 {
                out.append(fragment.special)
            } else {
                encodePlain(text, fragment.range, into: &out, session: &session)
            }
        }
    }

    private func encodePlain(_ text: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, into out: inout [Int32],
                             session: inout TokenizerEncodeSession) {
        session.chars.load(text, range)
        preTokenizer.split(session.chars) { piece in
            let bytes = UnsafeBufferPointer(rebasing: text[piece])
            guard bytes.count > 1 else {
                bpe.encode(bytes, vocabulary: vocabulary, vocabularyCount: vocabularySize, into: &out, scratch: &session.scratch)
                return
            }
            let hash = TokenizerVocabulary.hash(bytes)
            if let hit = session.cache[hash], hit.length == bytes.count,
               memoryEqual(text.baseAddress! + hit.textStart, bytes.baseAddress!, bytes.count) {
                for k in hit.outStart..<(hit.outStart + hit.outCount) { out.append(out[k]) }
                return
            }
            let start = out.count
            bpe.encode(bytes, vocabulary: vocabulary, vocabularyCount: vocabularySize, into: &out, scratch: &session.scratch)
            if session.cache[hash] == nil {
                session.cache[hash] = TokenizerCacheEntry(textStart: piece.lowerBound, length: bytes.count,
                                                          outStart: start, outCount: out.count - start)
            }
        }
    }
}
