import LLM
import Testing

/// Load and encode times, printed; the bounds are loose enough for debug builds, the numbers that
/// matter come from `swift test -c release --filter TokenizerPerformance`.
@Suite struct TokenizerPerformanceTests {
    @Test func loadAndEncodeTimes() throws {
        for model in TestModel.allCases where model == .smollm2 || model.isPresent {
            let clock = ContinuousClock()
            var opened: GGUFFile?
            let open = try clock.measure { opened = try TestModels.open(model) }
            let file = try #require(opened)
            var tokenizer: Tokenizer?
            let load = try clock.measure { tokenizer = try Tokenizer(gguf: file) }
            let t = try #require(tokenizer)
            var rng = TokenizerTestRandom(state: 7)
            var text = ""
            while text.utf8.count < 4096 { text += randomTokenizerText(&rng) + " The quick brown fox, don't panic: x = 42;\n" }
            var ids: [Int32] = []
            let encode = clock.measure { ids = t.encode(text) }
            let decode = clock.measure { _ = t.decode(ids) }
            print("\(model): GGUF open \(open), tokenizer load \(load), encode \(text.utf8.count) bytes -> \(ids.count) ids \(encode), decode \(decode)")
            #expect(load < .seconds(10))
            #expect(encode < .seconds(1))
        }
    }
}
