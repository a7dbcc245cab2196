/// A run-time value. Lists are shared references, as in Python; everything else is a value.
enum Value {
    case int(Int)
    case float(Double)
    case bool(Bool)
    case str(String)
    case list(ListBox)
    case tuple(TupleValue)
    case none
    /// A lazy `range(...)`: iterating it never allocates.
    case range(IntRange)
    case function(Function)
    case builtin(Builtin)
    /// The `math` module.
    case module

    var typeName: String {
        switch self {
        case .int: "int"
        case .float: "float"
        case .bool: "bool"
        case .str: "str"
        case .list: "list"
        case .tuple: "tuple"
        case .none: "NoneType"
        case .range: "range"
        case .function: "function"
        case .builtin: "builtin_function_or_method"
        case .module: "module"
        }
    }

    /// Python truthiness.
    var isTruthy: Bool {
        switch self {
        case .int(let i): i != 0
        case .float(let d): d != 0
        case .bool(let b): b
        case .str(let s): !s.isEmpty
        case .list(let l): !l.items.isEmpty
        case .tuple(let t): !t.items.isEmpty
        case .none: false
        case .range(let r): r.count > 0
        case .function, .builtin, .module: true
        }
    }

    /// How many lists/tuples deep this value nests (0 for scalars).
    var depth: Int {
        switch self {
        case .list(let l): l.depth
        case .tuple(let t): t.depth
        default: 0
        }
    }

    /// The value as an integer, if it is an int or a bool.
    var integer: Int? {
        switch self {
        case .int(let i): i
        case .bool(let b): b ? 1 : 0
        default: nil
        }
    }

    /// The value as a float, if it is a number (int, bool or float).
    var double: Double? {
        switch self {
        case .float(let d): d
        default: integer.map(Double.init)
        }
    }
}

/// Nesting depth of a list or tuple holding `items`.
func containerDepth(_ items: [Value]) -> Int {
    var deepest = 0
    for item in items { deepest = max(deepest, item.depth) }
    return deepest + 1
}

/// A Python list. Only scalars are ever stored into an existing list, so lists never form cycles
/// and `depth` stays exact.
final class ListBox {
    var items: [Value]
    let depth: Int

    init(_ items: [Value], depth: Int) {
        self.items = items
        self.depth = depth
    }
}

struct TupleValue {
    let items: [Value]
    let depth: Int
}

/// `range(start, stop, step)` with its length computed up front.
struct IntRange {
    let start: Int
    let stop: Int
    let step: Int
    let count: Int

    init(start: Int, stop: Int, step: Int) throws(ProgramError) {
        guard step != 0 else { throw .runtime("range() arg 3 must not be zero") }
        self.start = start
        self.stop = stop
        self.step = step
        let (span, overflow) = step > 0 ? stop.subtractingReportingOverflow(start) : start.subtractingReportingOverflow(stop)
        guard !overflow else { throw .tooLarge("range is too long") }
        let magnitude = step == Int.min ? Int.max : abs(step)
        count = span <= 0 ? 0 : (span - 1) / magnitude + 1
    }

    /// The `index`-th element; `index` must be in `0..<count`.
    func element(_ index: Int) -> Int {
        start &+ index &* step
    }
}

/// A user-defined function: its definition, evaluated defaults and the scope it was defined in.
final class Function {
    let definition: FunctionDefinition
    let defaults: [Value?]
    let closure: Scope

    init(definition: FunctionDefinition, defaults: [Value?], closure: Scope) {
        self.definition = definition
        self.defaults = defaults
        self.closure = closure
    }
}

/// Variables of the global scope, a function call or a comprehension.
final class Scope {
    var values: [String: Value] = [:]
    let parent: Scope?
    /// Names local to this scope; reading one before it is assigned is an error rather than a lookup outward.
    let locals: Set<String>

    init(parent: Scope?, locals: Set<String>) {
        self.parent = parent
        self.locals = locals
    }
}
