/// A zero-initialised heap array of floats with a stable address (activations, gradients, scratch).
/// Not Sendable: owned by one trainer, used from its calling thread and the pool jobs it runs.
final class FloatBuffer {
    let pointer: UnsafeMutablePointer<Float>
    let count: Int

    init(_ count: Int) {
        self.count = count
        pointer = .allocate(capacity: max(count, 1))
        pointer.initialize(repeating: 0, count: max(count, 1))
    }

    deinit { pointer.deallocate() }

    func zero() { pointer.update(repeating: 0, count: count) }
}
