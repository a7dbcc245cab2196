import Foundation
import LLM

/// A model file's content identity: SHA-256 over the GGUF header, metadata and tensor infos
/// (all bytes before the tensor data), 64 evenly spaced 4 KiB samples of the tensor data,
/// and the file size. Hashing the whole file (a gigabyte) would take seconds; this takes
/// milliseconds and still changes with the architecture, tokenizer, quantization or weights.
public enum ModelIdentity {
    static let sampleCount = 64
    static let sampleBytes = 4096

    /// `gguf-sha256:<hex>:<size>` for `file`.
    public static func compute(_ file: GGUFFile) -> String {
        let bytes = file.mapping.bytes, size = file.mapping.count
        var hash = SHA256()
        hash.update(UnsafeRawBufferPointer(start: bytes, count: min(file.dataOffset, size)))
        let dataBytes = size - file.dataOffset
        if dataBytes > 0 {
            let stride = max(dataBytes / sampleCount, 1)
            for sample in 0..<sampleCount {
                let start = file.dataOffset + min(sample * stride, dataBytes - 1)
                hash.update(UnsafeRawBufferPointer(start: bytes + start, count: min(sampleBytes, size - start)))
            }
        }
        return "gguf-sha256:\(hash.finalize().hexString):\(size)"
    }
}

extension ModelIdentity {
    /// `<model identity>+lora-sha256:<hex>`: the identity of `model` run with the adapter file at
    /// `adapterPath`, hashed whole (adapters are megabytes).
    public static func adapted(_ model: String, adapterPath: String) throws(LoRAAdapterFileError) -> String {
        let file: MappedFile
        do { file = try MappedFile(path: adapterPath) } catch { throw .file(error) }
        var hash = SHA256()
        hash.update(UnsafeRawBufferPointer(start: file.bytes, count: file.count))
        return "\(model)+lora-sha256:\(hash.finalize().hexString)"
    }
}

/// Size and modification time of a file, the key under which its identity is memoised.
struct FileStamp: Equatable {
    let size: Int64
    let modified: Double

    init?(path: String) {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
              let size = attributes[.size] as? NSNumber,
              let modified = attributes[.modificationDate] as? Date else { return nil }
        self.size = size.int64Value
        self.modified = modified.timeIntervalSince1970
    }
}
