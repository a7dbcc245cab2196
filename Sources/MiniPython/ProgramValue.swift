/// A value a program left in a global variable. Functions and modules have no `ProgramValue` form.
public enum ProgramValue: Sendable, Equatable, CustomStringConvertible {
    case int(Int)
    case float(Double)
    case bool(Bool)
    case string(String)
    case list([ProgramValue])
    case tuple([ProgramValue])
    case none

    /// The value as Python's `str()` prints it: `2.5`, `True`, `[1, 'a']`, `(1, 2)`, `None`.
    public var description: String {
        if case .string(let text) = self { return text }
        return (try? ValueFormatter(limit: .max).repr(Value(self))) ?? ""
    }

    /// Converts a run-time value; nil for functions, modules and ranges. Elements of that kind inside
    /// lists and tuples become their text. `budget` bounds the number of converted elements.
    init?(_ value: Value, budget: inout Int, formatter: ValueFormatter) throws(ProgramError) {
        switch value {
        case .int(let i): self = .int(i)
        case .float(let d): self = .float(d)
        case .bool(let b): self = .bool(b)
        case .str(let s): self = .string(s)
        case .none: self = .none
        case .list(let box): self = .list(try Self.convert(box.items, budget: &budget, formatter: formatter))
        case .tuple(let tuple): self = .tuple(try Self.convert(tuple.items, budget: &budget, formatter: formatter))
        case .range, .function, .builtin, .module: return nil
        }
    }

    private static func convert(
        _ items: [Value], budget: inout Int, formatter: ValueFormatter
    ) throws(ProgramError) -> [ProgramValue] {
        budget -= items.count
        guard budget >= 0 else { throw .memory("the value is too large to report") }
        var converted: [ProgramValue] = []
        for item in items {
            if let value = try ProgramValue(item, budget: &budget, formatter: formatter) {
                converted.append(value)
            } else {
                converted.append(.string(try formatter.repr(item)))
            }
        }
        return converted
    }
}

extension Value {
    /// The run-time form of a reported value.
    init(_ value: ProgramValue) {
        switch value {
        case .int(let i): self = .int(i)
        case .float(let d): self = .float(d)
        case .bool(let b): self = .bool(b)
        case .string(let s): self = .str(s)
        case .none: self = .none
        case .list(let items):
            let values = items.map(Value.init)
            self = .list(ListBox(values, depth: containerDepth(values)))
        case .tuple(let items):
            let values = items.map(Value.init)
            self = .tuple(TupleValue(items: values, depth: containerDepth(values)))
        }
    }
}
