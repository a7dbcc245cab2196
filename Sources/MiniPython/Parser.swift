/// Recursive-descent parser for the supported Python subset. Every recursive step counts against
/// `maxNesting`, so hostile input like `((((…` ends in a `depthLimit` error, not a stack overflow.
struct Parser {
    private let tokens: [Token]
    private let maxNesting: Int
    private let stack: StackGuard
    private var index = 0
    private var depth: Int
    private var loopDepth = 0
    private var inFunction = false

    /// Parses a whole program.
    static func parseProgram(_ source: String, maxNesting: Int, stack: StackGuard) throws(ProgramError) -> [Stmt] {
        let tokens = try Lexer.tokenize(source, maxNesting: maxNesting)
        var parser = Parser(tokens: tokens, maxNesting: maxNesting, depth: 0, stack: stack)
        var program: [Stmt] = []
        while parser.current.kind != .end {
            program += try parser.parseStatement()
        }
        return program
    }

    private init(tokens: [Token], maxNesting: Int, depth: Int, stack: StackGuard) {
        self.tokens = tokens
        self.maxNesting = maxNesting
        self.depth = depth
        self.stack = stack
    }

    // MARK: Tokens

    private var current: Token { tokens[index] }

    private var next: Token { tokens[min(index + 1, tokens.count - 1)] }

    @discardableResult
    private mutating func advance() -> Token {
        let token = tokens[index]
        if index < tokens.count - 1 { index += 1 }
        return token
    }

    private func isOp(_ op: String) -> Bool { current.kind == .op(op) }

    private func isKeyword(_ word: String) -> Bool { current.kind == .keyword(word) }

    private mutating func accept(_ op: String) -> Bool {
        guard isOp(op) else { return false }
        advance()
        return true
    }

    private mutating func acceptKeyword(_ word: String) -> Bool {
        guard isKeyword(word) else { return false }
        advance()
        return true
    }

    private mutating func expect(_ op: String) throws(ProgramError) {
        guard accept(op) else { throw unexpected(expecting: "'\(op)'") }
    }

    private mutating func expectKeyword(_ word: String) throws(ProgramError) {
        guard acceptKeyword(word) else { throw unexpected(expecting: "'\(word)'") }
    }

    private mutating func expectName() throws(ProgramError) -> String {
        guard case .name(let name) = current.kind else { throw unexpected(expecting: "a name") }
        advance()
        return name
    }

    private func unexpected(expecting: String? = nil) -> ProgramError {
        let found: String
        switch current.kind {
        case .name(let name): found = "name '\(name)'"
        case .keyword(let word): found = "'\(word)'"
        case .int, .float: found = "a number"
        case .string, .fstring: found = "a string"
        case .op(let op): found = "'\(op)'"
        case .newline: found = "end of line"
        case .indent: found = "unexpected indent"
        case .dedent: found = "unexpected dedent"
        case .end: found = "end of input"
        }
        let message = expecting.map { "invalid syntax: expected \($0), found \(found)" } ?? "invalid syntax at \(found)"
        return .syntax(message, line: current.line)
    }

    private mutating func enter() throws(ProgramError) {
        try stack.check()
        depth += 1
        if depth > maxNesting {
            throw .depth("code nested more than \(maxNesting) levels deep", line: current.line)
        }
    }

    private mutating func leave() { depth -= 1 }

    // MARK: Statements

    private mutating func parseStatement() throws(ProgramError) -> [Stmt] {
        let line = current.line
        switch current.kind {
        case .keyword("if"):
            return [try parseIf()]
        case .keyword("for"):
            advance()
            let target = try parseTargetList()
            try expectKeyword("in")
            let iterable = try parseExpressionList()
            let (body, otherwise) = try parseLoopBodies()
            return [Stmt(kind: .forLoop(target, iterable, body: body, otherwise: otherwise), line: line)]
        case .keyword("while"):
            advance()
            let condition = try parseExpression()
            let (body, otherwise) = try parseLoopBodies()
            return [Stmt(kind: .whileLoop(condition, body: body, otherwise: otherwise), line: line)]
        case .keyword("def"):
            return [try parseFunction()]
        case .keyword(let word) where ["class", "try", "with", "async", "except", "finally"].contains(word):
            throw .unsupported("`\(word)` statements", line: line)
        case .op("@"):
            throw .unsupported("decorators", line: line)
        case .indent:
            throw .syntax("unexpected indent", line: line)
        case .newline:
            advance()
            return []
        default:
            return try parseSimpleLine()
        }
    }

