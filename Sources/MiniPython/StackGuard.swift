#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Bytes of stack for the thread a program runs on.
let interpreterStackSize = 64 << 20

/// Bytes of that stack the parser and interpreter may use; the rest is headroom for the unguarded
/// work (formatting, comparisons, deallocation) below the deepest guarded frame.
let interpreterStackBudget = interpreterStackSize - (8 << 20)

/// Stops recursion with a `depthLimit` error before it can overflow the interpreter thread's stack,
/// whatever the limits and the build's frame sizes.
struct StackGuard {
    private let base: UInt
    private let budget: UInt

    /// A guard for the current thread allowing `budget` more bytes of stack from here.
    init(budget: Int) {
        base = currentStackAddress()
        self.budget = UInt(budget)
    }

    func check() throws(ProgramError) {
        let here = currentStackAddress()
        if here < base && base - here > budget {
            throw .depth("nesting too deep for the interpreter's stack")
        }
    }
}

@inline(never)
private func currentStackAddress() -> UInt {
    var marker: UInt8 = 0
    return withUnsafeMutablePointer(to: &marker) { UInt(bitPattern: $0) }
}

private final class ThreadJob {
    let work: () -> Void

    init(_ work: @escaping () -> Void) { self.work = work }
}

/// Runs `work` on a new thread with an `interpreterStackSize` stack and waits for it to finish.
/// Returns false, without running `work`, if no thread could be started.
func runOnInterpreterThread(_ work: @escaping () -> Void) -> Bool {
    let job = Unmanaged.passRetained(ThreadJob(work)).toOpaque()
    var attributes = pthread_attr_t()
    pthread_attr_init(&attributes)
    defer { pthread_attr_destroy(&attributes) }
    pthread_attr_setstacksize(&attributes, interpreterStackSize)
    #if canImport(Darwin)
    var thread: pthread_t?
    let status = pthread_create(&thread, &attributes, { context in
        Unmanaged<ThreadJob>.fromOpaque(context).takeRetainedValue().work()
        return nil
    }, job)
    guard status == 0 else {
        Unmanaged<ThreadJob>.fromOpaque(job).release()
        return false
    }
    if let thread { pthread_join(thread, nil) }
    #else
    var thread = pthread_t()
    let status = pthread_create(&thread, &attributes, { context in
        if let context { Unmanaged<ThreadJob>.fromOpaque(context).takeRetainedValue().work() }
        return nil
    }, job)
    guard status == 0 else {
        Unmanaged<ThreadJob>.fromOpaque(job).release()
        return false
    }
    pthread_join(thread, nil)
    #endif
    return true
}
