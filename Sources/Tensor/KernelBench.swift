import CKernels
import Foundation

/// Micro-benchmarks of `matmul` for `divvy bench` and STATUS figures.
public enum KernelBench {
    /// One measured configuration.
    public struct Case: Sendable {
        public var type: GGMLType
        public var rows: Int
        public var cols: Int
        public var n: Int
        public init(type: GGMLType, rows: Int, cols: Int, n: Int = 1) {
            self.type = type; self.rows = rows; self.cols = cols; self.n = n
        }
    }

    /// The model shapes (rows × cols) of interest; K-quants only where cols % 256 == 0.
    public static let shapes: [(rows: Int, cols: Int)] = [(576, 576), (1536, 576), (896, 4864), (1536, 8960)]

    /// Default cases: every supported quantized type on every shape it fits, n = 1.
    public static func defaultCases(n: Int = 1) -> [Case] {
        var cases: [Case] = []
        for t in [GGMLType.q4_1, .q5_0, .q8_0, .q4_K, .q6_K, .f16] {
            for s in shapes where s.cols % t.blockSize == 0 { cases.append(Case(type: t, rows: s.rows, cols: s.cols, n: n)) }
        }
        return cases
    }

    /// Times `matmul` for each case (best of `repeats` batches of calls) over enough copies of
    /// the weights to exceed the L3 cache (`workingSetBytes`), so weights stream from DRAM as in
    /// decode. Keys: "<type> <rows>x<cols> n=<n> <metric>" with metrics us (per call), GB/s
    /// (weight bytes), GFLOP/s.
    public static func run(_ cases: [Case] = defaultCases(), repeats: Int = 5,
                           workingSetBytes: Int = 96 << 20) -> [String: Double] {
        var out: [String: Double] = [:]
        for c in cases {
            let rowBytes = c.type.rowBytes(c.cols), matBytes = rowBytes * c.rows
            let copies = max(1, workingSetBytes / max(1, matBytes))
            let bytes = randomWeightBytes(c.type, rows: c.rows, cols: c.cols, seed: 1)
            let buf = UnsafeMutableRawPointer.allocate(byteCount: copies * matBytes, alignment: 64)
            defer { buf.deallocate() }
            bytes.withUnsafeBytes { src in
                for k in 0..<copies { (buf + k * matBytes).copyMemory(from: src.baseAddress!, byteCount: matBytes) }
            }
            let x = randomActivations(c.n * c.cols, seed: 2)
            let y = UnsafeMutablePointer<Float>.allocate(capacity: c.n * c.rows)
            defer { y.deallocate() }
            let calls = max(copies, 20)
            var best = Double.infinity
            x.withUnsafeBufferPointer { xp in
                for _ in 0..<repeats {
                    let t0 = DispatchTime.now().uptimeNanoseconds
                    for i in 0..<calls {
                        let w = WeightMatrix(type: c.type, rows: c.rows, cols: c.cols, data: buf + (i % copies) * matBytes)
                        matmul(w, xp.baseAddress!, n: c.n, y)
                    }
                    let dt = Double(DispatchTime.now().uptimeNanoseconds - t0) / Double(calls)
                    best = min(best, dt)
                }
            }
            let key = "\(c.type) \(c.rows)x\(c.cols) n=\(c.n)"
            out[key + " us"] = best / 1000
            out[key + " GB/s"] = Double(matBytes) / best
            out[key + " GFLOP/s"] = 2 * Double(c.rows * c.cols * c.n) / best
        }
        return out
    }

    /// `run` formatted as aligned lines, sorted by key.
    public static func report(_ results: [String: Double]) -> String {
        results.keys.sorted().map { String(format: "%-36@ %10.2f", $0 as NSString, results[$0] ?? 0) }.joined(separator: "\n")
    }
}

extension KernelBench {
    /// µs per job of `chunks` empty chunks: the shared pool vs DispatchQueue.concurrentPerform.
    public static func poolOverhead(chunks: Int = 8, jobs: Int = 20_000) -> [String: Double] {
        let pool = WorkerPool.shared
        var t0 = DispatchTime.now().uptimeNanoseconds
        for _ in 0..<jobs { pool.run(chunks: chunks) { _, _ in } }
        let poolNs = Double(DispatchTime.now().uptimeNanoseconds - t0) / Double(jobs)
        t0 = DispatchTime.now().uptimeNanoseconds
        for _ in 0..<jobs { DispatchQueue.concurrentPerform(iterations: chunks) { _ in } }
        let gcdNs = Double(DispatchTime.now().uptimeNanoseconds - t0) / Double(jobs)
        return ["pool us": poolNs / 1000, "concurrentPerform us": gcdNs / 1000]
    }
}
