import LLM
import Testing

struct PromptLookupTests {
    @Test func proposesWhatFollowedTheLatestEarlierOccurrence() {
        let lookup = PromptLookup(maxDraft: 3, ngramSizes: 2...3)
        // "7 8" occurs at 1 (followed by 9 1 2) and at 5 (followed by 5 5): the latest wins.
        #expect(lookup.draft([1, 7, 8, 9, 1, 2, 7, 8, 5, 5, 0, 7, 8] as [Int32]) == [5, 5, 0])
    }

    @Test func prefersTheLongestMatchingSuffix() {
        let lookup = PromptLookup(maxDraft: 2, ngramSizes: 1...3)
        // The 3-gram "1 2 3" matches at 0 (then 4 4); "2 3" alone matches later (then 9 9).
        #expect(lookup.draft([1, 2, 3, 4, 4, 2, 3, 9, 9, 1, 2, 3] as [Int32]) == [4, 4])
    }

    @Test func draftStopsAtLimitAndAtTheEndOfTheText() {
        let lookup = PromptLookup(maxDraft: 4, ngramSizes: 2...2)
        let history: [Int32] = [5, 6, 7, 8, 9, 10, 5, 6]
        #expect(lookup.draft(history) == [7, 8, 9, 10])
        #expect(lookup.draft(history, limit: 2) == [7, 8])
        #expect(lookup.draft(history, limit: 0) == [])
        // The match's continuation may run into the suffix itself.
        #expect(lookup.draft([3, 3, 3] as [Int32]) == [3])
    }

    @Test func noDraftWithoutAnEarlierOccurrence() {
        let lookup = PromptLookup()
        #expect(lookup.draft([1, 2, 3, 4, 5, 6] as [Int32]) == [])
        #expect(lookup.draft([] as [Int32]) == [])
        #expect(lookup.draft([4, 4] as [Int32]) == [], "a 2-gram needs an earlier copy, not itself")
        #expect(PromptLookup(maxDraft: 0).draft([1, 2, 1, 2] as [Int32]) == [])
    }

    @Test func readsASliceByItsOwnIndices() {
        let text: [Int32] = [9, 9, 1, 2, 3, 1, 2]
        #expect(PromptLookup(maxDraft: 1, ngramSizes: 2...2).draft(text[2...]) == [3])
    }
}
