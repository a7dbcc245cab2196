/// One lexical token and the line it starts on.
struct Token {
    let kind: TokenKind
    let line: Int
}

enum TokenKind: Equatable {
    case name(String)
    case keyword(String)
    case int(Int)
    case float(Double)
    case string(String)
    case fstring([FStringPiece])
    case op(String)
    case newline
    case indent
    case dedent
    case end
}

/// A piece of an f-string as lexed: literal text, or a replacement field still to be parsed.
enum FStringPiece: Equatable {
    case text(String)
    case field(source: String, conversion: Unicode.Scalar?, spec: String)
}

/// Python's reserved words; soft keywords (`match`, `case`) stay ordinary names.
let pythonKeywords: Set<String> = [
    "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class", "continue",
    "def", "del", "elif", "else", "except", "finally", "for", "from", "global", "if", "import", "in",
    "is", "lambda", "nonlocal", "not", "or", "pass", "raise", "return", "try", "while", "with", "yield",
]

private let stringPrefixes: Set<String> = ["r", "u", "f", "b", "rb", "br", "fr", "rf"]

private let operators3: Set<String> = ["**=", "//=", ">>=", "<<=", "..."]
private let operators2: Set<String> = [
    "**", "//", "==", "!=", "<=", ">=", "+=", "-=", "*=", "/=", "%=", "&=", "|=", "^=", "@=", "->", ":=", "<<", ">>",
]
private let operators1: Set<Unicode.Scalar> = [
    "+", "-", "*", "/", "%", "<", ">", "=", "(", ")", "[", "]", "{", "}", ",", ":", ".", ";", "@", "&", "|", "^", "~",
]

/// Turns source into tokens, with NEWLINE/INDENT/DEDENT for Python's block structure.
struct Lexer {
    private let chars: [Unicode.Scalar]
    private let maxNesting: Int
    private let expressionMode: Bool
    private var pos = 0
    private var line: Int
    private var tokens: [Token] = []
    private var indents: [[Unicode.Scalar]] = [[]]
    private var brackets: [(scalar: Unicode.Scalar, line: Int)] = []

    /// Tokenizes a whole program.
    static func tokenize(_ source: String, maxNesting: Int) throws(ProgramError) -> [Token] {
        let scalars = source.unicodeScalars
        let chars = scalars.first == "\u{FEFF}" ? Array(scalars.dropFirst()) : Array(scalars)
        var lexer = Lexer(chars: chars, maxNesting: maxNesting, expressionMode: false, line: 1)
        return try lexer.run()
    }

    /// Tokenizes the expression of an f-string field as if it were inside parentheses.
    static func tokenizeExpression(_ source: String, line: Int, maxNesting: Int) throws(ProgramError) -> [Token] {
        var lexer = Lexer(chars: Array(source.unicodeScalars), maxNesting: maxNesting, expressionMode: true, line: line)
        return try lexer.run()
    }

    private init(chars: [Unicode.Scalar], maxNesting: Int, expressionMode: Bool, line: Int) {
        self.chars = chars
        self.maxNesting = maxNesting
        self.expressionMode = expressionMode
        self.line = line
    }

    private func peek(_ offset: Int = 0) -> Unicode.Scalar? {
        pos + offset < chars.count ? chars[pos + offset] : nil
    }

    private mutating func emit(_ kind: TokenKind, line tokenLine: Int? = nil) {
        tokens.append(Token(kind: kind, line: tokenLine ?? line))
    }

    private var joiningLines: Bool { expressionMode || !brackets.isEmpty }

    private mutating func run() throws(ProgramError) -> [Token] {
        var atLineStart = !expressionMode
        while pos < chars.count {
            if atLineStart {
                atLineStart = false
                if try handleIndentation() { atLineStart = true }
                continue
            }
            let c = chars[pos]
            switch c {
            case " ", "\t", "\u{0C}", "\r":
                pos += 1
            case "\n":
                pos += 1
                if !joiningLines {
                    emit(.newline)
                    atLineStart = true
                }
                line += 1
            case "#":
                while let d = peek(), d != "\n" { pos += 1 }
            case "\\":
                if peek(1) == "\n" {
                    pos += 2
                    line += 1
                } else if peek(1) == "\r", peek(2) == "\n" {
                    pos += 3
                    line += 1
                } else {
                    throw .syntax("unexpected character after line continuation character", line: line)
                }
            case "0"..."9":
                try lexNumber()
            case "." where peek(1).map(isDigit) ?? false:
                try lexNumber()
            case "\"", "'":
                try lexString(prefix: "")
            default:
                if isIdentifierStart(c) {
                    try lexWord()
                } else {
                    try lexOperator()
                }
            }
        }
        if let open = brackets.last {
            throw .syntax("'\(open.scalar)' was never closed", line: open.line)
        }
        if !expressionMode {
            if let last = tokens.last, last.kind != .newline {
                emit(.newline)
            }
            for _ in 1..<indents.count { emit(.dedent) }
        }
        emit(.end)
        return tokens
    }

