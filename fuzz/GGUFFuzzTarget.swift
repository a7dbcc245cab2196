// libFuzzer entry point for the GGUF reader, model config and tokenizer (built by scripts/fuzz-gguf,
// not part of the package).
import Foundation

private let path = "/dev/shm/divvy-fuzz-\(getpid()).gguf"

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzGGUF(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard FileManager.default.createFile(atPath: path, contents: Data(bytes: data, count: size)) else { return 0 }
    guard let file = try? GGUFFile(path: path) else { return 0 }
    for (_, value) in file.metadata { _ = value.summary }
    if let config = try? ModelConfig(gguf: file) {
        _ = try? ModelWeights(gguf: file, config: config)
    }
    if let tokenizer = try? Tokenizer(gguf: file) {
        let ids = tokenizer.encode("Hello <|im_start|> wörld 123 \u{1F600}")
        _ = tokenizer.decode(ids + [-1, Int32.max])
    }
    return 0
}