    private mutating func parseSimpleLine() throws(ProgramError) -> [Stmt] {
        var statements = [try parseSimple()]
        while accept(";") {
            if current.kind == .newline || current.kind == .end { break }
            statements.append(try parseSimple())
        }
        guard current.kind == .newline || current.kind == .end else { throw unexpected(expecting: "end of line") }
        advance()
        return statements
    }

    private mutating func parseSimple() throws(ProgramError) -> Stmt {
        let line = current.line
        switch current.kind {
        case .keyword("pass"):
            advance()
            return Stmt(kind: .pass, line: line)
        case .keyword("break"), .keyword("continue"):
            let isBreak = isKeyword("break")
            guard loopDepth > 0 else { throw .syntax("'\(isBreak ? "break" : "continue")' outside loop", line: line) }
            advance()
            return Stmt(kind: isBreak ? .breakLoop : .continueLoop, line: line)
        case .keyword("return"):
            guard inFunction else { throw .syntax("'return' outside function", line: line) }
            advance()
            let value = current.kind == .newline || current.kind == .end || isOp(";") ? nil : try parseExpressionList()
            return Stmt(kind: .returnValue(value), line: line)
        case .keyword("import"), .keyword("from"):
            return try parseImport()
        case .keyword("assert"):
            advance()
            let condition = try parseExpression()
            let message = accept(",") ? try parseExpression() : nil
            return Stmt(kind: .assert(condition, message: message), line: line)
        case .keyword(let word) where ["global", "nonlocal", "del", "raise", "yield", "class", "try", "with",
                                       "async", "await", "lambda"].contains(word):
            throw .unsupported("`\(word)`", line: line)
        default:
            break
        }
        let first = try parseExpressionList()
        if isOp("=") {
            var parts = [first]
            while accept("=") {
                parts.append(try parseExpressionList())
            }
            let value = parts.removeLast()
            var targets: [Target] = []
            for part in parts { targets.append(try target(from: part)) }
            return Stmt(kind: .assign(targets, value), line: line)
        }
        if case .op(let op) = current.kind, let binary = augmentedOperators[op] {
            advance()
            let target = try target(from: first)
            if case .sequence = target {
                throw .syntax("illegal expression for augmented assignment", line: line)
            }
            return Stmt(kind: .augmented(target, binary, try parseExpressionList()), line: line)
        }
        if case .op(let op) = current.kind, ["&=", "|=", "^=", ">>=", "<<=", "@="].contains(op) {
            throw .unsupported("operator `\(op)`", line: line)
        }
        if accept(":") {
            let target = try target(from: first)
            if case .sequence = target {
                throw .syntax("only single target (not tuple) can be annotated", line: line)
            }
            _ = try parseExpression()
            guard accept("=") else { return Stmt(kind: .pass, line: line) }
            return Stmt(kind: .assign([target], try parseExpressionList()), line: line)
        }
        return Stmt(kind: .expression(first), line: line)
    }

    private mutating func parseImport() throws(ProgramError) -> Stmt {
        let line = current.line
        var bindings: [(member: String?, alias: String)] = []
        if acceptKeyword("import") {
            repeat {
                let module = try parseDottedName()
                guard module == "math" else {
                    throw .unsupported("import of module '\(module)' (only math is available)", line: line)
                }
                bindings.append((nil, acceptKeyword("as") ? try expectName() : module))
            } while accept(",")
        } else {
            advance()
            if isOp(".") || isOp("...") { throw .unsupported("relative imports", line: line) }
            let module = try parseDottedName()
            guard module == "math" else {
                throw .unsupported("import from module '\(module)' (only math is available)", line: line)
            }
            try expectKeyword("import")
            if accept("*") {
                for member in mathMembers.keys.sorted() { bindings.append((member, member)) }
            } else {
                let parenthesized = accept("(")
                repeat {
                    if parenthesized && isOp(")") { break }
                    let member = try expectName()
                    guard mathMembers[member] != nil else { throw .unsupported("math.\(member) is not available", line: line) }
                    bindings.append((member, acceptKeyword("as") ? try expectName() : member))
                } while accept(",")
                if parenthesized { try expect(")") }
            }
        }
        return Stmt(kind: .importMath(bindings), line: line)
    }