    /// Reads a line's leading whitespace. Returns true when the line was blank or a comment and was skipped.
    private mutating func handleIndentation() throws(ProgramError) -> Bool {
        var indent: [Unicode.Scalar] = []
        while let c = peek(), c == " " || c == "\t" || c == "\u{0C}" {
            indent.append(c)
            pos += 1
        }
        switch peek() {
        case nil:
            return false
        case "\n", "#", "\r":
            while let d = peek(), d != "\n" { pos += 1 }
            if peek() == "\n" {
                pos += 1
                line += 1
            }
            return true
        default:
            break
        }
        let current = indents[indents.count - 1]
        if indent == current { return false }
        if indent.count > current.count, Array(indent.prefix(current.count)) == current {
            if indents.count > maxNesting {
                throw .depth("blocks nested more than \(maxNesting) deep", line: line)
            }
            indents.append(indent)
            emit(.indent)
            return false
        }
        guard let level = indents.lastIndex(of: indent) else {
            throw .syntax("unindent does not match any outer indentation level (or mixes tabs and spaces)", line: line)
        }
        for _ in level..<(indents.count - 1) { emit(.dedent) }
        indents.removeLast(indents.count - 1 - level)
        return false
    }

    private mutating func lexWord() throws(ProgramError) {
        let start = pos
        while let c = peek(), isIdentifierContinue(c) { pos += 1 }
        let word = String(String.UnicodeScalarView(chars[start..<pos]))
        if let quote = peek(), quote == "\"" || quote == "'", stringPrefixes.contains(word.lowercased()) {
            try lexString(prefix: word.lowercased())
            return
        }
        emit(pythonKeywords.contains(word) ? .keyword(word) : .name(word))
    }

    private mutating func lexOperator() throws(ProgramError) {
        let c = chars[pos]
        if pos + 2 < chars.count {
            let three = String(String.UnicodeScalarView(chars[pos..<pos + 3]))
            if operators3.contains(three) {
                pos += 3
                emit(.op(three))
                return
            }
        }
        if pos + 1 < chars.count {
            let two = String(String.UnicodeScalarView(chars[pos..<pos + 2]))
            if operators2.contains(two) {
                pos += 2
                emit(.op(two))
                return
            }
        }
        guard operators1.contains(c) else {
            throw .syntax("invalid character '\(c.escaped(asASCII: false))'", line: line)
        }
        pos += 1
        switch c {
        case "(", "[", "{":
            if brackets.count >= maxNesting {
                throw .depth("brackets nested more than \(maxNesting) deep", line: line)
            }
            brackets.append((c, line))
        case ")", "]", "}":
            let expected: Unicode.Scalar = c == ")" ? "(" : c == "]" ? "[" : "{"
            guard brackets.last?.scalar == expected else {
                throw .syntax("unmatched '\(c)'", line: line)
            }
            brackets.removeLast()
        default:
            break
        }
        emit(.op(String(c)))
    }

