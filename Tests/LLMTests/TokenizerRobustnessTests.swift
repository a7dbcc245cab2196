import Foundation
import LLM
import Testing

/// The tokenizer on what models and users can produce: byte tokens that form invalid UTF-8,
/// ids outside the vocabulary, and text decoded from arbitrary bytes.
struct TokenizerRobustnessTests {
    @Test func invalidUTF8FromByteTokensBecomesReplacementCharacters() throws {
        let tokenizer = try TestModels.tokenizer(.smollm2)
        var random = SeededGenerator(seed: 21)
        // Single-byte tokens for bytes that are never valid alone in UTF-8 (continuations, 0xF8+).
        let loneBytes = [0x80, 0xBF, 0xC0, 0xF8, 0xFF].compactMap { byte in
            (0..<Int32(tokenizer.vocabularySize)).first { tokenizer.tokenBytes($0) == [UInt8(byte)] }
        }
        #expect(!loneBytes.isEmpty)
        for _ in 0..<200 {
            let ids = (0..<Int.random(in: 1...12, using: &random)).map { _ in
                Bool.random(using: &random) ? loneBytes.randomElement(using: &random)!
                    : Int32.random(in: 0..<Int32(tokenizer.vocabularySize), using: &random)
            }
            let text = tokenizer.decode(ids)
            var streaming = StreamingDecoder(tokenizer: tokenizer)
            let streamed = ids.map { streaming.append($0) }.joined() + streaming.finish()
            #expect(streamed == text, "\(ids)")
            #expect(tokenizer.encode(text).allSatisfy { (0..<Int32(tokenizer.vocabularySize)).contains($0) })
        }
        #expect(tokenizer.decode([loneBytes[0]]) == "\u{FFFD}")
    }

    @Test func idsOutsideTheVocabularyDecodeToNothing() throws {
        let tokenizer = try TestModels.tokenizer(.smollm2)
        let hello = tokenizer.encode("Hello")
        #expect(tokenizer.decode([-1] + hello + [Int32.max, Int32(tokenizer.vocabularySize)]) == "Hello")
    }

    /// Text made from random bytes (invalid sequences replaced by Swift's decoder) encodes and
    /// decodes back to itself.
    @Test func textFromRandomBytesRoundTrips() throws {
        let tokenizer = try TestModels.tokenizer(TestModel.qwen05.isPresent ? .qwen05 : .smollm2)
        var random = SeededGenerator(seed: 22)
        for _ in 0..<300 {
            let bytes = (0..<Int.random(in: 0...64, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random) }
            let text = String(decoding: bytes, as: UTF8.self)
            let ids = tokenizer.encode(text, parseSpecial: false)
            if tokenizer.preTokenizer == PreTokenizer.qwen2 { #expect(tokenizer.decode(ids) == text) }
            #expect(ids.count <= text.utf8.count)
        }
    }
}
