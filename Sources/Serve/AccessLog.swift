/// One line per request for the server's operator: method, path, status, tokens (prompt+reply,
/// for completions) and milliseconds from the request to the end of its reply.
public struct AccessLog: Sendable {
    private let write: @Sendable (String) -> Void

    /// Lines go to `write` (the CLI's standard error).
    public init(_ write: @escaping @Sendable (String) -> Void) { self.write = write }

    func record(method: String, path: String, status: Int, usage: Usage?, since start: ContinuousClock.Instant) {
        let milliseconds = Int(((ContinuousClock.now - start) / .milliseconds(1)).rounded())
        let tokens = usage.map { " \($0.promptTokens)+\($0.completionTokens) tokens" } ?? ""
        write("\(method) \(path) \(status)\(tokens) \(milliseconds) ms")
    }
}
