/// Something a command declares on its command line: an ``Option``, a ``Flag`` or a ``Positional``.
public protocol ArgumentDeclaration: Sendable {
    /// The type-erased description the parser works from.
    var spec: ArgumentSpec { get }
}

/// The parser's view of one declared argument.
public struct ArgumentSpec: Sendable {
    enum Kind: Sendable { case option, flag, positional }

    let kind: Kind
    let name: String
    let short: Character?
    let help: String
    let valueName: String
    let defaultDescription: String?
    let isRequired: Bool
    let isRepeating: Bool
    /// Converts and validates the text; the error string says what was wrong.
    let convert: @Sendable (String) -> Result<any Sendable, ConversionFailure>

    /// Key under which parsed values are stored.
    var key: String { kind == .positional ? "<\(name)>" : "--\(name)" }

    /// How the argument is written in help and errors: `--name`, `<name>`.
    var displayName: String { kind == .positional ? "<\(name)>" : "--\(name)" }

    /// The name with its value placeholder: `--model <path>`, `<tasks>`, `--verbose`.
    var usageName: String { kind == .option ? "--\(name) <\(valueName)>" : displayName }
}

/// Why a command-line text is not a valid value.
struct ConversionFailure: Error {
    let reason: String
}

func converter<Value: ArgumentValue>(
    _ validate: (@Sendable (Value) -> String?)?
) -> @Sendable (String) -> Result<any Sendable, ConversionFailure> {
    { text in
        guard let value = Value(argument: text) else {
            return .failure(ConversionFailure(reason: "expected \(Value.expectation), got '\(text)'"))
        }
        if let problem = validate?(value) { return .failure(ConversionFailure(reason: problem)) }
        return .success(value)
    }
}

/// An option taking a value: `--name value` or `--name=value` (or `-n value`).
public struct Option<Value: ArgumentValue>: ArgumentDeclaration {
    public let spec: ArgumentSpec
    /// Value used when the option is not given.
    public let defaultValue: Value?

    /// Declares an option.
    /// - Parameters:
    ///   - valueName: placeholder in help (`--model <path>`); defaults to the name.
    ///   - repeating: may be given several times; read all values with `ParsedCommand.values(of:)`.
    ///   - validate: returns a problem description for values that parse but are not allowed.
    public init(_ name: String, short: Character? = nil, valueName: String? = nil, help: String,
                default defaultValue: Value? = nil, required: Bool = false, repeating: Bool = false,
                validate: (@Sendable (Value) -> String?)? = nil) {
        self.defaultValue = defaultValue
        spec = ArgumentSpec(kind: .option, name: name, short: short, help: help, valueName: valueName ?? name,
                            defaultDescription: defaultValue?.argumentDescription, isRequired: required,
                            isRepeating: repeating, convert: converter(validate))
    }
}

/// A switch without a value: `--verbose` (or `-v`); false unless given.
public struct Flag: ArgumentDeclaration {
    public let spec: ArgumentSpec

    /// Declares a flag.
    public init(_ name: String, short: Character? = nil, help: String) {
        spec = ArgumentSpec(kind: .flag, name: name, short: short, help: help, valueName: name,
                            defaultDescription: nil, isRequired: false, isRepeating: true,
                            convert: { _ in .success(true) })
    }
}

/// A positional argument, filled in declaration order. A repeating one must come last.
public struct Positional<Value: ArgumentValue>: ArgumentDeclaration {
    public let spec: ArgumentSpec

    /// Declares a positional argument; `repeating` takes all remaining positional words.
    public init(_ name: String, help: String, required: Bool = true, repeating: Bool = false,
                validate: (@Sendable (Value) -> String?)? = nil) {
        spec = ArgumentSpec(kind: .positional, name: name, short: nil, help: help, valueName: name,
                            defaultDescription: nil, isRequired: required, isRepeating: repeating,
                            convert: converter(validate))
    }
}
