@testable import Agent
import Testing

struct SHA256Tests {
    @Test("FIPS 180-2 test vectors", arguments: [
        ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        ("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
         "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"),
    ])
    func vectors(input: String, digest: String) {
        #expect(SHA256.hex(input) == digest)
    }

    @Test func millionAs() {
        var hash = SHA256()
        let chunk = [UInt8](repeating: UInt8(ascii: "a"), count: 1000)
        for _ in 0..<1000 { chunk.withUnsafeBytes { hash.update($0) } }
        #expect(hash.finalize().hexString == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    @Test("Feeding bytes in odd pieces gives the one-shot digest")
    func incremental() {
        let text = String(repeating: "divvy splits problems; ", count: 20)
        var hash = SHA256()
        var rest = Array(text.utf8)[...]
        for size in [1, 63, 64, 65, 7, 200] where !rest.isEmpty {
            hash.update(rest.prefix(size))
            rest = rest.dropFirst(size)
        }
        hash.update(rest)
        #expect(hash.finalize().hexString == SHA256.hex(text))
    }
}
