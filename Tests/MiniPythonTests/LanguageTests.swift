import MiniPython
import Testing

@Suite struct LanguageTests {
    /// `print(expression)` output, checked against what CPython prints.
    @Test(arguments: [
        // Arithmetic with Python semantics.
        ("7 // -2", "-4"), ("-7 // 2", "-4"), ("-7 % 3", "2"), ("7 % -3", "-2"), ("10 / 4", "2.5"), ("8 / 2", "4.0"),
        ("7.5 // 2", "3.0"), ("-7.5 // 2", "-4.0"), ("-7.5 % 2", "0.5"), ("7 % -2.5", "-0.5"), ("2 ** 10", "1024"),
        ("2 ** -1", "0.5"), ("2 ** 0.5", "1.4142135623730951"), ("-2 ** 2", "-4"), ("(-2) ** 2", "4"),
        ("2 ** 3 ** 2", "512"), ("1 + 2 * 3 - 4 / 2", "5.0"), ("(1 + 2) * 3", "9"), ("--5", "5"), ("+-3", "-3"),
        ("True + True", "2"), ("0.1 + 0.2", "0.30000000000000004"), ("3 * 1.1", "3.3000000000000003"),
        ("2 ** 62 + (2 ** 62 - 1)", "9223372036854775807"), ("-9223372036854775807 - 1", "-9223372036854775808"),
        // Comparisons, chained, and boolean operators returning operands.
        ("0 < 3 < 5", "True"), ("1 < 3 < 2", "False"), ("3 > 2 == 2", "True"), ("1 == 1.0", "True"),
        ("'a' < 'b' <= 'b'", "True"), ("[1, 2] < [1, 3]", "True"), ("(1, 2) == (1, 2)", "True"), ("[1] == (1,)", "False"),
        ("1 != 2", "True"), ("None is None", "True"), ("1 is not None", "True"),
        ("1 and 2", "2"), ("0 and 2", "0"), ("0 or 'x'", "x"), ("'' or 0", "0"), ("not 0", "True"), ("not [1]", "False"),
        ("2 in [1, 2]", "True"), ("5 not in (1, 2)", "True"), ("'bc' in 'abc'", "True"), ("3 in range(0, 10, 3)", "True"),
        ("4 in range(0, 10, 3)", "False"),
        // Conditional expressions.
        ("'yes' if 1 < 2 else 'no'", "yes"), ("'a' if 0 else 'b' if 0 else 'c'", "c"),
        // Sequences: indexing, slicing, concatenation, repetition.
        ("[1, 2, 3][-1]", "3"), ("'hello'[1]", "e"), ("'abcdef'[1:4]", "bcd"), ("'abcdef'[::2]", "ace"),
        ("'abcdef'[::-1]", "fedcba"), ("[1, 2, 3, 4, 5][-2:]", "[4, 5]"), ("[1, 2, 3][10:]", "[]"),
        ("list(range(10))[7:2:-2]", "[7, 5, 3]"), ("(1, 2, 3)[::2]", "(1, 3)"), ("'ab' * 3", "ababab"),
        ("[0] * 3", "[0, 0, 0]"), ("3 * 'x'", "xxx"), ("[1] + [2]", "[1, 2]"), ("(1,) + (2,)", "(1, 2)"),
        ("'a' * -1", ""), ("range(3)[-1]", "2"),
        // Comprehensions and generator arguments.
        ("[x * x for x in range(6) if x % 2 == 0]", "[0, 4, 16]"),
        ("[(x, y) for x in range(3) for y in range(x)]", "[(1, 0), (2, 0), (2, 1)]"),
        ("[[c for c in range(r)] for r in range(3)]", "[[], [0], [0, 1]]"),
        ("sum(x for x in range(101))", "5050"), ("[c for c in 'ab']", "['a', 'b']"),
        ("[a + b for a, b in [(1, 2), (3, 4)]]", "[3, 7]"),
        // Literals.
        ("1_000_000", "1000000"), ("0x1F", "31"), ("1e3", "1000.0"), (".5", "0.5"), ("'it\\'s'", "it's"),
        ("\"tab\\tend\"", "tab\tend"), ("'a' 'b'", "ab"), ("'''x'''", "x"), ("r'\\n'", "\\n"),
    ])
    func expression(_ source: String, _ expected: String) throws {
        #expect(try printed("print(\(source))") == expected)
    }

    @Test func assignmentForms() throws {
        let output = try printed("""
            a = b = 5
            a += 1
            x, y = 1, 2
            x, y = y, x
            (p, q), r = (1, 2), 3
            c1, c2 = "ab"
            lst = [1, 2, 3]
            lst[0] += 10
            lst[-1] *= 2
            n: int = 7
            n **= 2; n //= 3; n %= 5; n -= 1; n /= 2
            print(a, b, x, y, p, q, r, c1, c2, lst, n)
            """)
        #expect(output == "6 5 2 1 1 2 3 a b [11, 2, 6] 0.0")
    }

    @Test func listsAreSharedReferences() throws {
        let output = try printed("""
            a = [1, 2]
            b = a
            b += [3]
            b[0] = 7
            def set_first(items, value):
                items[0] = value
            grid = [[0] * 2 for _ in range(2)]
            grid[1][0] = 5
            set_first(grid[0], 9)
            print(a, a is b, grid)
            """)
        #expect(output == "[7, 2, 3] True [[9, 0], [5, 0]]")
    }

