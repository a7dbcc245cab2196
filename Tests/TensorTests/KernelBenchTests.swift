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
