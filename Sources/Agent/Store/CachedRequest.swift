import LLM

/// One model request, answered from the result cache when it holds the exact same request.
enum CachedRequest {
    /// Runs `messages` on `backend` (or finds them in `cache`) and describes the call for the log.
    /// `sampleIndex` tells apart samples of one request at temperature > 0. `onText` sees the
    /// reply as the backend writes it (a cached reply whole).
    static func complete(_ backend: any ModelBackend, cache: ResultCache?, role: CallRole, step: Int?,
                         messages: [ChatMessage], sampling: SamplingParameters, sampleIndex: Int = 0,
                         onText: (@Sendable (String) -> Void)? = nil) async throws -> (Completion, ModelCallRecord) {
        let prompt = backend.renderedPrompt(messages)
        let key = ResultCache.key(modelIdentity: backend.identity, role: role, prompt: prompt, sampling: sampling,
                                  sampleIndex: sampleIndex)
        func record(_ completion: Completion, hit: Bool) -> ModelCallRecord {
            ModelCallRecord(role: role, step: step, modelIdentity: backend.identity, cacheKey: key,
                            promptTokens: completion.promptTokens, completionTokens: completion.completionTokens,
                            seconds: completion.seconds, cacheHit: hit,
                            firstTokenSeconds: hit ? nil : completion.firstTokenSeconds)
        }
        if let cache, let hit = try cache.lookup(key) {
            onText?(hit.text)
            return (hit, record(hit, hit: true))
        }
        let completion = try await backend.complete(CompletionRequest(messages: messages, sampling: sampling, onText: onText))
        try cache?.store(completion, key: key, modelIdentity: backend.identity, role: role, prompt: prompt,
                         sampling: sampling)
        return (completion, record(completion, hit: false))
    }
}
