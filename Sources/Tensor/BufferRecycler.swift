import Synchronization

/// Large scratch buffers kept between calls: a multi-megabyte buffer allocated per call comes
/// fresh from the kernel each time (page faults and zeroing on every matmul).
final class BufferRecycler: Sendable {
    /// A buffer handed out by `take`. `@unchecked Sendable`: owned by one taker until given back.
    struct Buffer: @unchecked Sendable {
        let pointer: UnsafeMutableRawPointer
        let bytes: Int
    }

    static let shared = BufferRecycler()

    /// Idle buffers, most recently returned last; at most `keep`.
    private let idle = Mutex<[Buffer]>([])
    private let keep = 4

    /// A buffer of at least `bytes` bytes (64-byte aligned): an idle one if large enough.
    func take(bytes: Int) -> Buffer {
        let reused: Buffer? = idle.withLock { idle in
            guard let index = idle.lastIndex(where: { $0.bytes >= bytes }) else { return nil }
            return idle.remove(at: index)
        }
        return reused ?? Buffer(pointer: .allocate(byteCount: max(bytes, 64), alignment: 64), bytes: max(bytes, 64))
    }

    /// Returns `buffer` for reuse (the smallest idle one is freed when more than `keep` are idle).
    func giveBack(_ buffer: Buffer) {
        let dropped: Buffer? = idle.withLock { idle in
            idle.append(buffer)
            guard idle.count > keep, let smallest = idle.indices.min(by: { idle[$0].bytes < idle[$1].bytes }) else { return nil }
            return idle.remove(at: smallest)
        }
        dropped?.pointer.deallocate()
    }
}
