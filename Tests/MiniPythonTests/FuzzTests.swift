import MiniPython
import Testing

/// Seeded fuzzing: every input must end in a result or a typed error, promptly and within the limits.
@Suite struct FuzzTests {
    /// Smaller step budget than the default so that accidental infinite loops end quickly.
    static let limits = ProgramLimits(maxSteps: 20_000)

    /// Checks the invariants every run must satisfy and returns whether it succeeded.
    @discardableResult
    static func check(_ source: String, sourceLocation: SourceLocation = #_sourceLocation) -> Bool {
        let clock = ContinuousClock()
        let start = clock.now
        let result = MiniPython.run(source, limits: limits)
        #expect(clock.now - start < .seconds(5), "slow: \(source)", sourceLocation: sourceLocation)
        switch result {
        case .success(let run):
            #expect(run.steps <= limits.maxSteps, sourceLocation: sourceLocation)
            #expect(run.printed.count <= limits.maxOutputLines, sourceLocation: sourceLocation)
            return true
        case .failure(let error):
            let lines = source.split(separator: "\n", omittingEmptySubsequences: false).count
            if let line = error.line {
                #expect((1...max(lines, 1)).contains(line), "\(error) for \(source)", sourceLocation: sourceLocation)
            }
            #expect(!error.message.isEmpty, sourceLocation: sourceLocation)
            return false
        }
    }

    @Test func tokenSoup() {
        let alphabet = [
            "if", "elif", "else", "for", "in", "while", "def", "return", "break", "continue", "pass", "import", "from",
            "and", "or", "not", "is", "lambda", "class", "True", "False", "None", "math", "range", "print", "len", "sum",
            "x", "y", "f", "answer", "+", "-", "*", "/", "//", "%", "**", "=", "==", "<", ">=", "+=", "(", ")", "[", "]",
            "{", "}", ":", ",", ".", ";", "'", "\"", "f'{", "}'", "#", "\\", "0", "1", "7", "10**9", "2.5", "1e308",
            "\n", "\n", "\n    ", "\n        ", "\t", " ",
        ]
        var generator = SplitMix64(seed: 0x5EED_0001)
        var successes = 0
        for _ in 0..<3_000 {
            let count = Int.random(in: 1...40, using: &generator)
            let source = (0..<count).map { _ in alphabet.randomElement(using: &generator) ?? "" }.joined(separator: " ")
            if Self.check(source) { successes += 1 }
        }
        #expect(successes > 0)
    }

    @Test func mutatedPrograms() {
        let sources = SampleProgram.all.map(\.source)
        let pieces = ["(", ")", ":", " ", "\n", "    ", "0", "9", "-", "*", "**", "x", "while True:", "[", "]", "'", "#", "="]
        var generator = SplitMix64(seed: 0x5EED_0002)
        var successes = 0
        for index in 0..<2_000 {
            var lines = sources[index % sources.count].split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            for _ in 0..<Int.random(in: 1...3, using: &generator) {
                Self.mutate(&lines, pieces: pieces, using: &generator)
            }
            if Self.check(lines.joined(separator: "\n")) { successes += 1 }
        }
        #expect(successes > 100)
    }

    private static func mutate(_ lines: inout [String], pieces: [String], using generator: inout SplitMix64) {
        let row = Int.random(in: 0..<lines.count, using: &generator)
        var chars = Array(lines[row])
        let column = Int.random(in: 0...chars.count, using: &generator)
        let piece = Array(pieces.randomElement(using: &generator) ?? "")
        switch Int.random(in: 0..<7, using: &generator) {
        case 0 where column < chars.count:
            chars.replaceSubrange(column...column, with: piece)
        case 1 where column < chars.count:
            chars.remove(at: column)
        case 2:
            chars.insert(contentsOf: piece, at: column)
        case 3 where column < chars.count:
            chars.insert(chars[column], at: column)
        case 4:
            lines.remove(at: row)
            return
        case 5:
            lines.insert(lines[row], at: row)
            return
        default:
            let other = Int.random(in: 0..<lines.count, using: &generator)
            lines.swapAt(row, other)
            return
        }
        lines[row] = String(chars)
    }