    private mutating func parseDottedName() throws(ProgramError) -> String {
        var name = try expectName()
        while accept(".") { name += "." + (try expectName()) }
        return name
    }

    private mutating func parseIf() throws(ProgramError) -> Stmt {
        let line = current.line
        advance()
        var branches: [(Expr, [Stmt])] = []
        let condition = try parseExpression()
        branches.append((condition, try parseBlock()))
        var otherwise: [Stmt] = []
        while true {
            if acceptKeyword("elif") {
                let condition = try parseExpression()
                branches.append((condition, try parseBlock()))
            } else {
                if acceptKeyword("else") { otherwise = try parseBlock() }
                break
            }
        }
        return Stmt(kind: .branches(branches, otherwise: otherwise), line: line)
    }

    private mutating func parseLoopBodies() throws(ProgramError) -> ([Stmt], [Stmt]) {
        loopDepth += 1
        let body = try parseBlock()
        loopDepth -= 1
        let otherwise = acceptKeyword("else") ? try parseBlock() : []
        return (body, otherwise)
    }

    private mutating func parseFunction() throws(ProgramError) -> Stmt {
        let line = current.line
        advance()
        let name = try expectName()
        try expect("(")
        var parameters: [Parameter] = []
        while !isOp(")") {
            if isOp("*") || isOp("**") || isOp("/") {
                throw .unsupported("`*args`, `**kwargs` and positional-only markers", line: current.line)
            }
            let parameter = try expectName()
            if parameters.contains(where: { $0.name == parameter }) {
                throw .syntax("duplicate argument '\(parameter)' in function definition", line: line)
            }
            if accept(":") { _ = try parseExpression() }
            let defaultValue = accept("=") ? try parseExpression() : nil
            if defaultValue == nil, parameters.last?.defaultValue != nil {
                throw .syntax("parameter without a default follows parameter with a default", line: line)
            }
            parameters.append(Parameter(name: parameter, defaultValue: defaultValue))
            if !accept(",") { break }
        }
        try expect(")")
        if accept("->") { _ = try parseExpression() }
        let savedLoopDepth = loopDepth
        let savedInFunction = inFunction
        loopDepth = 0
        inFunction = true
        let body = try parseBlock()
        loopDepth = savedLoopDepth
        inFunction = savedInFunction
        var locals = Set(parameters.map(\.name))
        collectLocals(body, into: &locals)
        let definition = FunctionDefinition(name: name, parameters: parameters, body: body, locals: locals)
        return Stmt(kind: .function(definition), line: line)
    }

    /// `: NEWLINE INDENT statements DEDENT`, or `: simple; statements` on the same line.
    private mutating func parseBlock() throws(ProgramError) -> [Stmt] {
        try expect(":")
        try enter()
        defer { leave() }
        guard current.kind == .newline else {
            return try parseSimpleLine()
        }
        advance()
        guard current.kind == .indent else { throw .syntax("expected an indented block", line: current.line) }
        advance()
        var body: [Stmt] = []
        while current.kind != .dedent && current.kind != .end {
            body += try parseStatement()
        }
        advance()
        return body
    }

    // MARK: Targets

    /// `x`, `a, b`, `(a, b), c`, `lst[i]` before `in` in a `for`.
    private mutating func parseTargetList() throws(ProgramError) -> Target {
        var items = [try target(from: try parsePostfix())]
        var isSequence = false
        while accept(",") {
            isSequence = true
            if isKeyword("in") || isOp("=") { break }
            items.append(try target(from: try parsePostfix()))
        }
        return isSequence ? .sequence(items) : items[0]
    }

    private func target(from expr: Expr) throws(ProgramError) -> Target {
        switch expr.kind {
        case .name(let name):
            return .name(name)
        case .subscripted(let base, let index):
            if case .slice = index.kind { throw .unsupported("slice assignment", line: expr.line) }
            return .subscripted(base, index)
        case .tuple(let items), .list(let items):
            var targets: [Target] = []
            for item in items { targets.append(try target(from: item)) }
            return .sequence(targets)
        case .attribute(_, let name):
            throw .unsupported("attribute assignment `.\(name)`", line: expr.line)
        default:
            throw .syntax("cannot assign to expression", line: expr.line)
        }
    }

    // MARK: Expressions

