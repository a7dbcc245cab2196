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
            out.reserveCapacity(out.count + utf8.count / 3 + 1)
            var session = TokenizerEncodeSession()
            for fragment in TokenizerSpecialSplitter.partition(utf8, tokens: specials, parseSpecial: parseSpecial) {
                if fragment.special >= 0 {
                    out.append(fragment.special)
                } else {
                    encodePlain(utf8, fragment.range, into: &out, session: &session)
                }
            }
        }
        return out
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
