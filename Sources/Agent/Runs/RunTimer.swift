import DurationUnits
import Foundation

/// Wall time and this process's CPU time since the timer was made. On a shared machine the
/// wall time of a run depends on what else runs; its CPU time much less.
public struct RunTimer: Sendable {
    private let wallStart = ContinuousClock.now
    private let cpuStart = RunTimer.processCPUSeconds()

    public init() {}

    /// Seconds of wall time since the start.
    public var wallSeconds: Double { (ContinuousClock.now - wallStart).seconds }
    /// Seconds of CPU time (all threads) this process used since the start.
    public var cpuSeconds: Double { Self.processCPUSeconds() - cpuStart }

    /// CPU time used by this process so far (all threads).
    public static func processCPUSeconds() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) * 1e-9
    }
}