    @Test func ifElifElse() throws {
        let output = try printed("""
            for x in [1, 5, 10]:
                if x < 3:
                    print("small")
                elif x < 7:
                    print("medium")
                else:
                    print("large")
            if x > 3: print("one-liner")
            else: print("never")
            """)
        #expect(output == "small\nmedium\nlarge\none-liner")
    }

    @Test func nestedLoopsWithBreakAndContinue() throws {
        let output = try printed("""
            pairs = []
            for i in range(4):
                for j in range(4):
                    if j == i:
                        continue
                    if j > 2:
                        break
                    pairs += [i * 10 + j]
                if i == 2:
                    break
            else:
                pairs += [-1]
            print(pairs)
            """)
        #expect(output == "[1, 2, 10, 12, 20, 21]")
    }

    @Test func loopElseRunsOnlyWithoutBreak() throws {
        let output = try printed("""
            for x in []:
                pass
            else:
                print("for-else")
            n = 0
            while n < 3:
                n += 1
            else:
                print("while-else", n)
            while True:
                break
            else:
                print("never")
            """)
        #expect(output == "for-else\nwhile-else 3")
    }

    @Test func whileLoops() throws {
        let output = try printed("""
            savings = 100
            weeks = 0
            while savings < 1000:
                savings *= 2
                weeks += 1
            count = 0
            while True:
                count += 1
                if count >= 5:
                    break
            print(weeks, savings, count)
            """)
        #expect(output == "4 1600 5")
    }

    @Test func iterationOverSequences() throws {
        let output = try printed("""
            for ch in "ab":
                print(ch)
            for item in (1, 2.5):
                print(item)
            for i in range(10, 0, -4):
                print(i)
            """)
        #expect(output == "a\nb\n1\n2.5\n10\n6\n2")
    }

    @Test func functionsWithDefaultsAndKeywords() throws {
        let output = try printed("""
            def f(a, b=2, c=3):
                return a * 100 + b * 10 + c
            def nothing():
                pass
            print(f(1), f(1, 5), f(1, c=9), f(a=4, b=0), f(1, 2, 3), nothing())
            """)
        #expect(output == "123 153 129 403 123 None")
    }

    @Test func recursionAndClosures() throws {
        let output = try printed("""
            def fact(n):
                return 1 if n <= 1 else n * fact(n - 1)
            def outer(x):
                def inner(y):
                    return x + y
                return inner(10)
            rate = 3
            def scaled(v):
                return v * rate
            print(fact(20), outer(5), scaled(4))
            """)
        #expect(output == "2432902008176640000 15 12")
    }

    @Test func localVariableRuleMatchesPython() {
        let error = failure("""
            total = 0
            def add():
                total = total + 1
            add()
            """)
        #expect(error?.kind == .runtime)
        #expect(error?.line == 3)
    }

    @Test func shortCircuitSkipsEvaluation() throws {
        let output = try printed("""
            def boom():
                return 1 / 0
            print(False and boom(), True or boom(), 0 if True else boom())
            """)
        #expect(output == "False True 0")
    }

    @Test func commentsBlankLinesTabsAndContinuations() throws {
        let output = try printed("# leading comment\n\nif True:\n\tx = (1 +\n\t     2)  # inline\n\n\t# indented comment\n\ty = 3 + \\\n\t\t4\nprint(x, y); print('done')\n")
        #expect(output == "3 7\ndone")
    }

    @Test func byteOrderMarkAndWindowsLineEndingsAreAccepted() throws {
        #expect(try printed("\u{FEFF}x = 1\r\nif x:\r\n    print(x)\r\n") == "1")
    }

    @Test func mainGuardAndDocstrings() throws {
        let output = try printed("""
            def main():
                \"\"\"Compute the answer.\"\"\"
                print("main ran")

            if __name__ == "__main__":
                main()
            """)
        #expect(output == "main ran")
    }

    @Test func annotationsAreIgnored() throws {
        let output = try printed("""
            def area(width: float, height: float = 2.0) -> float:
                result: float = width * height
                return result
            print(area(3))
            """)
        #expect(output == "6.0")
    }

    @Test func importsOfMath() throws {
        let output = try printed("""
            import math
            import math as m
            from math import ceil, floor as fl, sqrt
            print(math.ceil(4.1), m.floor(-4.1), ceil(0.2), fl(2.9), sqrt(16), math.pi)
            """)
        #expect(output == "5 -5 1 2 4.0 3.141592653589793")
    }

    @Test func assertStatement() throws {
        #expect(try printed("assert 1 + 1 == 2\nprint('ok')") == "ok")
        let error = failure("assert 1 > 2, 'bad'")
        #expect(error?.kind == .runtime)
        #expect(error?.message == "AssertionError: bad")
    }

    @Test func globalsAreReported() throws {
        let result = try run("""
            count = 3
            price = 2.5
            name = 'x'
            flag = True
            items = [1, (2, 'b')]
            nothing = None
            def helper():
                return 1
            import math
            """)
        #expect(result.globals == [
            "count": .int(3), "price": .float(2.5), "name": .string("x"), "flag": .bool(true),
            "items": .list([.int(1), .tuple([.int(2), .string("b")])]), "nothing": .none,
        ])
        #expect(result.globals["items"]?.description == "[1, (2, 'b')]")
    }

    @Test func stepsAreCounted() throws {
        let result = try run("x = 0\nfor i in range(10):\n    x += i\n")
        // The first assignment, the loop statement, the range() call, and two steps (iteration + body) per pass.
        #expect(result.steps == 23)
    }
}
