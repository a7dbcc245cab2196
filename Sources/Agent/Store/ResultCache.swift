import LLM

/// The exact-match result cache: what a model answered to a fully rendered prompt.
public struct ResultCache: Sendable {
    /// Bumped when prompts, parsing or the engine change in a way that changes answers, so old
    /// entries stop matching.
    public static let formatVersion = "divvy-cache-1"

    let store: AgentStore

    public init(store: AgentStore) { self.store = store }

    /// SHA-256 over everything that changes a completion: model identity, role, rendered
    /// prompt, sampling parameters (seed and stop strings included), sample index and format
    /// version. Each field is length-prefixed, so no two field lists hash the same text.
    public static func key(modelIdentity: String, role: CallRole, prompt: String, sampling: SamplingParameters,
                           sampleIndex: Int = 0) -> String {
        let fields = [formatVersion, modelIdentity, role.rawValue, samplingText(sampling), String(sampleIndex), prompt]
        return SHA256.hex(fields.map { "\($0.utf8.count):\($0)" }.joined(separator: "\n"))
    }

    static func samplingText(_ s: SamplingParameters) -> String {
        let stops = s.stop.map { "\($0.utf8.count):\($0)" }.joined(separator: ",")
        let repeats = s.lineRepeatLimit > 0 ? " line_repeat_limit=\(s.lineRepeatLimit)" : ""
        return "temperature=\(s.temperature) top_k=\(s.topK) top_p=\(s.topP) seed=\(s.seed) max_tokens=\(s.maxTokens) stop=[\(stops)]" + repeats
    }

    /// The stored completion for `key`, if any.
    public func lookup(_ key: String) throws -> Completion? {
        try store.guarded {
            try store.database.fetchAll(
                "SELECT output, prompt_tokens, completion_tokens, stop_reason FROM cache_entries WHERE key = ?",
                [.text(key)]) { row in
                Completion(text: row.string(at: 0) ?? "", promptTokens: Int(row.int64(at: 1) ?? 0),
                           completionTokens: Int(row.int64(at: 2) ?? 0), stopReason: row.string(at: 3).flatMap(StopReason.init(rawValue:)) ?? .endOfTurn, seconds: 0)
            }.first
        }
    }

    /// Stores `completion` under `key` (committed at once, so it survives an interrupted run).
    public func store(_ completion: Completion, key: String, modelIdentity: String, role: CallRole, prompt: String,
                      sampling: SamplingParameters) throws {
        try store.guarded {
            try store.database.execute("""
                INSERT OR REPLACE INTO cache_entries
                    (key, model_identity, role, prompt, sampling, output, prompt_tokens, completion_tokens, stop_reason, created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, [.text(key), .text(modelIdentity), .text(role.rawValue), .text(prompt), .text(Self.samplingText(sampling)),
                      .text(completion.text), .integer(Int64(completion.promptTokens)),
                      .integer(Int64(completion.completionTokens)), .text(completion.stopReason.rawValue), .text(AgentStore.now())])
        }
    }
}
