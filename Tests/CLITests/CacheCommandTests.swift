import Foundation
import Testing

/// `divvy cache stats` and `divvy cache clear` as real processes, on a database filled by a real solve.
@Suite(.serialized)
struct CacheCommandTests {
    @Test func statsThenClearByAgeAndByModel() throws {
        try #require(EngineCommandTests.testModelIsPresent, "run scripts/fetch-models --test-only")
        let folder = try DivvyProcess.ScratchFolder()
        let db = folder.path("divvy.db")
        let missing = try DivvyProcess.run(["cache", "stats", "--db", db])
        #expect(missing.status == 66, "a read-only look creates no database")
        let solved = try DivvyProcess.run(["solve", "What is 2 plus 3?", "--db", db, "--no-plan", "--solver", "smollm2-135m",
                                           "--max-tokens", "4"])
        try #require(solved.status == 0, "\(solved.stderr)")

        let stats = try DivvyProcess.run(["cache", "stats", "--db", db, "--json"])
        let models = try #require(try JSONSerialization.jsonObject(with: Data(stats.stdout.utf8)) as? [[String: Any]])
        #expect(models.count == 1)
        #expect((models.first?["entries"] as? Int ?? 0) >= 1)
        #expect((models.first?["knownPath"] as? String)?.hasSuffix("smollm2-135m.gguf") == true)

        let old = try DivvyProcess.run(["cache", "clear", "--older-than", "1d", "--db", db])
        #expect(old.stdout == "removed 0 entries\n")
        let other = try DivvyProcess.run(["cache", "clear", "--model", "smollm2-135m", "--db", db, "--json"])
        #expect((try JSONSerialization.jsonObject(with: Data(other.stdout.utf8)) as? [String: Int])?["removed"] == models.first?["entries"] as? Int)
        #expect(try DivvyProcess.run(["cache", "stats", "--db", db]).stdout == "the cache is empty\n")
        let badAge = try DivvyProcess.run(["cache", "clear", "--older-than", "soon", "--db", db])
        #expect(badAge.status == 64)
    }
}
