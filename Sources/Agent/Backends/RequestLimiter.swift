/// An async counting semaphore: at most `limit` holders at once; the rest wait in order.
public actor RequestLimiter {
    public let limit: Int
    private var held = 0
    private var waiting: [CheckedContinuation<Void, Never>] = []

    public init(limit: Int) { self.limit = max(1, limit) }

    /// Runs `body` once a slot is free, and frees the slot afterwards.
    public func withSlot<T: Sendable, E: Error>(_ body: @Sendable () async throws(E) -> T) async throws(E) -> T {
        await acquire()
        defer { release() }
        return try await body()
    }

    private func acquire() async {
        if held < limit {
            held += 1
            return
        }
        await withCheckedContinuation { waiting.append($0) }
    }

    /// Hands the slot to the first waiter, or frees it.
    private func release() {
        if waiting.isEmpty {
            held -= 1
        } else {
            waiting.removeFirst().resume()
        }
    }
}
