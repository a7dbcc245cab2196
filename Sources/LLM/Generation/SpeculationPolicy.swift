/// When a ``BatchGenerator`` drafts tokens ahead of a decoding sequence and checks them in the
/// same forward pass (speculative decoding). A checked token is drawn exactly as plain decoding
/// would draw it, so the output is the same token for token, greedy or sampled with a seed.
public struct SpeculationPolicy: Sendable, Hashable {
    /// Where drafts come from without a draft model.
    public var lookup: PromptLookup
    /// Tokens a draft model (``BatchGenerator/draftModel``) proposes per step.
    public var modelDraft: Int
    /// Sequences draft only while at most this many decode together: one sequence's step is
    /// bound by reading the weights, so extra rows are nearly free, but a full batch is bound by
    /// compute, where a rejected draft row costs as much as a real one.
    public var maxDraftingSequences: Int

    public init(lookup: PromptLookup = PromptLookup(maxDraft: 1, ngramSizes: 1...4), modelDraft: Int = 1,
                maxDraftingSequences: Int = 1) {
        self.lookup = lookup
        self.modelDraft = modelDraft
        self.maxDraftingSequences = maxDraftingSequences
    }

    /// Plain decoding: one token per sequence per step.
    public static let off = SpeculationPolicy(lookup: PromptLookup(maxDraft: 0), modelDraft: 0, maxDraftingSequences: 0)
}
