extension Interpreter {
    /// Evaluates an expression; errors without a line get this expression's line.
    func eval(_ expr: Expr, _ scope: Scope) throws(ProgramError) -> Value {
        do throws(ProgramError) {
            try stack.check()
            return try evaluate(expr, scope)
        } catch {
            throw error.at(line: expr.line)
        }
    }

    private func evaluate(_ expr: Expr, _ scope: Scope) throws(ProgramError) -> Value {
        switch expr.kind {
        case .literal(let value):
            return value
        case .name(let name):
            return try lookup(name, scope)
        case .formatted(let pieces):
            return try formatted(pieces, scope)
        case .list(let items):
            return try makeList(try evalAll(items, scope))
        case .tuple(let items):
            return try makeTuple(try evalAll(items, scope))
        case .comprehension(let element, let clauses):
            return try comprehension(element, clauses, scope)
        case .unary(let op, let operandExpr):
            let operand = try eval(operandExpr, scope)
            switch op {
            case .not: return .bool(!operand.isTruthy)
            case .negate: return try Arithmetic.negate(operand)
            case .plus: return try Arithmetic.plus(operand)
            }
        case .arithmetic(let first, let rest):
            var result = try eval(first, scope)
            for (op, operandExpr) in rest {
                result = try binary(op, result, try eval(operandExpr, scope))
            }
            return result
        case .power(let base, let exponent):
            return try binary(.power, try eval(base, scope), try eval(exponent, scope))
        case .logical(let isAnd, let operands):
            var result = Value.none
            for operand in operands {
                result = try eval(operand, scope)
                if result.isTruthy != isAnd { return result }
            }
            return result
        case .comparison(let first, let rest):
            var left = try eval(first, scope)
            for (op, rightExpr) in rest {
                let right = try eval(rightExpr, scope)
                guard try compare(op, left, right) else { return .bool(false) }
                left = right
            }
            return .bool(true)
        case .conditional(let test, let then, let otherwise):
            return try eval(try eval(test, scope).isTruthy ? then : otherwise, scope)
        case .call(let calleeExpr, let argumentExprs, let keywordExprs):
            let callee = try eval(calleeExpr, scope)
            let arguments = try evalAll(argumentExprs, scope)
            var keywords: [(String, Value)] = []
            for (name, valueExpr) in keywordExprs { keywords.append((name, try eval(valueExpr, scope))) }
            return try call(callee, arguments, keywords)
        case .attribute(let base, let name):
            return try attribute(base, name, scope)
        case .subscripted(let baseExpr, let indexExpr):
            let base = try eval(baseExpr, scope)
            guard case .slice(let lower, let upper, let step) = indexExpr.kind else {
                return try item(base, try eval(indexExpr, scope))
            }
            return try slice(base, try evalOptional(lower, scope), try evalOptional(upper, scope), try evalOptional(step, scope))
        case .slice:
            throw .syntax("a slice is only allowed inside []")
        }
    }

    private func evalAll(_ exprs: [Expr], _ scope: Scope) throws(ProgramError) -> [Value] {
        var values: [Value] = []
        values.reserveCapacity(exprs.count)
        for expr in exprs { values.append(try eval(expr, scope)) }
        return values
    }

    private func evalOptional(_ expr: Expr?, _ scope: Scope) throws(ProgramError) -> Value {
        guard let expr else { return .none }
        return try eval(expr, scope)
    }

    /// Resolves a name through the scope chain, then the builtins.
    func lookup(_ name: String, _ scope: Scope) throws(ProgramError) -> Value {
        var current: Scope? = scope
        while let level = current {
            if let value = level.values[name] { return value }
            if level.locals.contains(name) {
                throw .runtime("local variable '\(name)' referenced before assignment")
            }
            current = level.parent
        }
        if let function = coreFunctions[name] { return .builtin(.core(function)) }
        if name == "__name__" { return .str("__main__") }
        if unavailableBuiltins.contains(name) { throw .unsupported("`\(name)` is not available") }
        throw .runtime("name '\(name)' is not defined")
    }

    /// Only `math.<member>` is allowed; any other attribute access is unsupported.
    private func attribute(_ base: Expr, _ name: String, _ scope: Scope) throws(ProgramError) -> Value {
        guard case .name(let moduleName) = base.kind, case .module? = try? lookup(moduleName, scope) else {
            throw .unsupported("attribute access `.\(name)` (only math.* is allowed)")
        }
        guard let member = mathMembers[name] else { throw .unsupported("math.\(name) is not available") }
        return member.value
    }

    private func formatted(_ pieces: [FormattedPiece], _ scope: Scope) throws(ProgramError) -> Value {
        var text = ""
        for piece in pieces {
            switch piece {
            case .text(let literal):
                text += literal
            case .field(let expr, let conversion, let spec):
                var value = try eval(expr, scope)
                if let conversion {
                    value = .str(conversion == "s" ? try formatter.str(value) : try formatter.repr(value))
                }
                if spec.isEmpty {
                    text += try formatter.str(value)
                } else {
                    text += try FormatSpec(parsing: spec).format(value, formatter: formatter)
                }
            }
            try formatter.check(text)
        }
        return try makeString(text)
    }

    /// A list comprehension (generator expressions are evaluated the same way) in its own scope.
    private func comprehension(_ element: Expr, _ clauses: [ComprehensionClause], _ scope: Scope) throws(ProgramError) -> Value {
        var names = Set<String>()
        for case .loop(let target, _) in clauses { collectNames(target, into: &names) }
        let inner = Scope(parent: scope, locals: names)
        var results: [Value] = []
        func run(_ index: Int) throws(ProgramError) {
            guard index < clauses.count else {
                try checkLength(results.count + 1)
                results.append(try eval(element, inner))
                return
            }
            switch clauses[index] {
            case .loop(let target, let iterableExpr):
                let iterable = try eval(iterableExpr, index == 0 ? scope : inner)
                try iterate(iterable) { item throws(ProgramError) in
                    try step()
                    try assign(target, item, inner)
                    try run(index + 1)
                    return true
                }
            case .filter(let condition):
                if try eval(condition, inner).isTruthy { try run(index + 1) }
            }
        }
        try run(0)
        return try makeList(results)
    }

    private func collectNames(_ target: Target, into names: inout Set<String>) {
        switch target {
        case .name(let name): names.insert(name)
        case .subscripted: break
        case .sequence(let items): for item in items { collectNames(item, into: &names) }
        }
    }
}