    private func startsExpression(_ kind: TokenKind) -> Bool {
        switch kind {
        case .name, .int, .float, .string, .fstring: true
        case .keyword(let word): ["True", "False", "None", "not", "lambda", "await", "yield"].contains(word)
        case .op(let op): ["(", "[", "{", "-", "+", "~", "...", "*"].contains(op)
        default: false
        }
    }

    /// One expression, or several separated by commas (a tuple).
    private mutating func parseExpressionList() throws(ProgramError) -> Expr {
        let first = try parseExpression()
        guard isOp(",") else { return first }
        var items = [first]
        while accept(",") {
            if !startsExpression(current.kind) { break }
            items.append(try parseExpression())
        }
        return Expr(kind: .tuple(items), line: first.line)
    }

    private mutating func parseExpression() throws(ProgramError) -> Expr {
        try enter()
        defer { leave() }
        if isKeyword("lambda") { throw .unsupported("`lambda`", line: current.line) }
        let value = try parseOr()
        if isOp(":=") { throw .unsupported("assignment expressions (`:=`)", line: current.line) }
        guard acceptKeyword("if") else { return value }
        let test = try parseOr()
        try expectKeyword("else")
        let otherwise = try parseExpression()
        return Expr(kind: .conditional(test: test, then: value, otherwise: otherwise), line: value.line)
    }

    private mutating func parseOr() throws(ProgramError) -> Expr {
        let first = try parseAnd()
        guard isKeyword("or") else { return first }
        var operands = [first]
        while acceptKeyword("or") { operands.append(try parseAnd()) }
        return Expr(kind: .logical(isAnd: false, operands), line: first.line)
    }

    private mutating func parseAnd() throws(ProgramError) -> Expr {
        let first = try parseNot()
        guard isKeyword("and") else { return first }
        var operands = [first]
        while acceptKeyword("and") { operands.append(try parseNot()) }
        return Expr(kind: .logical(isAnd: true, operands), line: first.line)
    }

    private mutating func parseNot() throws(ProgramError) -> Expr {
        let line = current.line
        guard acceptKeyword("not") else { return try parseComparison() }
        try enter()
        defer { leave() }
        return Expr(kind: .unary(.not, try parseNot()), line: line)
    }

    private mutating func comparisonOperator() -> ComparisonOp? {
        switch current.kind {
        case .op(let op):
            guard let comparison = ComparisonOp(rawValue: op), comparison != .isIn else { return nil }
            advance()
            return comparison
        case .keyword("in"):
            advance()
            return .isIn
        case .keyword("not") where next.kind == .keyword("in"):
            advance()
            advance()
            return .notIn
        case .keyword("is"):
            advance()
            return acceptKeyword("not") ? .isNotSame : .isSame
        default:
            return nil
        }
    }

    private mutating func parseComparison() throws(ProgramError) -> Expr {
        let first = try parseSum()
        var rest: [(ComparisonOp, Expr)] = []
        while let op = comparisonOperator() {
            rest.append((op, try parseSum()))
        }
        return rest.isEmpty ? first : Expr(kind: .comparison(first, rest), line: first.line)
    }

    private mutating func parseSum() throws(ProgramError) -> Expr {
        let first = try parseTerm()
        var rest: [(BinaryOp, Expr)] = []
        while true {
            if isOp("+") || isOp("-") {
                let op: BinaryOp = isOp("+") ? .add : .subtract
                advance()
                rest.append((op, try parseTerm()))
            } else if case .op(let op) = current.kind, ["|", "&", "^", "<<", ">>"].contains(op) {
                throw .unsupported("bitwise operator `\(op)`", line: current.line)
            } else {
                break
            }
        }
        return rest.isEmpty ? first : Expr(kind: .arithmetic(first, rest), line: first.line)
    }

    private mutating func parseTerm() throws(ProgramError) -> Expr {
        let first = try parseUnary()
        var rest: [(BinaryOp, Expr)] = []
        while case .op(let text) = current.kind {
            if text == "@" { throw .unsupported("matrix multiplication `@`", line: current.line) }
            guard let op = BinaryOp(rawValue: text), [.multiply, .divide, .floorDivide, .modulo].contains(op) else { break }
            advance()
            rest.append((op, try parseUnary()))
        }
        return rest.isEmpty ? first : Expr(kind: .arithmetic(first, rest), line: first.line)
    }

