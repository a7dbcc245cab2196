/// How a statement ended.
enum Flow {
    case normal
    case breakLoop
    case continueLoop
    case returned(Value)
}

/// Executes one parsed program. Single-use and single-threaded; it holds all of a run's state.
final class Interpreter {
    let limits: ProgramLimits
    let formatter: ValueFormatter
    let stack: StackGuard
    let globals = Scope(parent: nil, locals: [])
    var output: Output
    private var steps = 0
    private var work = 0
    private var allocated = 0
    private var callDepth = 0
    /// The global name most recently bound by an assignment (plain or augmented) in global scope.
    private var lastGlobalAssigned: String?
    /// Scopes that function values close over: cleared at the end to break reference cycles.
    private var capturedScopes: [Scope] = []

    init(limits: ProgramLimits, stack: StackGuard) {
        self.limits = limits
        self.stack = stack
        formatter = ValueFormatter(limit: limits.maxSequenceLength)
        output = Output(maxCharacters: limits.maxOutputCharacters, maxLines: limits.maxOutputLines)
        capturedScopes.append(globals)
    }

    /// Runs the program and reports its output and final globals.
    func run(_ program: [Stmt]) throws(ProgramError) -> ProgramRun {
        defer { releaseScopes() }
        _ = try execute(program, in: globals)
        // Shared sublists are copied into the value tree, so conversion gets a budget; globals that exceed
        // what is left are left out. `answer` goes first so that it is reported whenever possible.
        var budget = limits.maxTotalElements
        var values: [String: ProgramValue] = [:]
        for name in globals.values.keys.sorted(by: { ($0 == "answer" ? 0 : 1, $0) < ($1 == "answer" ? 0 : 1, $1) }) {
            guard let value = globals.values[name] else { continue }
            var allowance = budget
            if let converted = try? ProgramValue(value, budget: &allowance, formatter: formatter) {
                values[name] = converted
            }
            budget = max(allowance, 0)
        }
        return ProgramRun(printed: output.allLines, globals: values, steps: steps,
                          lastAssigned: lastGlobalAssigned.flatMap { values[$0] == nil ? nil : $0 })
    }

    private func releaseScopes() {
        for scope in capturedScopes { scope.values.removeAll() }
        capturedScopes.removeAll()
    }

    // MARK: Budgets

    /// Counts one step: a statement, loop iteration or call.
    func step() throws(ProgramError) {
        guard steps < limits.maxSteps else { throw stepLimitError }
        steps += 1
    }

    /// Counts work on `elements` elements of a bulk operation: one step per 10.
    func charge(_ elements: Int) throws(ProgramError) {
        work += min(max(elements, 0), 1 << 40)
        guard work >= 10 else { return }
        let extra = work / 10
        work %= 10
        guard extra <= limits.maxSteps - steps else {
            steps = limits.maxSteps
            throw stepLimitError
        }
        steps += extra
    }

    private var stepLimitError: ProgramError {
        ProgramError(kind: .stepLimit, message: "the program ran more than \(limits.maxSteps) steps")
    }

    /// Checks that a new string or sequence of `count` elements fits the limits, and counts it.
    func allocate(_ count: Int) throws(ProgramError) {
        try checkLength(count)
        guard count <= limits.maxTotalElements - allocated else {
            throw .memory("the program allocated more than \(limits.maxTotalElements) elements in total")
        }
        allocated += count
        try charge(count)
    }

    /// Checks that a string or sequence of `count` elements would fit the per-value limit.
    func checkLength(_ count: Int) throws(ProgramError) {
        guard count <= limits.maxSequenceLength else {
            throw .memory("a list, tuple or string of \(count) elements exceeds the limit of \(limits.maxSequenceLength)")
        }
    }

    func makeList(_ items: [Value]) throws(ProgramError) -> Value {
        try allocate(items.count)
        return .list(ListBox(items, depth: try checkedDepth(items)))
    }

    func makeTuple(_ items: [Value]) throws(ProgramError) -> Value {
        try allocate(items.count)
        return .tuple(TupleValue(items: items, depth: try checkedDepth(items)))
    }

    func makeString(_ text: String) throws(ProgramError) -> Value {
        try allocate(text.utf8.count)
        return .str(text)
    }

