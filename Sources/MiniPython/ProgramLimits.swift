/// Resource bounds for one run. Every limit is enforced with a typed `ProgramError`, never a crash.
public struct ProgramLimits: Sendable {
    /// Longest accepted source, in Unicode scalars.
    public var maxSourceLength: Int
    /// Most steps a run may take. A step is one executed statement, loop iteration, comprehension
    /// iteration or call; bulk operations (`sum`, `in`, `==` on sequences, …) add one step per 10 elements.
    public var maxSteps: Int
    /// Deepest chain of active function calls.
    public var maxCallDepth: Int
    /// Deepest nesting of brackets, blocks and operators in the source, and of lists/tuples in values.
    public var maxNestingDepth: Int
    /// Most elements in one list or tuple, and most UTF-8 bytes in one string.
    public var maxSequenceLength: Int
    /// Most list/tuple elements plus string bytes created over the whole run.
    public var maxTotalElements: Int
    /// Most characters printed over the whole run.
    public var maxOutputCharacters: Int
    /// Most lines printed over the whole run.
    public var maxOutputLines: Int

    public init(
        maxSourceLength: Int = 20_000,
        maxSteps: Int = 200_000,
        maxCallDepth: Int = 50,
        maxNestingDepth: Int = 100,
        maxSequenceLength: Int = 100_000,
        maxTotalElements: Int = 2_000_000,
        maxOutputCharacters: Int = 10_000,
        maxOutputLines: Int = 1_000
    ) {
        self.maxSourceLength = maxSourceLength
        self.maxSteps = maxSteps
        self.maxCallDepth = maxCallDepth
        self.maxNestingDepth = maxNestingDepth
        self.maxSequenceLength = maxSequenceLength
        self.maxTotalElements = maxTotalElements
        self.maxOutputCharacters = maxOutputCharacters
        self.maxOutputLines = maxOutputLines
    }
}
