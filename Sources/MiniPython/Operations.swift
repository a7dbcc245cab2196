/// Python's operators and protocols on values: operators on sequences, comparison, equality,
/// membership, indexing, slicing and iteration. Numeric operators are in `Arithmetic`.
extension Interpreter {
    func binary(_ op: BinaryOp, _ a: Value, _ b: Value) throws(ProgramError) -> Value {
        switch (op, a, b) {
        case (.add, .str(let x), .str(let y)):
            try allocate(x.utf8.count + y.utf8.count)
            return .str(x + y)
        case (.add, .list(let x), .list(let y)):
            try checkLength(x.items.count + y.items.count)
            return try makeList(x.items + y.items)
        case (.add, .tuple(let x), .tuple(let y)):
            try checkLength(x.items.count + y.items.count)
            return try makeTuple(x.items + y.items)
        case (.multiply, .str, _), (.multiply, .list, _), (.multiply, .tuple, _):
            return try repeatSequence(a, b)
        case (.multiply, _, .str), (.multiply, _, .list), (.multiply, _, .tuple):
            return try repeatSequence(b, a)
        case (.modulo, .str(let format), _):
            return try makeString(try percentFormat(format, b, formatter: formatter))
        default:
            return try Arithmetic.binary(op, a, b)
        }
    }

    private func repeatSequence(_ sequence: Value, _ times: Value) throws(ProgramError) -> Value {
        guard let count = times.integer else {
            throw .runtime("can't multiply sequence by non-int of type '\(times.typeName)'")
        }
        switch sequence {
        case .str(let text):
            guard !text.isEmpty, count > 0 else { return .str("") }
            let (length, overflow) = text.utf8.count.multipliedReportingOverflow(by: count)
            try allocate(overflow ? Int.max : length)
            return .str(String(repeating: text, count: count))
        case .list(let box):
            return try makeList(try repeatItems(box.items, count))
        case .tuple(let tuple):
            return try makeTuple(try repeatItems(tuple.items, count))
        default:
            throw .runtime("can't multiply sequence by non-int of type '\(times.typeName)'")
        }
    }

    /// `items` repeated `count` times, checked against the length limit before anything is built.
    func repeatItems(_ items: [Value], _ count: Int) throws(ProgramError) -> [Value] {
        guard !items.isEmpty, count > 0 else { return [] }
        let (length, overflow) = items.count.multipliedReportingOverflow(by: count)
        try checkLength(overflow ? Int.max : length)
        var result: [Value] = []
        result.reserveCapacity(length)
        for _ in 0..<count { result += items }
        return result
    }

    // MARK: Comparison

    func compare(_ op: ComparisonOp, _ a: Value, _ b: Value) throws(ProgramError) -> Bool {
        switch op {
        case .equal: return try equal(a, b)
        case .notEqual: return !(try equal(a, b))
        case .isIn: return try contains(b, a)
        case .notIn: return !(try contains(b, a))
        case .isSame: return identical(a, b)
        case .isNotSame: return !identical(a, b)
        case .less, .lessEqual, .greater, .greaterEqual:
            guard let sign = try order(a, b, op) else { return false }
            switch op {
            case .less: return sign < 0
            case .lessEqual: return sign <= 0
            case .greater: return sign > 0
            default: return sign >= 0
            }
        }
    }

    /// -1, 0 or 1 as `a` is less than, equal to or greater than `b`; nil when unordered (NaN).
    private func order(_ a: Value, _ b: Value, _ op: ComparisonOp) throws(ProgramError) -> Int? {
        switch (a, b) {
        case (.str(let x), .str(let y)):
            try charge(min(x.utf8.count, y.utf8.count))
            if x.unicodeScalars.elementsEqual(y.unicodeScalars) { return 0 }
            return x.unicodeScalars.lexicographicallyPrecedes(y.unicodeScalars) ? -1 : 1
        case (.list(let x), .list(let y)):
            return try orderItems(x.items, y.items, op)
        case (.tuple(let x), .tuple(let y)):
            return try orderItems(x.items, y.items, op)
        default:
            if let x = a.integer, let y = b.integer { return x < y ? -1 : x > y ? 1 : 0 }
            guard let x = a.double, let y = b.double else {
                throw .runtime("'\(op.rawValue)' not supported between instances of '\(a.typeName)' and '\(b.typeName)'")
            }
            return x < y ? -1 : x > y ? 1 : x == y ? 0 : nil
        }
    }