    private mutating func parseUnary() throws(ProgramError) -> Expr {
        let line = current.line
        let op: UnaryOp
        switch current.kind {
        case .op("-"): op = .negate
        case .op("+"): op = .plus
        case .op("~"): throw .unsupported("bitwise operator `~`", line: line)
        default: return try parsePower()
        }
        advance()
        try enter()
        defer { leave() }
        return Expr(kind: .unary(op, try parseUnary()), line: line)
    }

    private mutating func parsePower() throws(ProgramError) -> Expr {
        if isKeyword("await") { throw .unsupported("`await`", line: current.line) }
        let base = try parsePostfix()
        guard accept("**") else { return base }
        try enter()
        defer { leave() }
        return Expr(kind: .power(base, try parseUnary()), line: base.line)
    }

    private mutating func parsePostfix() throws(ProgramError) -> Expr {
        var expr = try parseAtom()
        var trailers = 0
        defer { depth -= trailers }
        while true {
            let line = current.line
            if accept("(") {
                try enter()
                trailers += 1
                expr = try parseCall(expr)
            } else if accept("[") {
                try enter()
                trailers += 1
                let index = try parseSubscriptIndex()
                try expect("]")
                expr = Expr(kind: .subscripted(expr, index), line: line)
            } else if accept(".") {
                try enter()
                trailers += 1
                expr = Expr(kind: .attribute(expr, try expectName()), line: line)
            } else {
                return expr
            }
        }
    }

    private mutating func parseCall(_ callee: Expr) throws(ProgramError) -> Expr {
        var arguments: [Expr] = []
        var keywords: [(String, Expr)] = []
        while !isOp(")") {
            if isOp("*") || isOp("**") { throw .unsupported("`*` and `**` arguments", line: current.line) }
            if case .name(let name) = current.kind, next.kind == .op("=") {
                advance()
                advance()
                if keywords.contains(where: { $0.0 == name }) {
                    throw .syntax("keyword argument repeated: \(name)", line: current.line)
                }
                keywords.append((name, try parseExpression()))
            } else {
                guard keywords.isEmpty else { throw .syntax("positional argument follows keyword argument", line: current.line) }
                let argument = try parseExpression()
                if isKeyword("for") {
                    arguments.append(try parseComprehension(argument))
                    guard isOp(")") else { throw .syntax("generator expression must be parenthesized", line: current.line) }
                    break
                }
                arguments.append(argument)
            }
            if !accept(",") { break }
        }
        try expect(")")
        return Expr(kind: .call(callee, arguments: arguments, keywords: keywords), line: callee.line)
    }

    private mutating func parseSubscriptIndex() throws(ProgramError) -> Expr {
        let line = current.line
        let lower = isOp(":") ? nil : try parseExpression()
        if isOp(",") { throw .unsupported("multi-dimensional subscripts", line: line) }
        guard accept(":") else {
            guard let lower else { throw unexpected() }
            return lower
        }
        let upper = isOp(":") || isOp("]") ? nil : try parseExpression()
        var step: Expr?
        if accept(":"), !isOp("]") { step = try parseExpression() }
        return Expr(kind: .slice(lower: lower, upper: upper, step: step), line: line)
    }

    /// The `for … in … if …` clauses after a comprehension's element.
    private mutating func parseComprehension(_ element: Expr) throws(ProgramError) -> Expr {
        var clauses: [ComprehensionClause] = []
        var entered = 0
        defer { depth -= entered }
        while true {
            if acceptKeyword("for") {
                try enter()
                entered += 1
                let target = try parseTargetList()
                try expectKeyword("in")
                clauses.append(.loop(target, try parseOr()))
            } else if acceptKeyword("if") {
                try enter()
                entered += 1
                clauses.append(.filter(try parseOr()))
            } else if isKeyword("async") {
                throw .unsupported("`async` comprehensions", line: current.line)
            } else {
                break
            }
        }
        return Expr(kind: .comprehension(element, clauses), line: element.line)
    }