    private func checkedDepth(_ items: [Value]) throws(ProgramError) -> Int {
        let depth = containerDepth(items)
        guard depth <= limits.maxNestingDepth else {
            throw .depth("lists or tuples nested more than \(limits.maxNestingDepth) deep")
        }
        return depth
    }

    // MARK: Statements

    func execute(_ block: [Stmt], in scope: Scope) throws(ProgramError) -> Flow {
        for statement in block {
            let flow = try execute(statement, in: scope)
            if case .normal = flow { continue }
            return flow
        }
        return .normal
    }

    private func execute(_ statement: Stmt, in scope: Scope) throws(ProgramError) -> Flow {
        do throws(ProgramError) {
            try stack.check()
            try step()
            return try perform(statement, in: scope)
        } catch {
            throw error.at(line: statement.line)
        }
    }

    private func perform(_ statement: Stmt, in scope: Scope) throws(ProgramError) -> Flow {
        switch statement.kind {
        case .expression(let expr):
            _ = try eval(expr, scope)
        case .assign(let targets, let valueExpr):
            let value = try eval(valueExpr, scope)
            for target in targets { try assign(target, value, scope) }
        case .augmented(let target, let op, let valueExpr):
            try augment(target, op, valueExpr, scope)
        case .branches(let branches, let otherwise):
            for (condition, body) in branches where try eval(condition, scope).isTruthy {
                return try execute(body, in: scope)
            }
            return try execute(otherwise, in: scope)
        case .forLoop(let target, let iterableExpr, let body, let otherwise):
            let iterable = try eval(iterableExpr, scope)
            var exit: Flow?
            try iterate(iterable) { item throws(ProgramError) in
                try step()
                try assign(target, item, scope)
                switch try execute(body, in: scope) {
                case .breakLoop:
                    exit = .normal
                    return false
                case .returned(let value):
                    exit = .returned(value)
                    return false
                case .normal, .continueLoop:
                    return true
                }
            }
            if let exit { return exit }
            return try execute(otherwise, in: scope)
        case .whileLoop(let condition, let body, let otherwise):
            while try eval(condition, scope).isTruthy {
                try step()
                switch try execute(body, in: scope) {
                case .breakLoop: return .normal
                case .returned(let value): return .returned(value)
                case .normal, .continueLoop: continue
                }
            }
            return try execute(otherwise, in: scope)
        case .breakLoop:
            return .breakLoop
        case .continueLoop:
            return .continueLoop
        case .pass:
            break
        case .returnValue(let expr):
            return .returned(try expr.map { (e) throws(ProgramError) in try eval(e, scope) } ?? .none)
        case .function(let definition):
            var defaults: [Value?] = []
            for parameter in definition.parameters {
                defaults.append(try parameter.defaultValue.map { (e) throws(ProgramError) in try eval(e, scope) })
            }
            if capturedScopes.last !== scope { capturedScopes.append(scope) }
            scope.values[definition.name] = .function(Function(definition: definition, defaults: defaults, closure: scope))
        case .importMath(let bindings):
            for binding in bindings {
                scope.values[binding.alias] = binding.member.flatMap { mathMembers[$0]?.value } ?? .module
            }
        case .assert(let condition, let message):
            if !(try eval(condition, scope).isTruthy) {
                let detail = try message.map { (e) throws(ProgramError) in try formatter.str(try eval(e, scope)) }
                throw .runtime("AssertionError" + (detail.map { ": " + $0 } ?? ""))
            }
        }
        return .normal
    }

    // MARK: Assignment

    func assign(_ target: Target, _ value: Value, _ scope: Scope) throws(ProgramError) {
        switch target {
        case .name(let name):
            scope.values[name] = value
            if scope === globals { lastGlobalAssigned = name }
        case .subscripted(let baseExpr, let indexExpr):
            let container = try eval(baseExpr, scope)
            let index = try eval(indexExpr, scope)
            try storeItem(container, index, value)
        case .sequence(let targets):
            if case .range(let r) = value, r.count != targets.count {
                throw unpackError(found: r.count, expected: targets.count)
            }
            let items = try elements(of: value)
            guard items.count == targets.count else { throw unpackError(found: items.count, expected: targets.count) }
            for (target, item) in zip(targets, items) { try assign(target, item, scope) }
        }
    }

