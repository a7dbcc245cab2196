/// A type an option or positional argument can be converted to from its command-line text.
public protocol ArgumentValue: Sendable {
    /// Parses the text, or nil when it is not a valid value.
    init?(argument: String)
    /// What a valid value looks like, for error messages ("an integer").
    static var expectation: String { get }
    /// The value as it would be written on the command line (for defaults in help).
    var argumentDescription: String { get }
}

extension Int: ArgumentValue {
    public init?(argument: String) { self.init(argument) }
    public static var expectation: String { "an integer" }
    public var argumentDescription: String { String(self) }
}

extension Double: ArgumentValue {
    /// Accepts finite decimal numbers only (no `nan` or `inf`).
    public init?(argument: String) {
        guard let value = Double(argument), value.isFinite else { return nil }
        self = value
    }
    public static var expectation: String { "a number" }
    public var argumentDescription: String { String(self) }
}

extension String: ArgumentValue {
    public init?(argument: String) { self = argument }
    public static var expectation: String { "a string" }
    public var argumentDescription: String { self }
}

/// A comma-separated list: `a,b,c`. Items are trimmed; empty items are invalid; `""` is `[]`.
extension Array: ArgumentValue where Element: ArgumentValue {
    public init?(argument: String) {
        guard !argument.isEmpty else { self = []; return }
        var items: [Element] = []
        for piece in argument.split(separator: ",", omittingEmptySubsequences: false) {
            let text = trimmedBlanks(piece)
            guard !text.isEmpty, let item = Element(argument: text) else { return nil }
            items.append(item)
        }
        self = items
    }
    public static var expectation: String { "a comma-separated list, each item \(Element.expectation)" }
    public var argumentDescription: String { map(\.argumentDescription).joined(separator: ",") }
}

/// String enumerations get choice parsing for free: declare `ArgumentValue` conformance.
extension ArgumentValue where Self: RawRepresentable, Self.RawValue == String, Self: CaseIterable {
    public init?(argument: String) { self.init(rawValue: argument) }
    public static var expectation: String { "one of " + allCases.map(\.rawValue).joined(separator: ", ") }
    public var argumentDescription: String { rawValue }
}

/// `text` without leading and trailing spaces and tabs.
private func trimmedBlanks(_ text: Substring) -> String {
    let isBlank: (Character) -> Bool = { $0 == " " || $0 == "\t" }
    return String(text.drop(while: isBlank).reversed().drop(while: isBlank).reversed())
}
