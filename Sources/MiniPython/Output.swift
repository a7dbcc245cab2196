/// What a program printed, split into lines, within the output limits.
struct Output {
    let maxCharacters: Int
    let maxLines: Int
    private var lines: [String] = []
    private var pending = String.UnicodeScalarView()
    private var characters = 0

    init(maxCharacters: Int, maxLines: Int) {
        self.maxCharacters = maxCharacters
        self.maxLines = maxLines
    }

    mutating func write(_ text: String) throws(ProgramError) {
        characters += text.unicodeScalars.count
        guard characters <= maxCharacters else {
            throw ProgramError(kind: .outputLimit, message: "printed more than \(maxCharacters) characters")
        }
        for scalar in text.unicodeScalars {
            guard scalar == "\n" else {
                pending.append(scalar)
                continue
            }
            lines.append(String(pending))
            pending = String.UnicodeScalarView()
            guard lines.count <= maxLines else {
                throw ProgramError(kind: .outputLimit, message: "printed more than \(maxLines) lines")
            }
        }
    }

    /// All printed lines, including an unterminated last one.
    var allLines: [String] {
        pending.isEmpty ? lines : lines + [String(pending)]
    }
}
