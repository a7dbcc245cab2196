import Testing
import Tensor

/// The vector-exp kernels (softmax, SiLU) against their libm twins.
struct ActivationKernelTests {
    /// `count` values spread over [-scale, scale] from a fixed sequence, then 8 extremes.
    func values(_ count: Int, scale: Float) -> [Float] {
        (0..<count).map { i in Float((i * 7919) % 2001 - 1000) / 1000 * scale } + [0, -0.0, 1e-30, -1e-30, 88, -88, 200, -200]
    }

    @Test(arguments: [1, 7, 8, 9, 64, 1001])
    func softmaxMatchesReference(count: Int) {
        var fast = values(count, scale: 30), reference = fast
        fast.withUnsafeMutableBufferPointer { softmaxInPlace($0.baseAddress!, count: $0.count) }
        reference.withUnsafeMutableBufferPointer { softmaxReference($0.baseAddress!, count: $0.count) }
        for (a, b) in zip(fast, reference) { #expect(abs(a - b) <= 1e-6 * max(1, b) + 1e-9) }
        #expect(abs(fast.reduce(0, +) - 1) < 1e-5)
    }

    @Test(arguments: [1, 8, 13, 4096])
    func siluMultiplyMatchesReference(count: Int) {
        let gate = values(count, scale: 20), up = values(count, scale: 3).reversed().map { $0 }
        var fast = gate, reference = gate
        up.withUnsafeBufferPointer { u in
            fast.withUnsafeMutableBufferPointer { siluMultiply($0.baseAddress!, u.baseAddress!, count: $0.count) }
            reference.withUnsafeMutableBufferPointer { siluMultiplyReference($0.baseAddress!, u.baseAddress!, count: $0.count) }
        }
        for (a, b) in zip(fast, reference) { #expect(abs(a - b) <= 1e-6 * abs(b) + 1e-6, "\(a) vs \(b)") }
    }
}
