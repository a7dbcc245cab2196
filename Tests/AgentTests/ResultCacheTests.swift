@testable import Agent
import LLM
import Testing

struct ResultCacheTests {
    static let base = SamplingParameters.greedy(maxTokens: 64)

    @Test("Every field of the request changes the key")
    func keyFields() {
        let key = ResultCache.key(modelIdentity: "m", role: .step, prompt: "p", sampling: Self.base)
        var seeded = Self.base
        seeded.seed = 7
        var stopped = Self.base
        stopped.stop = ["\n"]
        var longer = Self.base
        longer.maxTokens = 65
        var warm = Self.base
        warm.temperature = 0.7
        let variants = [
            ResultCache.key(modelIdentity: "m2", role: .step, prompt: "p", sampling: Self.base),
            ResultCache.key(modelIdentity: "m", role: .synthesis, prompt: "p", sampling: Self.base),
            ResultCache.key(modelIdentity: "m", role: .step, prompt: "p ", sampling: Self.base),
            ResultCache.key(modelIdentity: "m", role: .step, prompt: "p", sampling: seeded),
            ResultCache.key(modelIdentity: "m", role: .step, prompt: "p", sampling: stopped),
            ResultCache.key(modelIdentity: "m", role: .step, prompt: "p", sampling: longer),
            ResultCache.key(modelIdentity: "m", role: .step, prompt: "p", sampling: warm),
            ResultCache.key(modelIdentity: "m", role: .step, prompt: "p", sampling: Self.base, sampleIndex: 1),
        ]
        #expect(Set(variants).count == variants.count)
        #expect(!variants.contains(key))
        #expect(key == ResultCache.key(modelIdentity: "m", role: .step, prompt: "p", sampling: Self.base))
        #expect(key.count == 64)
    }

    @Test("Fields cannot bleed into each other")
    func fieldBoundaries() {
        // The sample index and the prompt are adjacent fields.
        #expect(ResultCache.key(modelIdentity: "m", role: .step, prompt: "2p", sampling: Self.base, sampleIndex: 1)
            != ResultCache.key(modelIdentity: "m", role: .step, prompt: "p", sampling: Self.base, sampleIndex: 12))
    }

    @Test func storeAndLookUp() throws {
        let folder = try TemporaryFolder()
        let cache = ResultCache(store: try AgentStore(path: folder.path("db/divvy.db")))
        let key = ResultCache.key(modelIdentity: "m", role: .step, prompt: "2+2?", sampling: Self.base)
        #expect(try cache.lookup(key) == nil)
        let completion = Completion(text: "The answer is: 4", promptTokens: 12, completionTokens: 6,
                                    stopReason: .endOfTurn, seconds: 0)
        try cache.store(completion, key: key, modelIdentity: "m", role: .step, prompt: "2+2?", sampling: Self.base)
        #expect(try cache.lookup(key) == completion)
    }
}