    private mutating func lexNumber() throws(ProgramError) {
        let start = pos
        if chars[pos] == "0", let x = peek(1), "xXoObB".unicodeScalars.contains(x) {
            let radix = x == "x" || x == "X" ? 16 : x == "o" || x == "O" ? 8 : 2
            pos += 2
            let digits = readDigits { isDigit($0) || ("a"..."f").contains($0) || ("A"..."F").contains($0) }
            guard !digits.isEmpty else { throw .syntax("invalid number literal", line: line) }
            guard let value = Int(digits, radix: radix) else {
                if digits.allSatisfy({ Int(String($0), radix: radix) != nil }) {
                    throw ProgramError(kind: .numberTooLarge, line: line, message: "integer literal too large")
                }
                throw .syntax("invalid digit in number literal", line: line)
            }
            try rejectTrailingName()
            emit(.int(value))
            return
        }
        var text = readDigits(isDigit)
        var isFloat = false
        if peek() == "." {
            isFloat = true
            pos += 1
            text += "." + readDigits(isDigit)
        }
        if let e = peek(), e == "e" || e == "E" {
            let sign = peek(1)
            let hasSign = sign == "+" || sign == "-"
            if let d = peek(hasSign ? 2 : 1), isDigit(d) {
                isFloat = true
                pos += hasSign ? 2 : 1
                text += "e" + (hasSign ? String(sign ?? "+") : "") + readDigits(isDigit)
            }
        }
        if let j = peek(), j == "j" || j == "J" {
            throw .unsupported("complex numbers", line: line)
        }
        try rejectTrailingName()
        if isFloat {
            guard let value = Double(text.hasPrefix(".") ? "0" + text : text) else {
                throw .syntax("invalid number literal '\(String(String.UnicodeScalarView(chars[start..<pos])))'", line: line)
            }
            guard value.isFinite else {
                throw ProgramError(kind: .numberTooLarge, line: line, message: "float literal too large")
            }
            emit(.float(value))
        } else {
            guard let value = Int(text) else {
                throw ProgramError(kind: .numberTooLarge, line: line, message: "integer literal too large")
            }
            emit(.int(value))
        }
    }

    /// Digits matching `accept`, allowing single underscores between them.
    private mutating func readDigits(_ accept: (Unicode.Scalar) -> Bool) -> String {
        var text = ""
        while let c = peek() {
            if accept(c) {
                text.unicodeScalars.append(c)
                pos += 1
            } else if c == "_", let next = peek(1), accept(next), !text.isEmpty {
                pos += 1
            } else {
                break
            }
        }
        return text
    }

    private func rejectTrailingName() throws(ProgramError) {
        if let c = peek(), isIdentifierContinue(c) {
            throw .syntax("invalid number literal", line: line)
        }
    }

    private mutating func lexString(prefix: String) throws(ProgramError) {
        if prefix.contains("b") {
            throw .unsupported("bytes literals", line: line)
        }
        let raw = prefix.contains("r")
        let isFormat = prefix.contains("f")
        let startLine = line
        let quote = chars[pos]
        let triple = peek(1) == quote && peek(2) == quote
        pos += triple ? 3 : 1
        var body: [Unicode.Scalar] = []
        while true {
            guard let c = peek() else {
                throw .syntax("unterminated string literal", line: startLine)
            }
            if c == quote && (!triple || (peek(1) == quote && peek(2) == quote)) {
                pos += triple ? 3 : 1
                break
            }
            if c == "\n" {
                guard triple else { throw .syntax("unterminated string literal", line: startLine) }
                line += 1
            }
            if c == "\\", let next = peek(1) {
                body.append(c)
                body.append(next)
                if next == "\n" { line += 1 }
                pos += 2
                continue
            }
            body.append(c)
            pos += 1
        }
        if isFormat {
            emit(.fstring(try fStringPieces(body, raw: raw, line: startLine)), line: startLine)
        } else {
            emit(.string(raw ? String(String.UnicodeScalarView(body)) : try unescape(body[...], line: startLine)),
                 line: startLine)
        }
    }