    private func orderItems(_ x: [Value], _ y: [Value], _ op: ComparisonOp) throws(ProgramError) -> Int? {
        try charge(min(x.count, y.count))
        for (left, right) in zip(x, y) where !(try equal(left, right)) {
            return try order(left, right, op)
        }
        return x.count < y.count ? -1 : x.count > y.count ? 1 : 0
    }

    func equal(_ a: Value, _ b: Value) throws(ProgramError) -> Bool {
        switch (a, b) {
        case (.str(let x), .str(let y)):
            try charge(min(x.utf8.count, y.utf8.count))
            return x.unicodeScalars.elementsEqual(y.unicodeScalars)
        case (.list(let x), .list(let y)):
            if x === y { return true }
            return try equalItems(x.items, y.items)
        case (.tuple(let x), .tuple(let y)):
            return try equalItems(x.items, y.items)
        case (.none, .none), (.module, .module):
            return true
        case (.range(let x), .range(let y)):
            return x.count == y.count && (x.count == 0 || (x.start == y.start && (x.count == 1 || x.step == y.step)))
        case (.function(let x), .function(let y)):
            return x === y
        case (.builtin(let x), .builtin(let y)):
            return x == y
        default:
            if let x = a.integer, let y = b.integer { return x == y }
            guard let x = a.double, let y = b.double else { return false }
            return x == y
        }
    }

    private func equalItems(_ x: [Value], _ y: [Value]) throws(ProgramError) -> Bool {
        guard x.count == y.count else { return false }
        try charge(x.count)
        for (left, right) in zip(x, y) where !(try equal(left, right)) { return false }
        return true
    }

    /// `is`: identity for lists and functions, equality of same-typed scalars otherwise.
    private func identical(_ a: Value, _ b: Value) -> Bool {
        switch (a, b) {
        case (.none, .none), (.module, .module): true
        case (.bool(let x), .bool(let y)): x == y
        case (.int(let x), .int(let y)): x == y
        case (.float(let x), .float(let y)): x == y
        case (.str(let x), .str(let y)): x == y
        case (.list(let x), .list(let y)): x === y
        case (.function(let x), .function(let y)): x === y
        case (.builtin(let x), .builtin(let y)): x == y
        default: false
        }
    }

    /// Python's `item in container`.
    private func contains(_ container: Value, _ item: Value) throws(ProgramError) -> Bool {
        switch container {
        case .str(let text):
            guard case .str(let part) = item else {
                throw .runtime("'in <string>' requires string as left operand, not \(item.typeName)")
            }
            let (cost, overflow) = text.utf8.count.multipliedReportingOverflow(by: max(1, part.utf8.count))
            try charge(overflow ? Int.max : cost)
            return part.isEmpty || text.contains(part)
        case .range(let r):
            guard let d = item.double, d == d.rounded(.towardZero), let i = item.integer ?? (try? Arithmetic.toInteger(d)) else {
                return false
            }
            let offset = i.subtractingReportingOverflow(r.start)
            let quotient = offset.partialValue.dividedReportingOverflow(by: r.step)
            let remainder = offset.partialValue.remainderReportingOverflow(dividingBy: r.step)
            guard !offset.overflow, !quotient.overflow, !remainder.overflow, remainder.partialValue == 0 else { return false }
            return quotient.partialValue >= 0 && quotient.partialValue < r.count
        case .list, .tuple:
            var found = false
            try scan(container) { element throws(ProgramError) in
                found = try equal(element, item)
                return !found
            }
            return found
        default:
            throw .runtime("argument of type '\(container.typeName)' is not iterable")
        }
    }

    // MARK: Indexing and slicing

    /// A Python index (negative counts from the end) checked against `count`.
    func normalizedIndex(_ index: Value, count: Int, typeName: String) throws(ProgramError) -> Int {
        guard let i = index.integer else {
            throw .runtime("\(typeName) indices must be integers or slices, not \(index.typeName)")
        }
        let position = i < 0 ? i + count : i
        guard position >= 0 && position < count else { throw .runtime("\(typeName) index out of range") }
        return position
    }

    func item(_ container: Value, _ index: Value) throws(ProgramError) -> Value {
        switch container {
        case .list(let box):
            return box.items[try normalizedIndex(index, count: box.items.count, typeName: "list")]
        case .tuple(let tuple):
            return tuple.items[try normalizedIndex(index, count: tuple.items.count, typeName: "tuple")]
        case .range(let r):
            return .int(r.element(try normalizedIndex(index, count: r.count, typeName: "range object")))
        case .str(let text):
            try charge(text.utf8.count)
            let scalars = text.unicodeScalars
            let position = try normalizedIndex(index, count: scalars.count, typeName: "string")
            return .str(String(scalars[scalars.index(scalars.startIndex, offsetBy: position)]))
        default:
            throw .runtime("'\(container.typeName)' object is not subscriptable")
        }
    }

