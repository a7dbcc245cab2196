/// One turn of a conversation.
public struct ChatMessage: Sendable, Codable, Equatable {
    /// Who speaks: `system`, `user`, `assistant`, `tool`, or any other name a template knows.
    public struct Role: RawRepresentable, Hashable, Sendable, Codable, ExpressibleByStringLiteral, CustomStringConvertible {
        public let rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public init(stringLiteral value: String) { rawValue = value }
        public var description: String { rawValue }

        public static let system: Role = "system"
        public static let user: Role = "user"
        public static let assistant: Role = "assistant"
        /// A tool's result, answering the assistant's call.
        public static let tool: Role = "tool"
    }

    public var role: Role
    public var content: String

    public init(role: Role, content: String) {
        self.role = role
        self.content = content
    }

    public static func system(_ content: String) -> ChatMessage { ChatMessage(role: .system, content: content) }
    public static func user(_ content: String) -> ChatMessage { ChatMessage(role: .user, content: content) }
    public static func assistant(_ content: String) -> ChatMessage { ChatMessage(role: .assistant, content: content) }
    public static func tool(_ content: String) -> ChatMessage { ChatMessage(role: .tool, content: content) }
}
