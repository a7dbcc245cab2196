/// How often and how patiently to retry a request that failed with a retryable error.
public struct RetryPolicy: Sendable, Equatable {
    /// Attempts in all, the first included.
    public var maxAttempts: Int
    /// The wait after the first failure; it doubles after each further one.
    public var baseDelay: Duration
    public var maxDelay: Duration

    public init(maxAttempts: Int = 4, baseDelay: Duration = .milliseconds(500), maxDelay: Duration = .seconds(8)) {
        self.maxAttempts = max(1, maxAttempts)
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
    }

    /// The longest `Retry-After` a server can make us wait.
    static let retryAfterCap: Duration = .seconds(60)

    /// The wait after failed attempt `attempt` (1-based): `baseDelay × 2^(attempt−1)`, capped at
    /// `maxDelay`, scaled by a random factor in [0.5, 1] so clients that failed together spread
    /// out; never less than the server's `Retry-After`.
    func delay(afterAttempt attempt: Int, retryAfter: Duration? = nil) -> Duration {
        let exponential = min(maxDelay, baseDelay * Double(1 << min(max(attempt - 1, 0), 30)))
        let jittered = exponential * Double.random(in: 0.5...1)
        guard let retryAfter else { return jittered }
        return max(jittered, min(retryAfter, Self.retryAfterCap))
    }
}
