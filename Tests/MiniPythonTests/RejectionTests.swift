import MiniPython
import Testing

/// A program that must fail, with the error kind and line it must fail with.
struct Rejection: Sendable, CustomStringConvertible {
    let source: String
    let kind: ProgramError.Kind
    let line: Int?

    init(_ source: String, _ kind: ProgramError.Kind, line: Int?) {
        self.source = source
        self.kind = kind
        self.line = line
    }

    var description: String { String(source.prefix(60)) }
}

@Suite struct RejectionTests {
    @Test(arguments: [
        // Outside the subset.
        Rejection("import os", .unsupported, line: 1),
        Rejection("import math\nimport numpy as np", .unsupported, line: 2),
        Rejection("from os import path", .unsupported, line: 1),
        Rejection("from math import gamma", .unsupported, line: 1),
        Rejection("x = [1]\nx.append(2)", .unsupported, line: 2),
        Rejection("words = 'a,b'.split(',')", .unsupported, line: 1),
        Rejection("s = '{}'.format(1)", .unsupported, line: 1),
        Rejection("os.system('ls')", .unsupported, line: 1),
        Rejection("x = (1).__class__", .unsupported, line: 1),
        Rejection("import math\nx = math.gamma(3)", .unsupported, line: 2),
        Rejection("x = 1\nf = open('data.txt')", .unsupported, line: 2),
        Rejection("x = input()", .unsupported, line: 1),
        Rejection("x = eval('1 + 1')", .unsupported, line: 1),
        Rejection("exec('x = 1')", .unsupported, line: 1),
        Rejection("m = __import__('os')", .unsupported, line: 1),
        Rejection("v = getattr(1, 'real')", .unsupported, line: 1),
        Rejection("f = lambda x: x + 1", .unsupported, line: 1),
        Rejection("class Shop:\n    pass", .unsupported, line: 1),
        Rejection("try:\n    x = 1\nexcept Exception:\n    x = 2", .unsupported, line: 1),
        Rejection("with open('f') as f:\n    pass", .unsupported, line: 1),
        Rejection("x = 0\ndef f():\n    global x\n    x = 1", .unsupported, line: 3),
        Rejection("def gen():\n    yield 1", .unsupported, line: 2),
        Rejection("async def f():\n    pass", .unsupported, line: 1),
        Rejection("@cache\ndef f():\n    pass", .unsupported, line: 1),
        Rejection("prices = {'apple': 2}", .unsupported, line: 1),
        Rejection("x = 6 & 3", .unsupported, line: 1),
        Rejection("a, *rest = [1, 2, 3]", .unsupported, line: 1),
        Rejection("x = [1, 2]\nx[0] = [3]", .unsupported, line: 2),
        Rejection("del x", .unsupported, line: 1),
        Rejection("raise ValueError('no')", .unsupported, line: 1),
        Rejection("print(sorted([2, 1], key=abs))", .unsupported, line: 1),
        // Limits.
        Rejection("while True:\n    pass", .stepLimit, line: 2),
        Rejection("x = 2 ** 10000", .numberTooLarge, line: 1),
        Rejection("x = 10**30", .numberTooLarge, line: 1),
        Rejection("x = 99999999999999999999", .numberTooLarge, line: 1),
        Rejection("x = 1\ny = 9223372036854775807 + x", .numberTooLarge, line: 2),
        Rejection("x = 1e308 * 10", .numberTooLarge, line: 1),
        Rejection("x = list(range(10**9))", .memoryLimit, line: 1),
        Rejection("x = 'a' * 10**9", .memoryLimit, line: 1),
        Rejection("x = [0] * 10**9", .memoryLimit, line: 1),
        Rejection("x = [i for i in range(10**9)]", .memoryLimit, line: 1),
        Rejection("s = 'ab'\nwhile True:\n    s = s + s", .memoryLimit, line: 3),
        Rejection("def f(n):\n    return f(n + 1)\nf(0)", .depthLimit, line: 2),
        Rejection("a = []\nfor i in range(500):\n    a = [a]", .depthLimit, line: 3),
        Rejection("for i in range(10**6):\n    print(i)", .outputLimit, line: 2),
        Rejection("print('x' * 20000)", .outputLimit, line: 1),
        // Runtime errors.
        Rejection("x = 1\ny = x / 0", .runtime, line: 2),
        Rejection("y = 7 // 0", .runtime, line: 1),
        Rejection("y = 7 % 0", .runtime, line: 1),
        Rejection("y = 1.0 / 0.0", .runtime, line: 1),
        Rejection("y = 0 ** -1", .runtime, line: 1),
        Rejection("print(undefined_name)", .runtime, line: 1),
        Rejection("x = [1, 2][5]", .runtime, line: 1),
        Rejection("x = 'a' + 1", .runtime, line: 1),
        Rejection("x = None + 1", .runtime, line: 1),
        Rejection("x = -8 ** 0.5 + (-8) ** 0.5", .runtime, line: 1),
        Rejection("a, b = [1, 2, 3]", .runtime, line: 1),
        Rejection("a, b, c = 1, 2", .runtime, line: 1),
        Rejection("x = 5\nx()", .runtime, line: 2),
        Rejection("s = 'abc'\ns[0] = 'x'", .runtime, line: 2),
        Rejection("def f(a):\n    return a\nf(1, 2)", .runtime, line: 3),
        Rejection("def f(a):\n    return a\nf(b=2)", .runtime, line: 3),
        Rejection("def f(a):\n    return a\nf()", .runtime, line: 3),
        Rejection("x = 1 < 'a'", .runtime, line: 1),
        Rejection("for x in 5:\n    pass", .runtime, line: 1),
        Rejection("def f():\n    return 1 / 0\n\ny = 2\nz = f()", .runtime, line: 2),
        // Syntax errors.
        Rejection("x = (1 + 2", .syntax, line: 1),
        Rejection("x = 1 +", .syntax, line: 1),
        Rejection("if x\n    y = 1", .syntax, line: 1),
        Rejection("x = = 1", .syntax, line: 1),
        Rejection("print 'hi'", .syntax, line: 1),
        Rejection("def f(:\n    pass", .syntax, line: 1),
        Rejection("if True:\n\tx = 1\n        y = 2", .syntax, line: 3),
        Rejection("x = 1\n    y = 2", .syntax, line: 2),
        Rejection("if True:\nx = 1", .syntax, line: 2),
        Rejection("s = 'unterminated", .syntax, line: 1),
        Rejection("return 5", .syntax, line: 1),
        Rejection("break", .syntax, line: 1),
        Rejection("x = 1 $ 2", .syntax, line: 1),
        Rejection("x = 1)", .syntax, line: 1),
        Rejection("f(x=1, 2)", .syntax, line: 1),
        Rejection("1 = x", .syntax, line: 1),
        Rejection("print(f'{}')", .syntax, line: 1),
    ])
    func rejected(_ rejection: Rejection) {
        let error = failure(rejection.source)
        #expect(error?.kind == rejection.kind, "\(error.map(String.init(describing:)) ?? "no error")")
        #expect(error?.line == rejection.line)
    }

