/// The outcome of a successful parse: which command, and typed access to its arguments.
public struct ParsedCommand: Sendable {
    /// Subcommand names below the root, e.g. `["model", "info"]`; empty for a root leaf.
    public let path: [String]
    let values: [String: [any Sendable]]

    /// The option's value (the last one given), else its default, else nil.
    public subscript<Value>(option: Option<Value>) -> Value? {
        values[option.spec.key]?.last as? Value ?? option.defaultValue
    }

    /// Every value given for the option, in order; `[default]` (or `[]`) when not given.
    public func values<Value>(of option: Option<Value>) -> [Value] {
        guard let given = values[option.spec.key] else { return option.defaultValue.map { [$0] } ?? [] }
        return given.compactMap { $0 as? Value }
    }

    /// Whether the flag was given.
    public subscript(flag: Flag) -> Bool { values[flag.spec.key] != nil }

    /// The positional argument's value, or nil when an optional one was not given.
    public subscript<Value>(positional: Positional<Value>) -> Value? {
        values[positional.spec.key]?.first as? Value
    }

    /// All words a repeating positional argument took, in order.
    public func values<Value>(of positional: Positional<Value>) -> [Value] {
        (values[positional.spec.key] ?? []).compactMap { $0 as? Value }
    }
}
