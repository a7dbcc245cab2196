import Foundation
import Train

/// Training progress on stderr: a bar rewritten in place on a terminal, else a line per step.
final class TrainingProgress {
    private let terminal: Bool
    private var seconds: [Double] = []
    private var lastLength = 0

    init(terminal: Bool) { self.terminal = terminal }

    func step(_ report: StepReport, seconds stepSeconds: Double, total: Int) {
        seconds.append(stepSeconds)
        let recent = seconds.suffix(10)
        let perStep = recent.reduce(0, +) / Double(recent.count)
        let left = Self.duration(perStep * Double(total - report.step))
        let rate = stepSeconds > 0 ? Double(report.tokens) / stepSeconds : 0
        let bar = BatchProgress.bar(done: report.step, of: total, width: 24)
        let line = String(format: "train [%@] step %d/%d · loss %.3f · %.0f tok/s · %@ left",
                          bar, report.step, total, report.loss, rate, left)
        if terminal {
            let padding = String(repeating: " ", count: max(0, lastLength - line.count))
            FileHandle.standardError.write(Data(("\r" + line + padding).utf8))
            lastLength = line.count
        } else {
            FileHandle.standardError.write(Data((line + "\n").utf8))
        }
    }

    func end() {
        if terminal, lastLength > 0 { FileHandle.standardError.write(Data("\n".utf8)) }
    }

    /// `1h02m`, `3m10s` or `45s`.
    static func duration(_ seconds: Double) -> String {
        let s = Int(seconds.rounded())
        if s >= 3600 { return String(format: "%dh%02dm", s / 3600, s % 3600 / 60) }
        if s >= 60 { return String(format: "%dm%02ds", s / 60, s % 60) }
        return "\(s)s"
    }
}
