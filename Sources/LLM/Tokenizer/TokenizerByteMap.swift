/// GPT-2's byte-level alphabet: every byte is stored in the vocabulary as one printable Unicode
/// character. Bytes `!`…`~`, `¡`…`¬` and `®`…`ÿ` stand for themselves; the other 68 bytes
/// (controls, space, DEL, NBSP, soft hyphen) map to U+0100 and up, in byte order.
enum TokenizerByteMap {
    /// The character (scalar value) that stands for each byte.
    static let scalarForByte: [UInt32] = {
        var table = [UInt32](repeating: 0, count: 256)
        var next: UInt32 = 256
        for b in 0..<256 {
            if isPrintable(UInt8(b)) {
                table[b] = UInt32(b)
            } else {
                table[b] = next
                next += 1
            }
        }
        return table
    }()

    /// The byte each alphabet character stands for, indexed by scalar value; -1 when the scalar
    /// is not in the alphabet.
    static let byteForScalar: [Int16] = {
        var table = [Int16](repeating: -1, count: 256 + 68)
        for (b, s) in scalarForByte.enumerated() { table[Int(s)] = Int16(b) }
        return table
    }()

    private static func isPrintable(_ b: UInt8) -> Bool {
        (0x21...0x7E).contains(b) || (0xA1...0xAC).contains(b) || (0xAE...0xFF).contains(b)
    }

    /// Appends to `out` the bytes that the alphabet characters in `utf8` stand for. Returns false,
    /// leaving `out` partly written, when a character is outside the alphabet.
    static func decode(_ utf8: UnsafeBufferPointer<UInt8>, into out: inout [UInt8]) -> Bool {
        var i = 0
        let n = utf8.count
        while i < n {
            let lead = utf8[i]
            var scalar: Int
            if lead < 0x80 {
                scalar = Int(lead)
                i += 1
            } else if lead & 0xE0 == 0xC0, i + 1 < n {
                scalar = Int(lead & 0x1F) << 6 | Int(utf8[i + 1] & 0x3F)
                i += 2
            } else {
                return false
            }
            guard scalar < byteForScalar.count else { return false }
            let b = byteForScalar[scalar]
            guard b >= 0 else { return false }
            out.append(UInt8(b))
        }
        return true
    }

    /// The bytes that `text`, written in the alphabet, stands for; nil when a character is outside it.
    static func decode(_ text: String) -> [UInt8]? {
        var text = text
        return text.withUTF8 { buffer in
            var out: [UInt8] = []
            out.reserveCapacity(buffer.count)
            return decode(buffer, into: &out) ? out : nil
        }
    }
}
