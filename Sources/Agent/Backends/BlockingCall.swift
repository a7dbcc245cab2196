import Foundation

/// Runs blocking `work` on a thread of its own and awaits its result, so blocking I/O never
/// occupies a thread of Swift concurrency's cooperative pool.
func onOwnThread<T: Sendable, E: Error>(_ work: @escaping @Sendable () throws(E) -> T) async throws(E) -> T {
    let result: Result<T, E> = await withCheckedContinuation { continuation in
        Thread.detachNewThread { continuation.resume(returning: Result(catching: work)) }
    }
    return try result.get()
}
