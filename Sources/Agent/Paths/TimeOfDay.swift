import Foundation

/// A time of day written in an answer (`13:00`, `6:30 pm`, `12:30:15`): kept whole by answer
/// normalization instead of being read as its last number.
struct TimeOfDay: Equatable {
    let hour: Int, minute: Int, second: Int?
    /// `am` or `pm`, when written.
    let meridiem: String?

    /// A constant pattern (`TimeOfDayAnswerTests` cover it), so nil never happens in practice.
    private static let pattern = try? NSRegularExpression(
        pattern: #"(?<![\d:.])(\d{1,2}):([0-5]\d)(?::([0-5]\d))?(?![\d:])(?:\s*([ap])\.?\s?m\b\.?)?"#, options: [.caseInsensitive])

    /// The last time of day in `text`, if any.
    init?(in text: String) {
        let range = NSRange(text.startIndex..., in: text)
        guard let match = Self.pattern?.matches(in: text, range: range).last else { return nil }
        func group(_ i: Int) -> String? { Range(match.range(at: i), in: text).map { String(text[$0]) } }
        guard let hour = group(1).flatMap(Int.init), let minute = group(2).flatMap(Int.init) else { return nil }
        let meridiem = group(4).map { $0.lowercased() + "m" }
        guard meridiem == nil ? hour <= 24 : (1...12).contains(hour) else { return nil }
        self.hour = hour
        self.minute = minute
        second = group(3).flatMap(Int.init)
        self.meridiem = meridiem
    }

    /// `13:00`, `6:30 pm`, `12:30:15`.
    var text: String {
        String(format: "%d:%02d", hour, minute) + (second.map { String(format: ":%02d", $0) } ?? "") + (meridiem.map { " " + $0 } ?? "")
    }

    /// Seconds since midnight, with `pm` and `12 am` read as a 24-hour clock does.
    var secondsSinceMidnight: Int {
        var h = hour % 24
        if meridiem == "pm", hour != 12 { h += 12 }
        if meridiem == "am", hour == 12 { h = 0 }
        return (h * 60 + minute) * 60 + (second ?? 0)
    }
}