    @Test func randomArithmeticMatchesIndependentEvaluation() throws {
        var generator = SplitMix64(seed: 0x5EED_0003)
        for _ in 0..<400 {
            var program: [String] = []
            var values: [Int] = []
            var expectedFailure: (kind: ProgramError.Kind, line: Int)?
            for line in 1...Int.random(in: 1...6, using: &generator) {
                let tree = Arithmetic.random(depth: 5, variables: values.count, using: &generator)
                program.append("v\(values.count) = \(tree.source)")
                switch tree.evaluate(values) {
                case .success(let value):
                    values.append(value)
                case .failure(let error):
                    expectedFailure = (error.kind, line)
                }
                if expectedFailure != nil { break }
            }
            let source = program.joined(separator: "\n")
            switch MiniPython.run(source) {
            case .success(let run):
                #expect(expectedFailure == nil, "\(source)")
                for (index, value) in values.enumerated() {
                    #expect(run.globals["v\(index)"] == .int(value), "\(source)")
                }
            case .failure(let error):
                #expect(error.kind == expectedFailure?.kind, "\(error) for \(source)")
                #expect(error.line == expectedFailure?.line, "\(error) for \(source)")
            }
        }
    }
}

/// A random integer expression, rendered with only the parentheses Python's precedence needs, and
/// evaluated with overflow-checked Swift arithmetic and Python's floor division and modulo.
private indirect enum Arithmetic {
    case number(Int)
    case variable(Int)
    case negate(Arithmetic)
    case binary(String, Arithmetic, Arithmetic)
    case power(Arithmetic, Int)

    static func random(depth: Int, variables: Int, using generator: inout SplitMix64) -> Arithmetic {
        let roll = Int.random(in: 0..<10, using: &generator)
        if depth == 0 || roll < 3 {
            if variables > 0 && Bool.random(using: &generator) {
                return .variable(Int.random(in: 0..<variables, using: &generator))
            }
            let big = Int.random(in: 0..<20, using: &generator) == 0
            return .number(big ? Int.random(in: 1_000_000_000...4_000_000_000_000_000_000, using: &generator)
                               : Int.random(in: 0...12, using: &generator))
        }
        let child = { (g: inout SplitMix64) in random(depth: depth - 1, variables: variables, using: &g) }
        switch roll {
        case 3: return .negate(child(&generator))
        case 4: return .power(child(&generator), Int.random(in: 0...3, using: &generator))
        default:
            let op = ["+", "-", "*", "//", "%", "+", "-", "*"].randomElement(using: &generator) ?? "+"
            return .binary(op, child(&generator), child(&generator))
        }
    }

    private var precedence: Int {
        switch self {
        case .number, .variable: 5
        case .power: 4
        case .negate: 3
        case .binary(let op, _, _): op == "+" || op == "-" ? 1 : 2
        }
    }

    var source: String {
        switch self {
        case .number(let n): "\(n)"
        case .variable(let index): "v\(index)"
        case .negate(let operand): "-" + operand.wrapped(below: 3)
        case .power(let base, let exponent): base.wrapped(below: 5) + " ** \(exponent)"
        case .binary(let op, let left, let right): "\(left.wrapped(below: precedence)) \(op) \(right.wrapped(below: precedence + 1))"
        }
    }

    private func wrapped(below minimum: Int) -> String {
        precedence < minimum ? "(\(source))" : source
    }

    func evaluate(_ variables: [Int]) -> Result<Int, ProgramError> {
        switch self {
        case .number(let n):
            return .success(n)
        case .variable(let index):
            return .success(variables[index])
        case .negate(let operand):
            return operand.evaluate(variables).flatMap { $0 == .min ? .failure(Self.expected(.numberTooLarge)) : .success(-$0) }
        case .power(let base, let exponent):
            return base.evaluate(variables).flatMap { value in
                var result = 1
                for _ in 0..<exponent {
                    let (product, overflow) = result.multipliedReportingOverflow(by: value)
                    if overflow { return .failure(Self.expected(.numberTooLarge)) }
                    result = product
                }
                return .success(result)
            }
        case .binary(let op, let left, let right):
            return left.evaluate(variables).flatMap { a in
                right.evaluate(variables).flatMap { b in Self.apply(op, a, b) }
            }
        }
    }

    private static func expected(_ kind: ProgramError.Kind) -> ProgramError {
        ProgramError(kind: kind, message: "expected")
    }

    private static func apply(_ op: String, _ a: Int, _ b: Int) -> Result<Int, ProgramError> {
        let checked: (Int, Bool)
        switch op {
        case "+": checked = a.addingReportingOverflow(b)
        case "-": checked = a.subtractingReportingOverflow(b)
        case "*": checked = a.multipliedReportingOverflow(by: b)
        default:
            guard b != 0 else { return .failure(expected(.runtime)) }
            if a == .min && b == -1 { return op == "%" ? .success(0) : .failure(expected(.numberTooLarge)) }
            // Floor division via the Euclidean remainder, adjusted to take the divisor's sign.
            var remainder = a % b
            if remainder != 0 && (remainder < 0) != (b < 0) { remainder += b }
            return .success(op == "%" ? remainder : (a - remainder) / b)
        }
        return checked.1 ? .failure(expected(.numberTooLarge)) : .success(checked.0)
    }
}
