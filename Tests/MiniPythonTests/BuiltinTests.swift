import MiniPython
import Testing

@Suite struct BuiltinTests {
    @Test(arguments: [
        ("round(2.5)", "2"), ("round(3.5)", "4"), ("round(-2.5)", "-2"), ("round(0.5)", "0"), ("round(2.675, 2)", "2.67"),
        ("round(1.005, 2)", "1.0"), ("round(2.5, 0)", "2.0"), ("round(1234.5678, -2)", "1200.0"), ("round(7)", "7"),
        ("round(1250, -2)", "1200"), ("round(1350, -2)", "1400"), ("round(-25, -1)", "-20"), ("round(7.0)", "7"),
        ("int(3.99)", "3"), ("int(-3.99)", "-3"), ("int('42')", "42"), ("int(' -7 ')", "-7"), ("int(True)", "1"), ("int()", "0"),
        ("float(3)", "3.0"), ("float('2.5')", "2.5"), ("float(' 1e3 ')", "1000.0"), ("str(2.50)", "2.5"), ("str()", ""),
        ("abs(-3)", "3"), ("abs(-2.5)", "2.5"), ("bool(0)", "False"), ("bool('0')", "True"), ("bool([])", "False"),
        ("min(3, 1, 2)", "1"), ("max([4, 9, 1])", "9"), ("min(2, 2.0)", "2"), ("max('apple', 'banana')", "banana"),
        ("max([], default=7)", "7"), ("min(x for x in [5, 3])", "3"),
        ("sum([1, 2, 3])", "6"), ("sum([1, 2], 10)", "13"), ("sum([0.1] * 10)", "0.9999999999999999"), ("sum([])", "0"),
        ("sum(range(1, 101))", "5050"), ("len('héllo')", "5"), ("len([1, 2])", "2"), ("len(range(0, 10, 3))", "4"),
        ("list(range(5))", "[0, 1, 2, 3, 4]"), ("list(range(10, 0, -3))", "[10, 7, 4, 1]"), ("list(range(5, 0))", "[]"),
        ("list('ab')", "['a', 'b']"), ("tuple([1, 2])", "(1, 2)"), ("list()", "[]"),
        ("divmod(17, 5)", "(3, 2)"), ("divmod(-17, 5)", "(-4, 3)"), ("divmod(7.5, 2)", "(3.0, 1.5)"),
        ("pow(2, 10)", "1024"), ("pow(2, -2)", "0.25"), ("pow(2.0, 3)", "8.0"),
        ("sorted([3, 1, 2])", "[1, 2, 3]"), ("sorted([3, 1, 2], reverse=True)", "[3, 2, 1]"), ("sorted('cab')", "['a', 'b', 'c']"),
        ("sorted([(2, 'b'), (1, 'z'), (2, 'a')])", "[(1, 'z'), (2, 'a'), (2, 'b')]"), ("list(reversed([1, 2, 3]))", "[3, 2, 1]"),
        ("list(enumerate('ab'))", "[(0, 'a'), (1, 'b')]"), ("list(enumerate([5], start=1))", "[(1, 5)]"),
        ("list(zip([1, 2, 3], 'xy'))", "[(1, 'x'), (2, 'y')]"), ("any([0, 0, 1])", "True"), ("all([1, 1, 0])", "False"),
        ("any([])", "False"), ("all([])", "True"),
        ("math.ceil(4.1)", "5"), ("math.ceil(-0.5)", "0"), ("math.floor(-4.1)", "-5"), ("math.floor(7)", "7"),
        ("math.sqrt(16)", "4.0"), ("math.sqrt(2)", "1.4142135623730951"), ("math.pi", "3.141592653589793"),
        ("math.e", "2.718281828459045"), ("math.isclose(0.1 + 0.2, 0.3)", "True"), ("math.isclose(1, 1.1)", "False"),
        ("math.gcd(12, 18)", "6"), ("math.factorial(10)", "3628800"), ("math.log(100, 10)", "2.0"), ("math.log10(1000)", "3.0"),
        ("math.trunc(-2.7)", "-2"), ("math.fabs(-3)", "3.0"), ("math.pow(2, 3)", "8.0"), ("math.exp(0)", "1.0"),
    ])
    func builtin(_ call: String, _ expected: String) throws {
        #expect(try printed("import math\nprint(\(call))") == expected)
    }

    @Test(arguments: [
        "int('abc')", "int('3.5')", "float('x')", "len(5)", "abs('x')", "min([])", "sum(['a', 'b'])", "range(1.5)",
        "range(1, 5, 0)", "math.sqrt(-1)", "math.log(0)", "math.factorial(-1)", "divmod(1, 0)", "sorted([1, 'a'])",
        "print(1, sep=5)", "round(1.5, 'x')", "int(float('nan'))", "len()", "max(1, 2, default=0)", "print(x=1)",
    ])
    func badCallsAreRuntimeErrors(_ call: String) {
        let error = failure("import math\nx = \(call)")
        #expect(error?.kind == .runtime)
        #expect(error?.line == 2)
    }

    @Test(arguments: ["int(float('inf'))", "math.factorial(30)", "round(1e300)", "math.exp(1000)", "abs(-9223372036854775807 - 1)"])
    func hugeResultsAreTooLarge(_ call: String) {
        #expect(failure("import math\nx = \(call)")?.kind == .numberTooLarge)
    }
}
