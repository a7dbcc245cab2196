/// Drafts tokens for a ``BatchGenerator``'s decoding sequences with a second, smaller model of the
/// same vocabulary (speculative decoding with a draft model): each sequence's greedy continuation
/// under the draft model, from batched forward passes of the draft model's own context.
///
/// The draft cache uses the generator's sequence ids. Before drafting, a sequence's cells are made
/// to hold its text so far: the longest prefix of it the cache holds is kept (the sequence's own,
/// or another sequence's, shared without copying), cells past that prefix (rejected drafts, an
/// earlier request's text) are dropped, and the rest is computed. Sequences of finished requests
/// stay as prefixes until their cells are needed.
///
/// A greedy draft is one token with certainty, so the generator's rule (keep a draft exactly when
/// the target model's own draw equals it) is the standard acceptance rule for it: the output
/// follows the target's distribution, token for token what plain decoding writes, greedy or seeded.
///
/// Not thread-safe: owned by one generator, like its `InferenceContext`.
public final class DraftModel {
    public let context: InferenceContext
    /// The tokens each sequence's cells hold, from position 0.
    private var held: [Int32: [Int32]] = [:]

    /// A draft model running in `context`, whose model must share the target's vocabulary
    /// (``LanguageModel/sharesVocabulary(with:)``).
    public init(context: InferenceContext) {
        self.context = context
    }

    /// One sequence to draft for: its text so far (prompt and generated tokens, the last being the
    /// token the target feeds next) and the most tokens to draft.
    public struct Request {
        public let sequence: Int32
        public let text: [Int32]
        public let limit: Int

        public init(sequence: Int32, text: [Int32], limit: Int) {
            self.sequence = sequence
            self.text = text
            self.limit = limit
        }
    }

    /// Up to `limit` tokens for each request, in order: the draft model's greedy continuation,
    /// ending early after an end-of-turn token. One forward pass computes every request's missing
    /// text and first draft token, then one pass per further token. All drafts are empty when the
    /// draft cache cannot hold them.
    public func draft(_ requests: [Request]) -> [[Int32]] {
        var drafts = requests.map { _ in [Int32]() }
        let active = requests.indices.filter { requests[$0].limit > 0 && !requests[$0].text.isEmpty }
        guard !active.isEmpty else { return drafts }

        var pending: [Int: ArraySlice<Int32>] = [:]
        for i in active { pending[i] = reuseLongestPrefix(requests[i].sequence, of: requests[i].text) }
        let needed = active.reduce(0) { $0 + pending[$1]!.count + requests[$1].limit - 1 }
        guard makeRoom(needed, keeping: Set(active.map { requests[$0].sequence })) else { return drafts }

        // Each round feeds every still-drafting sequence's missing tokens (the first round) or its
        // latest draft token, and takes the draft model's argmax as the next draft token.
        var feeding = active
        var round = 0
        while !feeding.isEmpty {
            var batch = Batch()
            let fed = feeding.map { round == 0 ? Array(pending[$0]!) : [drafts[$0].last!] }
            for (i, tokens) in zip(feeding, fed) {
                let sequence = requests[i].sequence
                batch.add(tokens, from: Int32(held[sequence]!.count), sequence: sequence, logitsForLast: true)
            }
            // The cells were made room for and the tokens come from the same vocabulary, so the
            // pass cannot fail; if it did, the drafts so far are still the draft model's own.
            guard let logits = try? context.decode(batch) else { return drafts }
            var next: [Int] = []
            for (row, i) in feeding.enumerated() {
                held[requests[i].sequence]! += fed[row]
                let token = Int32(Sampler.argmax(logits.row(row)))
                drafts[i].append(token)
                if drafts[i].count < requests[i].limit && !context.model.tokenizer.endOfTurnIDs.contains(token) {
                    next.append(i)
                }
            }
            feeding = next
            round += 1
        }
        return drafts
    }

    /// Makes `sequence`'s cells hold the longest prefix of `text` (short of its last token, whose
    /// logits are needed) that some sequence holds; returns the tokens still to compute.
    private func reuseLongestPrefix(_ sequence: Int32, of text: [Int32]) -> ArraySlice<Int32> {
        var source = (sequence: sequence, length: commonPrefixLength(held[sequence] ?? [], text))
        for (other, tokens) in held where other != sequence {
            let length = commonPrefixLength(tokens, text)
            if length > source.length { source = (other, length) }
        }
        let length = min(source.length, text.count - 1)
        if source.sequence == sequence {
            context.cache.removeSequence(sequence, positions: Int32(length)..<Int32.max)
        } else {
            context.cache.removeSequence(sequence)
            context.cache.copySequence(source.sequence, to: sequence, positions: 0..<Int32(length))
        }
        held[sequence] = Array(text.prefix(length))
        return text[length...]
    }

    /// Drops sequences other than `kept` until `cells` cells are free; returns whether they are.
    private func makeRoom(_ cells: Int, keeping kept: Set<Int32>) -> Bool {
        for sequence in held.keys.sorted() where context.cache.freeCellCount < cells && !kept.contains(sequence) {
            context.cache.removeSequence(sequence)
            held[sequence] = nil
        }
        return context.cache.freeCellCount >= cells
    }
}

extension LanguageModel {
    /// Whether `other` reads and writes the same token ids as this model, as a draft model must:
    /// the same vocabulary, token for token, and the same end-of-turn tokens.
    public func sharesVocabulary(with other: LanguageModel) -> Bool {
        let a = tokenizer, b = other.tokenizer
        guard config.vocabularySize == other.config.vocabularySize, a.vocabularySize == b.vocabularySize,
              a.endOfTurnIDs == b.endOfTurnIDs else { return false }
        return (0..<Int32(a.vocabularySize)).allSatisfy { a.tokenText($0) == b.tokenText($0) }
    }

    /// `draft`, once checked to share this model's vocabulary.
    /// - Throws: ``DraftVocabularyMismatch`` when it does not.
    public func checkedDraft(_ draft: LanguageModel) throws(DraftVocabularyMismatch) -> LanguageModel {
        guard sharesVocabulary(with: draft) else { throw DraftVocabularyMismatch(draft: draft.file.path, target: file.path) }
        return draft
    }
}

/// A model asked to draft for another whose token ids differ.
public struct DraftVocabularyMismatch: Error, Equatable, Sendable, CustomStringConvertible {
    public let draft: String
    public let target: String

    public var description: String {
        "the draft model \(draft) does not share the vocabulary of \(target): a draft model must write the same token ids"
    }
}