    func slice(_ container: Value, _ lower: Value, _ upper: Value, _ step: Value) throws(ProgramError) -> Value {
        switch container {
        case .list(let box):
            return try makeList(try sliceItems(box.items, lower, upper, step))
        case .tuple(let tuple):
            return try makeTuple(try sliceItems(tuple.items, lower, upper, step))
        case .str(let text):
            try charge(text.utf8.count)
            let scalars = Array(text.unicodeScalars)
            let picked = try slicePositions(count: scalars.count, lower, upper, step)
            var out = String.UnicodeScalarView()
            for position in picked { out.append(scalars[position]) }
            return try makeString(String(out))
        case .range(let r):
            var values: [Value] = []
            for position in try slicePositions(count: r.count, lower, upper, step) {
                try checkLength(values.count + 1)
                values.append(.int(r.element(position)))
            }
            return try makeList(values)
        default:
            throw .runtime("'\(container.typeName)' object is not subscriptable")
        }
    }

    private func sliceItems(_ items: [Value], _ lower: Value, _ upper: Value, _ step: Value) throws(ProgramError) -> [Value] {
        try slicePositions(count: items.count, lower, upper, step).map { items[$0] }
    }

    /// The positions a slice selects, following CPython's `PySlice_AdjustIndices`.
    private func slicePositions(count: Int, _ lower: Value, _ upper: Value, _ step: Value) throws(ProgramError) -> StrideTo<Int> {
        func bound(_ value: Value) throws(ProgramError) -> Int? {
            if case .none = value { return nil }
            guard let i = value.integer else {
                throw .runtime("slice indices must be integers or None, not \(value.typeName)")
            }
            return i
        }
        let stride = max(try bound(step) ?? 1, -Int.max)
        guard stride != 0 else { throw .runtime("slice step cannot be zero") }
        func adjust(_ value: Int?, default fallback: Int) -> Int {
            guard var i = value else { return fallback }
            if i < 0 {
                i += count
                if i < 0 { i = stride < 0 ? -1 : 0 }
            } else if i >= count {
                i = stride < 0 ? count - 1 : count
            }
            return i
        }
        let start = adjust(try bound(lower), default: stride < 0 ? count - 1 : 0)
        let stop = adjust(try bound(upper), default: stride < 0 ? -1 : count)
        return Swift.stride(from: start, to: stop, by: stride)
    }

    // MARK: Iteration

    /// `iterate` for bulk operations (`sum`, `max`, `in`, …), which count one step per 10 elements.
    func scan(_ iterable: Value, _ body: (Value) throws(ProgramError) -> Bool) throws(ProgramError) {
        try iterate(iterable) { item throws(ProgramError) in
            try charge(1)
            return try body(item)
        }
    }

    /// Calls `body` with each element until it returns false. Lists are iterated live, by index, as in Python.
    func iterate(_ iterable: Value, _ body: (Value) throws(ProgramError) -> Bool) throws(ProgramError) {
        switch iterable {
        case .list(let box):
            var index = 0
            while index < box.items.count {
                guard try body(box.items[index]) else { return }
                index += 1
            }
        case .tuple(let tuple):
            for item in tuple.items {
                guard try body(item) else { return }
            }
        case .str(let text):
            for scalar in text.unicodeScalars {
                guard try body(.str(String(scalar))) else { return }
            }
        case .range(let r):
            var index = 0
            while index < r.count {
                guard try body(.int(r.element(index))) else { return }
                index += 1
            }
        default:
            throw .runtime("'\(iterable.typeName)' object is not iterable")
        }
    }

    /// All elements of an iterable, checked against the length limit before a range is expanded.
    func elements(of iterable: Value) throws(ProgramError) -> [Value] {
        switch iterable {
        case .list(let box):
            return box.items
        case .tuple(let tuple):
            return tuple.items
        case .str(let text):
            try checkLength(text.utf8.count)
            try charge(text.utf8.count)
            return text.unicodeScalars.map { .str(String($0)) }
        case .range(let r):
            try checkLength(r.count)
            try charge(r.count)
            return (0..<r.count).map { .int(r.element($0)) }
        default:
            throw .runtime("'\(iterable.typeName)' object is not iterable")
        }
    }
}
