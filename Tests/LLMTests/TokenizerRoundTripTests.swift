import LLM
import Tensor
import Testing

/// A small deterministic generator (SplitMix64) so failures reproduce.
struct TokenizerTestRandom {
    private var generator: SplitMix64
    init(state: UInt64) { generator = SplitMix64(seed: state) }
    mutating func next() -> UInt64 { generator.next() }
    mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
    mutating func pick<T>(_ items: [T]) -> T { items[below(items.count)] }
}

/// Random text mixing scripts, digits of several kinds, whitespace runs, combining marks, emoji
/// sequences, contractions, special-token text and arbitrary scalars.
func randomTokenizerText(_ rng: inout TokenizerTestRandom) -> String {
    let pieces: [String] = [
        "Hello", " world", "don't", " I'LL", "'s", "x_1", "==", "->", "{}", "\"quoted\"", "https://a.b/c?d=1",
        " ", "  ", "   ", "\t", "\n", "\r\n", "\n\n", " \n ", "\u{A0}", "\u{3000}", "\u{85}", "\u{2028}",
        "123", "4", "٣٤", "３", "²", "½", "Ⅻ", "3.14",
        "é", "e\u{301}", "a\u{308}\u{323}", "\u{301}", "ñ", "Ångström", "Übergröße", "ﬁ",
        "Ελληνικά", " русский", "مرحبا", "नमस्ते", "如何实现", "模型", "한국어", "ไทย", "カタカナ",
        "😀", "👍🏽", "👨‍👩‍👧", "🇯🇵", "❤️", "🚀🚀", "\u{200D}", "\u{FE0F}",
        "<|im_start|>", "<|im_end|>", "<|endoftext|>", "<|im_start", "|>", "<tool_call>",
        "\u{0}", "\u{7F}", "\u{FFFD}", "\u{E000}", "\u{10FFFF}",
    ]
    var s = ""
    for _ in 0..<rng.below(24) {
        if rng.below(6) == 0 {
            var v = UInt32(rng.below(0x110000))
            if (0xD800...0xDFFF).contains(v) { v = 0x41 }
            s.unicodeScalars.append(Unicode.Scalar(v)!)
        } else {
            s += rng.pick(pieces)
        }
    }
    return s
}

@Suite struct TokenizerRoundTripTests {
    @Test func smollm2() throws { try check(.smollm2) }
    @Test(.enabled(if: TestModel.qwen05.isPresent)) func qwen05() throws { try check(.qwen05) }

    /// decode(encode(s)) gives back the exact bytes of s, with and without special parsing, and
    /// streaming the ids gives the same text. A byte with no token of its own is dropped, as
    /// llama.cpp does (SmolLM2's vocabulary lacks 0x04, 0x06, 0x13, 0x14, 0x16, 0x1D, 0xF1 and 0xF2).
    private func check(_ model: TestModel) throws {
        let tokenizer = try TestModels.tokenizer(model)
        var hasToken = [Bool](repeating: false, count: 256)
        for id in 0..<Int32(tokenizer.vocabularySize) where tokenizer.tokenKind(id) == .normal {
            let bytes = tokenizer.tokenBytes(id)
            if bytes.count == 1 { hasToken[Int(bytes[0])] = true }
        }
        #expect(hasToken.filter { !$0 }.count == (model == .smollm2 ? 21 : 0))
        var rng = TokenizerTestRandom(state: 0xD1_77)
        for _ in 0..<400 {
            let text = randomTokenizerText(&rng)
            let expected = Array(text.utf8).filter { hasToken[Int($0)] }
            for parseSpecial in [true, false] {
                let ids = tokenizer.encode(text, parseSpecial: parseSpecial)
                #expect(ids.allSatisfy { $0 >= 0 && Int($0) < tokenizer.vocabularySize })
                #expect(ids.flatMap { tokenizer.tokenBytes($0) } == expected, "\(model): \(String(reflecting: text))")
                let decoded = tokenizer.decode(ids)
                #expect(Array(decoded.utf8) == Array(String(decoding: expected, as: UTF8.self).utf8))
                if expected.count == text.utf8.count {
                    #expect(Array(decoded.utf8) == Array(text.utf8), "\(model): \(String(reflecting: text))")
                }
                var stream = StreamingDecoder(tokenizer: tokenizer)
                var streamed: [UInt8] = []
                for id in ids { streamed += Array(stream.append(id).utf8) }
                streamed += Array(stream.finish().utf8)
                #expect(streamed == Array(decoded.utf8), "\(model) streamed: \(String(reflecting: text))")
            }
        }
    }

    /// Special-token text stays ordinary bytes when parsing is off.
    @Test func specialTextWithoutParsing() throws {
        let tokenizer = try TestModels.tokenizer(.smollm2)
        let imEnd = try #require(tokenizer.id(of: "<|im_end|>"))
        #expect(tokenizer.encode("a<|im_end|>b") .contains(imEnd))
        #expect(!tokenizer.encode("a<|im_end|>b", parseSpecial: false).contains(imEnd))
    }

    /// The streaming decoder holds back a split character until its last byte arrives.
    @Test func streamingWaitsForWholeCharacters() throws {
        let tokenizer = try TestModels.tokenizer(.smollm2)
        // A recent emoji is spelled as byte tokens, one per UTF-8 byte.
        let ids = tokenizer.encode("🫠")
        #expect(ids.count > 1)
        var stream = StreamingDecoder(tokenizer: tokenizer)
        let outputs = ids.map { stream.append($0) }
        #expect(outputs.dropLast().allSatisfy { $0.isEmpty })
        #expect(outputs.last == "🫠")
        #expect(stream.finish().isEmpty)
        // An unfinished character left at the end comes out as U+FFFD.
        _ = stream.append(ids[0])
        #expect(stream.finish() == "\u{FFFD}")
    }
}