    /// Splits an f-string body into literal text and `{expr!conv:spec}` fields.
    private func fStringPieces(_ body: [Unicode.Scalar], raw: Bool, line: Int) throws(ProgramError) -> [FStringPiece] {
        var pieces: [FStringPiece] = []
        var literal: [Unicode.Scalar] = []
        func flush() throws(ProgramError) {
            if !literal.isEmpty {
                pieces.append(.text(raw ? String(String.UnicodeScalarView(literal)) : try unescape(literal[...], line: line)))
                literal = []
            }
        }
        var i = 0
        while i < body.count {
            let c = body[i]
            if c == "}" {
                guard i + 1 < body.count, body[i + 1] == "}" else {
                    throw .syntax("f-string: single '}' is not allowed", line: line)
                }
                literal.append("}")
                i += 2
                continue
            }
            if c != "{" {
                literal.append(c)
                i += 1
                continue
            }
            if i + 1 < body.count, body[i + 1] == "{" {
                literal.append("{")
                i += 2
                continue
            }
            try flush()
            var j = i + 1
            var depth = 0
            var inQuote: Unicode.Scalar?
            while j < body.count {
                let d = body[j]
                if let q = inQuote {
                    if d == q { inQuote = nil }
                } else if d == "'" || d == "\"" {
                    inQuote = d
                } else if d == "(" || d == "[" || d == "{" {
                    depth += 1
                } else if (d == ")" || d == "]" || d == "}") && depth > 0 {
                    depth -= 1
                } else if depth == 0 && (d == "}" || d == ":" || (d == "!" && j + 1 < body.count && body[j + 1] != "=")) {
                    break
                }
                j += 1
            }
            var source = String(String.UnicodeScalarView(body[(i + 1)..<j]))
            if source.allSatisfy(\.isWhitespace) {
                throw .syntax("f-string: empty expression not allowed", line: line)
            }
            // `{expr=}` prints the expression's text before its value.
            var end = j - 1
            while end > i, body[end] == " " { end -= 1 }
            let isDebug = body[end] == "=" && !(end - 1 > i && "=!<>".unicodeScalars.contains(body[end - 1]))
            if isDebug {
                pieces.append(.text(source))
                source = String(String.UnicodeScalarView(body[(i + 1)..<end]))
            }
            var conversion: Unicode.Scalar?
            if j < body.count, body[j] == "!" {
                guard j + 1 < body.count, "rsa".unicodeScalars.contains(body[j + 1]) else {
                    throw .syntax("f-string: invalid conversion character", line: line)
                }
                conversion = body[j + 1]
                j += 2
            }
            var spec: [Unicode.Scalar] = []
            if j < body.count, body[j] == ":" {
                j += 1
                while j < body.count, body[j] != "}" {
                    if body[j] == "{" {
                        throw .unsupported("nested replacement fields in an f-string format spec", line: line)
                    }
                    spec.append(body[j])
                    j += 1
                }
            }
            guard j < body.count, body[j] == "}" else {
                throw .syntax("f-string: expecting '}'", line: line)
            }
            if isDebug && conversion == nil && spec.isEmpty { conversion = "r" }
            pieces.append(.field(source: source, conversion: conversion, spec: String(String.UnicodeScalarView(spec))))
            i = j + 1
        }
        try flush()
        return pieces
    }

    /// Applies Python's backslash escapes.
    private func unescape(_ body: ArraySlice<Unicode.Scalar>, line: Int) throws(ProgramError) -> String {
        var out = String.UnicodeScalarView()
        var i = body.startIndex
        while i < body.endIndex {
            let c = body[i]
            guard c == "\\", i + 1 < body.endIndex else {
                out.append(c)
                i += 1
                continue
            }
            let e = body[i + 1]
            i += 2
            switch e {
            case "\n": break
            case "\\": out.append("\\")
            case "'": out.append("'")
            case "\"": out.append("\"")
            case "n": out.append("\n")
            case "t": out.append("\t")
            case "r": out.append("\r")
            case "a": out.append("\u{07}")
            case "b": out.append("\u{08}")
            case "f": out.append("\u{0C}")
            case "v": out.append("\u{0B}")
            case "0"..."7":
                var value = Int(e.value - 48)
                var count = 1
                while count < 3, i < body.endIndex, ("0"..."7").contains(body[i]) {
                    value = value * 8 + Int(body[i].value - 48)
                    i += 1
                    count += 1
                }
                out.append(Unicode.Scalar(UInt32(value)) ?? "?")
            case "x", "u", "U":
                let width = e == "x" ? 2 : e == "u" ? 4 : 8
                guard i + width <= body.endIndex,
                      let code = UInt32(String(String.UnicodeScalarView(body[i..<(i + width)])), radix: 16),
                      let scalar = Unicode.Scalar(code) else {
                    throw .syntax("invalid \\\(e) escape in string literal", line: line)
                }
                out.append(scalar)
                i += width
            default:
                out.append("\\")
                out.append(e)
            }
        }
        return String(out)
    }
}

private func isDigit(_ c: Unicode.Scalar) -> Bool { ("0"..."9").contains(c) }

private func isIdentifierStart(_ c: Unicode.Scalar) -> Bool {
    c == "_" || ("a"..."z").contains(c) || ("A"..."Z").contains(c) || (c.value > 127 && c.properties.isXIDStart)
}

private func isIdentifierContinue(_ c: Unicode.Scalar) -> Bool {
    isIdentifierStart(c) || isDigit(c) || (c.value > 127 && c.properties.isXIDContinue)
}