    private mutating func parseAtom() throws(ProgramError) -> Expr {
        let line = current.line
        switch current.kind {
        case .name(let name):
            advance()
            return Expr(kind: .name(name), line: line)
        case .int(let value):
            advance()
            return Expr(kind: .literal(.int(value)), line: line)
        case .float(let value):
            advance()
            return Expr(kind: .literal(.float(value)), line: line)
        case .string, .fstring:
            return try parseStrings()
        case .keyword("True"), .keyword("False"):
            let value = isKeyword("True")
            advance()
            return Expr(kind: .literal(.bool(value)), line: line)
        case .keyword("None"):
            advance()
            return Expr(kind: .literal(.none), line: line)
        case .keyword(let word) where ["lambda", "yield", "await"].contains(word):
            throw .unsupported("`\(word)`", line: line)
        case .op("("):
            advance()
            if accept(")") { return Expr(kind: .tuple([]), line: line) }
            let first = try parseExpression()
            if isKeyword("for") {
                let comprehension = try parseComprehension(first)
                try expect(")")
                return comprehension
            }
            guard isOp(",") else {
                try expect(")")
                return first
            }
            var items = [first]
            while accept(",") {
                if isOp(")") { break }
                items.append(try parseExpression())
            }
            try expect(")")
            return Expr(kind: .tuple(items), line: line)
        case .op("["):
            advance()
            if accept("]") { return Expr(kind: .list([]), line: line) }
            let first = try parseExpression()
            if isKeyword("for") {
                let comprehension = try parseComprehension(first)
                try expect("]")
                return comprehension
            }
            var items = [first]
            while accept(",") {
                if isOp("]") { break }
                items.append(try parseExpression())
            }
            try expect("]")
            return Expr(kind: .list(items), line: line)
        case .op("{"):
            throw .unsupported("dict and set literals", line: line)
        case .op("..."):
            throw .unsupported("`...`", line: line)
        case .op("*"):
            throw .unsupported("starred expressions", line: line)
        default:
            throw unexpected()
        }
    }

    /// Adjacent string literals, concatenated; any f-string among them makes the result formatted.
    private mutating func parseStrings() throws(ProgramError) -> Expr {
        let line = current.line
        var pieces: [FormattedPiece] = []
        var isFormatted = false
        while true {
            if case .string(let text) = current.kind {
                pieces.append(.text(text))
            } else if case .fstring(let parts) = current.kind {
                isFormatted = true
                for part in parts {
                    switch part {
                    case .text(let text):
                        pieces.append(.text(text))
                    case .field(let source, let conversion, let spec):
                        pieces.append(.field(try parseField(source), conversion: conversion, spec: spec))
                    }
                }
            } else {
                break
            }
            advance()
        }
        guard isFormatted else {
            var text = ""
            for case .text(let part) in pieces { text += part }
            return Expr(kind: .literal(.str(text)), line: line)
        }
        return Expr(kind: .formatted(pieces), line: line)
    }

    /// Parses the expression of an f-string field, one nesting level deeper than the f-string.
    private mutating func parseField(_ source: String) throws(ProgramError) -> Expr {
        try enter()
        defer { leave() }
        let line = current.line
        let tokens = try Lexer.tokenizeExpression(source, line: line, maxNesting: max(0, maxNesting - depth))
        var parser = Parser(tokens: tokens, maxNesting: maxNesting, depth: depth, stack: stack)
        let expr = try parser.parseExpressionList()
        guard parser.current.kind == .end else { throw parser.unexpected(expecting: "'}' in f-string") }
        return expr
    }
}

private let augmentedOperators: [String: BinaryOp] = [
    "+=": .add, "-=": .subtract, "*=": .multiply, "/=": .divide, "//=": .floorDivide, "%=": .modulo, "**=": .power,
]

/// Adds the names a function body binds (its locals) to `names`; nested function bodies are not entered.
private func collectLocals(_ statements: [Stmt], into names: inout Set<String>) {
    func bind(_ target: Target) {
        switch target {
        case .name(let name): names.insert(name)
        case .subscripted: break
        case .sequence(let items): items.forEach(bind)
        }
    }
    for statement in statements {
        switch statement.kind {
        case .assign(let targets, _): targets.forEach(bind)
        case .augmented(let target, _, _): bind(target)
        case .forLoop(let target, _, let body, let otherwise):
            bind(target)
            collectLocals(body, into: &names)
            collectLocals(otherwise, into: &names)
        case .whileLoop(_, let body, let otherwise):
            collectLocals(body, into: &names)
            collectLocals(otherwise, into: &names)
        case .branches(let branches, let otherwise):
            for (_, body) in branches { collectLocals(body, into: &names) }
            collectLocals(otherwise, into: &names)
        case .function(let definition): names.insert(definition.name)
        case .importMath(let bindings): for binding in bindings { names.insert(binding.alias) }
        case .expression, .breakLoop, .continueLoop, .pass, .returnValue, .assert: break
        }
    }
}
