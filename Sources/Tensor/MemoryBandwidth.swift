import CKernels
import Dispatch

/// Measures how fast this machine reads memory: the ceiling of weight-streaming decode.
public enum MemoryBandwidth {
    /// Best-of-`repeats` read bandwidth in bytes per second over an array of `bytes` (far larger
    /// than the caches), split over `pool`'s threads in 64 chunks.
    public static func measure(bytes: Int = 1 << 30, repeats: Int = 5, pool: WorkerPool) -> Double {
        let count = bytes / 4
        let data = UnsafeMutablePointer<Float>.allocate(capacity: count)
        defer { data.deallocate() }
        data.initialize(repeating: 1, count: count)   // touch every page before timing
        let chunks = 64, step = (count + chunks - 1) / chunks
        // sums: [chunks], kept so the reads are not optimised away
        let sums = UnsafeMutablePointer<Float>.allocate(capacity: chunks)
        defer { sums.deallocate() }
        var best = Double.infinity
        for _ in 0..<repeats {
            let t0 = DispatchTime.now().uptimeNanoseconds
            pool.run(chunks: chunks) { c, _ in
                let start = c * step, length = min(count, start + step) - start
                sums[c] = readSum(data + start, count: length)
            }
            best = min(best, Double(DispatchTime.now().uptimeNanoseconds - t0))
        }
        return Double(count * 4) / best * 1e9
    }

    private static func readSum(_ x: UnsafePointer<Float>, count: Int) -> Float {
        if kernelLevel > 0 { return dv_read_sum(x, count) }
        var sum = SIMD8<Float>()
        var i = 0
        while i + 8 <= count {
            sum += UnsafeRawPointer(x + i).loadUnaligned(as: SIMD8<Float>.self)
            i += 8
        }
        return sum.sum()
    }
}
