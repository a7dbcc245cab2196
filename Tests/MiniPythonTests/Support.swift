import MiniPython
import Testing

/// Runs `source`, recording an issue (and throwing) if it fails.
func run(_ source: String, limits: ProgramLimits = ProgramLimits(),
         sourceLocation: SourceLocation = #_sourceLocation) throws -> ProgramRun {
    switch MiniPython.run(source, limits: limits) {
    case .success(let run):
        return run
    case .failure(let error):
        Issue.record("program failed: \(error)", sourceLocation: sourceLocation)
        throw error
    }
}

/// Everything `source` printed, lines joined by newlines.
func printed(_ source: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
    try run(source, sourceLocation: sourceLocation).printed.joined(separator: "\n")
}

/// The error `source` fails with, or nil if it succeeds.
func failure(_ source: String, limits: ProgramLimits = ProgramLimits()) -> ProgramError? {
    if case .failure(let error) = MiniPython.run(source, limits: limits) { return error }
    return nil
}

/// A small seeded PRNG (SplitMix64) so fuzz tests are reproducible.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
