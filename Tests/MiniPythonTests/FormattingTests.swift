import MiniPython
import Testing

@Suite struct FormattingTests {
    /// `str()` of values, as CPython prints them.
    @Test(arguments: [
        ("3.0", "3.0"), ("2.5", "2.5"), ("100.0", "100.0"), ("-0.5", "-0.5"), ("-0.0", "-0.0"), ("1 / 3", "0.3333333333333333"),
        ("0.1 + 0.2", "0.30000000000000004"), ("1e16", "1e+16"), ("1e15", "1000000000000000.0"), ("1.5e-05", "1.5e-05"),
        ("0.0001", "0.0001"), ("0.00001", "1e-05"), ("9999999999999998.0", "9999999999999998.0"),
        ("123456789.123", "123456789.123"), ("1e22", "1e+22"), ("1.7976931348623157e308", "1.7976931348623157e+308"),
        ("5e-324", "5e-324"), ("float('inf')", "inf"), ("-float('inf')", "-inf"), ("float('nan')", "nan"),
        ("12", "12"), ("-7", "-7"), ("True", "True"), ("None", "None"), ("'text'", "text"),
        ("[1, 2.5, 'a', None, True]", "[1, 2.5, 'a', None, True]"), ("(1, 2)", "(1, 2)"), ("(1,)", "(1,)"), ("()", "()"),
        ("[[1], []]", "[[1], []]"), ("[\"it's\"]", "[\"it's\"]"), ("['a\\nb']", "['a\\nb']"), ("range(2, 9, 3)", "range(2, 9, 3)"),
    ])
    func str(_ source: String, _ expected: String) throws {
        #expect(try printed("print(str(\(source)))") == expected)
    }

    /// f-string fields with format specs, as CPython formats them.
    @Test(arguments: [
        ("{x}", "1234.5"), ("{x:.2f}", "1234.50"), ("{x:,}", "1,234.5"), ("{x:,.2f}", "1,234.50"), ("{x:.0f}", "1234"),
        ("{n:d}", "1234567"), ("{n:,}", "1,234,567"), ("{n:_}", "1_234_567"), ("{r:%}", "12.500000%"), ("{r:.1%}", "12.5%"),
        ("{2.5:.0f} {3.5:.0f} {0.125:.2f}", "2 4 0.12"), ("{x:10.1f}|", "    1234.5|"), ("{n:<9}|", "1234567  |"),
        ("{n:^9}|", " 1234567 |"), ("{-42:06}", "-00042"), ("{42:+d}", "+42"), ("{s:>5}|{s:<5}|{s:*^7}", "   hi|hi   |**hi***"),
        ("{s!r}", "'hi'"), ("{x:e}", "1.234500e+03"), ("{x:g}", "1234.5"), ("{255:x} {255:X} {5:b} {8:o}", "ff FF 101 10"),
        ("{{literal}} {n}", "{literal} 1234567"), ("{[1, 'a']}", "[1, 'a']"), ("{n * 2 + 1}", "2469135"),
        ("{'yes' if n > 0 else 'no'}", "yes"), ("{x:.2}", "1.2e+03"), ("{True}", "True"), ("{None}", "None"),
        ("{x=}", "x=1234.5"), ("{n * 2 = }", "n * 2 = 2469134"), ("{s=}", "s='hi'"), ("{x=:.0f}", "x=1234"),
        ("{n != 1}", "True"),
    ])
    func fString(_ fields: String, _ expected: String) throws {
        let source = "x = 1234.5\nn = 1234567\nr = 0.125\ns = 'hi'\nprint(f\"\(fields)\")"
        #expect(try printed(source) == expected)
    }

    @Test func percentFormatting() throws {
        let output = try printed("""
            print("%d items at %.2f" % (3, 2.5))
            print("%5.1f|%-5d|%05d|%s|%r|%x|%%" % (3.14159, 42, 7, "hi", "hi", 255))
            print("%.1f%%" % 12.345, "%d" % 3.9, "%+d" % 5, "%s" % [1])
            """)
        #expect(output == "3 items at 2.50\n  3.1|42   |00007|hi|'hi'|ff|%\n12.3% 3 +5 [1]")
    }

    @Test func printSeparatorsAndEnds() throws {
        let result = try run("""
            print(1, 2, 3)
            print(1, 2, sep="-")
            print("no newline", end="")
            print(" continued")
            print()
            print("tail", end="")
            """)
        #expect(result.printed == ["1 2 3", "1-2", "no newline continued", "", "tail"])
    }

    @Test func formatBuiltin() throws {
        #expect(try printed("print(format(1234.5, ',.1f'), format(7, '03'), format('x', '>3'))") == "1,234.5 007   x")
    }

    @Test func invalidFormatSpecsAreRuntimeErrors() {
        #expect(failure("print(f'{1.5:d}')")?.kind == .runtime)
        #expect(failure("print(f'{1:.2d}')")?.kind == .runtime)
        #expect(failure("print(f'{[1]:>5}')")?.kind == .runtime)
        #expect(failure("print('%d' % 'x')")?.kind == .runtime)
        #expect(failure("print('%d %d' % (1,))")?.kind == .runtime)
    }

    @Test func programValueDescriptions() {
        #expect(ProgramValue.float(72.0).description == "72.0")
        #expect(ProgramValue.int(-3).description == "-3")
        #expect(ProgramValue.string("a b").description == "a b")
        #expect(ProgramValue.list([.string("a"), .float(0.5), .none]).description == "['a', 0.5, None]")
        #expect(ProgramValue.tuple([.bool(true)]).description == "(True,)")
    }
}
