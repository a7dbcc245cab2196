/// Reads facts out of a ChatML Jinja template's text without evaluating it.
enum ChatTemplateScanner {
    /// The literal system prompt written as `<|im_start|>system\n…<|im_end|>` in one Jinja string
    /// (not built from `messages[0]['content']`), and whether it stands before the message loop.
    static func defaultSystemPrompt(in template: String) -> (text: String, outsideMessageLoop: Bool)? {
        let t = Array(template.unicodeScalars)
        let opener = Array("<|im_start|>system".unicodeScalars)
        let closer = Array("<|im_end|>".unicodeScalars)
        let loop = firstIndex(of: Array("for message in messages".unicodeScalars), in: t, from: 0) ?? t.count
        var from = 0
        while let start = firstIndex(of: opener, in: t, from: from) {
            from = start + opener.count
            var i = from
            // The newline after the role: a real one, or the escape `\n` inside a Jinja string.
            if i < t.count, t[i] == "\n" {
                i += 1
            } else if i + 1 < t.count, t[i] == "\\", t[i + 1] == "n" {
                i += 2
            } else {
                continue
            }
            guard let end = firstIndex(of: closer, in: t, from: i),
                  let text = unescapedLiteral(t[i..<end]), !text.isEmpty else { continue }
            return (text, start < loop)
        }
        return nil
    }

    /// The text of a stretch of a Jinja string literal with its escapes resolved; nil when the
    /// stretch leaves the literal (an unescaped quote) or holds template syntax.
    private static func unescapedLiteral(_ s: ArraySlice<Unicode.Scalar>) -> String? {
        var out = String.UnicodeScalarView()
        var i = s.startIndex
        while i < s.endIndex {
            let c = s[i]
            if c == "'" || c == "\"" { return nil }
            if c == "{" || c == "}", i + 1 < s.endIndex, s[i + 1] == "{" || s[i + 1] == "%" || s[i + 1] == "}" { return nil }
            if c == "\\", i + 1 < s.endIndex {
                let e = s[i + 1]
                switch e {
                case "n": out.append("\n")
                case "t": out.append("\t")
                case "r": out.append("\r")
                default: out.append(e)
                }
                i += 2
                continue
            }
            out.append(c)
            i += 1
        }
        return String(out)
    }

    private static func firstIndex(of needle: [Unicode.Scalar], in hay: [Unicode.Scalar], from: Int) -> Int? {
        guard !needle.isEmpty, hay.count >= needle.count else { return nil }
        var i = from
        while i <= hay.count - needle.count {
            if hay[i] == needle[0], Array(hay[i..<(i + needle.count)]) == needle { return i }
            i += 1
        }
        return nil
    }
}
