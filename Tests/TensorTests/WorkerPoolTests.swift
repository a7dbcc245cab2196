import Testing
@testable import Tensor

@Suite struct WorkerPoolTests {
    @Test func everyChunkRunsOnce() {
        let pool = WorkerPool(extraThreads: 2, spinLimit: 100)
        for chunks in [1, 2, 3, 17, 200] {
            var hits = [Int](repeating: 0, count: chunks)
            hits.withUnsafeMutableBufferPointer { h in
                let p = h.baseAddress!
                pool.run(chunks: chunks) { c, thread in
                    precondition(thread < pool.threadCount)
                    p[c] += 1
                }
            }
            #expect(hits == [Int](repeating: 1, count: chunks))
        }
    }

    @Test func manySmallJobsAndSleepingWorkers() async throws {
        let pool = WorkerPool(extraThreads: 1, spinLimit: 10)
        var total = [Int](repeating: 0, count: 8)
        for round in 0..<2000 {
            if round % 500 == 0 { try await Task.sleep(for: .milliseconds(2)) }  // let workers block
            total.withUnsafeMutableBufferPointer { h in
                let p = h.baseAddress!
                pool.run(chunks: 8) { c, _ in p[c] += 1 }
            }
        }
        #expect(total == [Int](repeating: 2000, count: 8))
    }
}