    @Test func errorDescriptionNamesLineKindAndConstruct() {
        let error = failure("x = [1]\nx.append(2)")
        #expect(error?.description == "line 2: unsupported: attribute access `.append` (only math.* is allowed)")
    }

    @Test func deepNestingIsAnErrorNotACrash() {
        let sources = [
            String(repeating: "(", count: 10_000),
            "x = " + String(repeating: "(", count: 9_000) + "1" + String(repeating: ")", count: 9_000),
            "x = " + String(repeating: "[", count: 9_000) + String(repeating: "]", count: 9_000),
            "x = " + String(repeating: "-", count: 10_000) + "1",
            "x = " + String(repeating: "not ", count: 4_000) + "1",
            "x = 1" + String(repeating: "**1", count: 6_000),
            "x = a" + String(repeating: "[0]", count: 6_000),
            "x = f" + String(repeating: "(1)", count: 6_000),
            (0..<150).map { String(repeating: " ", count: $0) + "if True:\n" }.joined() + String(repeating: " ", count: 150) + "x = 1",
            "x = " + String(repeating: "f'{", count: 200) + "1" + String(repeating: "}'", count: 200),
        ]
        for source in sources {
            let error = failure(source)
            #expect(error?.kind == .depthLimit || error?.kind == .syntax, "\(source.prefix(20)): \(String(describing: error))")
        }
    }

    @Test func longFlatExpressionsAreFine() throws {
        let sum = (1...2_000).map(String.init).joined(separator: " + ")
        #expect(try printed("print(\(sum))") == "2001000")
    }

    @Test func recursionWithinTheLimitWorks() throws {
        #expect(try printed("def f(n):\n    return 0 if n == 0 else 1 + f(n - 1)\nprint(f(45))") == "45")
    }

    @Test func raisedLimitsStillNeverOverflowTheStack() {
        let limits = ProgramLimits(maxSourceLength: 1_000_000, maxSteps: 10_000_000, maxCallDepth: 1_000_000,
                                   maxNestingDepth: 1_000_000)
        let recursion = failure("def f(n):\n    return f(n + 1)\nf(0)", limits: limits)
        #expect(recursion?.kind == .depthLimit)
        let parens = failure("x = " + String(repeating: "(", count: 50_000) + "1" + String(repeating: ")", count: 50_000),
                             limits: limits)
        #expect(parens?.kind == .depthLimit)
    }

    @Test func sourceLengthIsLimited() {
        let error = failure(String(repeating: "x = 1\n", count: 4_000))
        #expect(error?.kind == .sourceTooLong)
        #expect(error?.line == nil)
    }

    @Test func everyLimitIsConfigurable() {
        #expect(failure("x = 0\nwhile x < 100:\n    x += 1", limits: ProgramLimits(maxSteps: 50))?.kind == .stepLimit)
        #expect(failure("x = [0] * 11", limits: ProgramLimits(maxSequenceLength: 10))?.kind == .memoryLimit)
        #expect(failure("for i in range(10):\n    x = [0] * 10", limits: ProgramLimits(maxTotalElements: 50))?.kind == .memoryLimit)
        #expect(failure("print(1)\nprint(2)", limits: ProgramLimits(maxOutputLines: 1))?.kind == .outputLimit)
        #expect(failure("print(12345)", limits: ProgramLimits(maxOutputCharacters: 3))?.kind == .outputLimit)
        #expect(failure("x = ((1))", limits: ProgramLimits(maxNestingDepth: 2))?.kind == .depthLimit)
        #expect(failure("def f(n):\n    return n if n == 0 else f(n - 1)\nf(5)", limits: ProgramLimits(maxCallDepth: 3))?.kind == .depthLimit)
        #expect(failure("x = 1", limits: ProgramLimits(maxSourceLength: 4))?.kind == .sourceTooLong)
    }

    @Test func bulkWorkCountsAsSteps() {
        let source = "big = list(range(100000))\nfor i in range(10000):\n    found = 99999 in big"
        #expect(failure(source)?.kind == .stepLimit)
    }
}
