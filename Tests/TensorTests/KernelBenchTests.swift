import CKernels
import Foundation
import Testing
import Tensor

/// Benchmarks, run only with DIVVY_BENCH=1 (in release: swift test -c release -Xswiftc -enable-testing).
/// DIVVY_BENCH_N: tokens per call; DIVVY_BENCH_SERIAL=1: calling thread only; DIVVY_BENCH_LEVEL: kernel level;
/// DIVVY_BENCH_TYPES: comma-separated type names.
@Suite(.serialized) struct KernelBenchTests {
    static let env = ProcessInfo.processInfo.environment
    static let enabled = env["DIVVY_BENCH"] == "1"

    @Test(.enabled(if: enabled)) func matvec() {
        let n = Int(Self.env["DIVVY_BENCH_N"] ?? "1") ?? 1
        MatmulTuning.parallel = Self.env["DIVVY_BENCH_SERIAL"] != "1"
        if let m = Self.env["DIVVY_BENCH_SGEMM_MIN"], let v = Int(m) { MatmulTuning.sgemmMinTokens = v }
        if let l = Self.env["DIVVY_BENCH_LEVEL"], let level = Int32(l) { dv_set_level(level) }
        var cases = KernelBench.defaultCases(n: n)
        if let sh = Self.env["DIVVY_BENCH_SHAPES"] {  // e.g. "576x1536,49152x576"
            let shapes = sh.split(separator: ",").compactMap { s -> (Int, Int)? in
                let p = s.split(separator: "x").compactMap { Int($0) }
                return p.count == 2 ? (p[0], p[1]) : nil
            }
            cases = GGMLType.allCases.filter(\.isSupported).flatMap { t in
                shapes.filter { $0.1 % t.blockSize == 0 }.map { KernelBench.Case(type: t, rows: $0.0, cols: $0.1, n: n) }
            }
        }
        if let t = Self.env["DIVVY_BENCH_TYPES"] {
            let names = Set(t.split(separator: ",").map { String($0).uppercased() })
            cases = cases.filter { names.contains($0.type.description) }
        }
        let ws = (Int(Self.env["DIVVY_BENCH_WS_MB"] ?? "96") ?? 96) << 20
        print(KernelBench.report(KernelBench.run(cases, workingSetBytes: ws)))
    }
}

extension KernelBenchTests {
    @Test(.enabled(if: enabled)) func swiftSIMDVersusC() {
        print(KernelBench.report(KernelBench.swiftSIMDComparison()))
    }
}

extension KernelBenchTests {
    @Test(.enabled(if: enabled)) func poolOverhead() {
        print(KernelBench.report(KernelBench.poolOverhead()))
    }
}