    private func unpackError(found: Int, expected: Int) -> ProgramError {
        .runtime(found > expected
            ? "too many values to unpack (expected \(expected))"
            : "not enough values to unpack (expected \(expected), got \(found))")
    }

    /// `container[index] = value` on a list. Only scalars (or the element itself) may be stored, so lists never nest cyclically.
    private func storeItem(_ container: Value, _ index: Value, _ value: Value) throws(ProgramError) {
        guard case .list(let box) = container else {
            throw .runtime("'\(container.typeName)' object does not support item assignment")
        }
        let position = try normalizedIndex(index, count: box.items.count, typeName: "list")
        if value.depth > 0 {
            if case .list(let new) = value, case .list(let old) = box.items[position], old === new { return }
            throw .unsupported("storing a list or tuple into a list element")
        }
        box.items[position] = value
    }

    private func augment(_ target: Target, _ op: BinaryOp, _ valueExpr: Expr, _ scope: Scope) throws(ProgramError) {
        switch target {
        case .name(let name):
            let current = try lookup(name, scope)
            let value = try eval(valueExpr, scope)
            scope.values[name] = try inPlace(op, current, value)
            if scope === globals { lastGlobalAssigned = name }
        case .subscripted(let baseExpr, let indexExpr):
            let container = try eval(baseExpr, scope)
            let index = try eval(indexExpr, scope)
            let current = try item(container, index)
            let value = try eval(valueExpr, scope)
            try storeItem(container, index, try inPlace(op, current, value))
        case .sequence:
            throw .syntax("illegal expression for augmented assignment")
        }
    }

    /// `+=` and `*=` extend a list in place, as in Python; other operators rebind.
    private func inPlace(_ op: BinaryOp, _ current: Value, _ value: Value) throws(ProgramError) -> Value {
        guard case .list(let box) = current else { return try binary(op, current, value) }
        switch op {
        case .add:
            let extra = try elements(of: value)
            guard extra.allSatisfy({ $0.depth == 0 }) else { return try makeList(box.items + extra) }
            try checkLength(box.items.count + extra.count)
            try allocate(extra.count)
            box.items += extra
            return current
        case .multiply:
            let repeated = try repeatItems(box.items, try value.integerNumber())
            try allocate(repeated.count)
            box.items = repeated
            return current
        default:
            return try binary(op, current, value)
        }
    }

    // MARK: Calls

    func call(_ callee: Value, _ arguments: [Value], _ keywords: [(String, Value)]) throws(ProgramError) -> Value {
        try step()
        switch callee {
        case .builtin(let builtin):
            return try callBuiltin(builtin, arguments, keywords)
        case .function(let function):
            return try callFunction(function, arguments, keywords)
        default:
            throw .runtime("'\(callee.typeName)' object is not callable")
        }
    }

    private func callFunction(
        _ function: Function, _ arguments: [Value], _ keywords: [(String, Value)]
    ) throws(ProgramError) -> Value {
        let definition = function.definition
        let parameters = definition.parameters
        guard callDepth < limits.maxCallDepth else {
            throw .depth("maximum recursion depth (\(limits.maxCallDepth) calls) exceeded")
        }
        guard arguments.count <= parameters.count else {
            throw .runtime(
                "\(definition.name)() takes \(parameters.count) positional arguments but \(arguments.count) were given")
        }
        let local = Scope(parent: function.closure, locals: definition.locals)
        for (parameter, argument) in zip(parameters, arguments) {
            local.values[parameter.name] = argument
        }
        for (name, value) in keywords {
            guard let position = parameters.firstIndex(where: { $0.name == name }) else {
                throw .runtime("\(definition.name)() got an unexpected keyword argument '\(name)'")
            }
            guard position >= arguments.count else {
                throw .runtime("\(definition.name)() got multiple values for argument '\(name)'")
            }
            local.values[name] = value
        }
        for (position, parameter) in parameters.enumerated() where local.values[parameter.name] == nil {
            guard let fallback = function.defaults[position] else {
                throw .runtime("\(definition.name)() missing required argument: '\(parameter.name)'")
            }
            local.values[parameter.name] = fallback
        }
        callDepth += 1
        defer { callDepth -= 1 }
        if case .returned(let value) = try execute(definition.body, in: local) { return value }
        return .none
    }
}
