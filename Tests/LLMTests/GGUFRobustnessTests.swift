import Foundation
import LLM
import Testing

/// The GGUF reader and model loader on damaged files: every outcome is a load or a typed error.
struct GGUFRobustnessTests {
    /// Bytes before the tensor data: header, metadata and tensor infos of the tiny model.
    static func headerLength(_ writer: GGUFWriter) -> Int {
        var dataless = writer
        dataless.tensors = writer.tensors.map { .init(name: $0.name, shape: $0.shape, rawType: $0.rawType, bytes: Data()) }
        return dataless.bytes().count
    }

    /// The file cut at every byte of its header and metadata, and at every tensor boundary.
    @Test func truncationAtEveryHeaderByteIsRefused() throws {
        let writer = TinyModel.writer()
        let bytes = writer.bytes()
        let header = Self.headerLength(writer)
        var cuts = Array(0..<header)
        var end = header
        for tensor in writer.tensors {
            end += tensor.bytes.count
            cuts += [end - 1, end - tensor.bytes.count + 1]
        }
        let path = TestFiles.freshPath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        for cut in cuts where cut < bytes.count {
            try bytes.prefix(cut).write(to: URL(fileURLWithPath: path))
            #expect(throws: ModelFileError.self, "cut at \(cut) of \(bytes.count)") { try LanguageModel(path: path) }
        }
    }

    /// Random byte changes in the header region: the loader either accepts the file (and it
    /// runs) or throws a `ModelFileError`; nothing crashes or allocates without bound.
    @Test func randomHeaderCorruptionNeverCrashes() throws {
        let writer = TinyModel.writer()
        let pristine = writer.bytes()
        let header = Self.headerLength(writer)
        var random = SeededGenerator(seed: 20261126)
        let path = TestFiles.freshPath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        var refused = 0, loaded = 0
        for _ in 0..<400 {
            var bytes = pristine
            for _ in 0..<Int.random(in: 1...4, using: &random) {
                bytes[Int.random(in: 0..<header, using: &random)] = UInt8.random(in: 0...255, using: &random)
            }
            try bytes.write(to: URL(fileURLWithPath: path))
            do {
                let model = try LanguageModel(path: path)
                loaded += 1
                var batch = Batch()
                batch.add([1, 2], from: 0, sequence: 0, logitsForLast: true)
                _ = try InferenceContext(model: model, capacity: 8).decode(batch)
            } catch is ModelFileError {
                refused += 1
            }
        }
        #expect(refused + loaded == 400)
        #expect(refused > 0)
    }

    @Test func randomBytesAreNotAModel() throws {
        var random = SeededGenerator(seed: 7)
        for length in [0, 3, 4, 16, 24, 100, 4096] {
            var bytes = Data((0..<length).map { _ in UInt8.random(in: 0...255, using: &random) })
            if length >= 4 { bytes.replaceSubrange(0..<4, with: Array("GGUF".utf8)) }
            let path = try GGUFWriter.temporaryFile(bytes)
            #expect(throws: ModelFileError.self, "\(length) random bytes") { try LanguageModel(path: path) }
        }
    }
}
