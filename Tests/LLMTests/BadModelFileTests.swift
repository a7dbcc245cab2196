import Foundation
import LLM
import Testing

/// Broken model files give a typed error that names the problem, never a crash.
struct BadModelFileTests {
    @Test func tinyModelLoadsAndRuns() throws {
        let model = try LanguageModel(path: TinyModel.writer().temporaryFile())
        let context = InferenceContext(model: model, capacity: 16)
        var batch = Batch()
        batch.add([1, 2, 3], from: 0, sequence: 0, logitsForLast: true)
        let logits = try context.decode(batch)
        #expect(logits.rowCount == 1)
        #expect(logits.row(0).allSatisfy { $0.isFinite })
    }

    @Test func wrongMagic() throws {
        var bytes = TinyModel.writer().bytes()
        bytes.replaceSubrange(0..<4, with: Array("GGML".utf8))
        let error = #expect(throws: ModelFileError.self) { try GGUFFile(path: GGUFWriter.temporaryFile(bytes)) }
        guard case .badMagic = error else { Issue.record("got \(String(describing: error))"); return }
        #expect(error?.description.contains("not a GGUF model file") == true)
    }

    @Test func unsupportedVersion() throws {
        var writer = TinyModel.writer()
        writer.version = 1
        let error = #expect(throws: ModelFileError.self) { try GGUFFile(path: writer.temporaryFile()) }
        guard case .unsupportedVersion(_, 1) = error else { Issue.record("got \(String(describing: error))"); return }
    }

    /// Cut at many points (inside the header, metadata, tensor infos and data), the file is refused
    /// with `truncated` or `malformed`, and the message names the file.
    @Test func truncatedAnywhere() throws {
        let bytes = TinyModel.writer().bytes()
        let cuts = [1, 4, 10, 23, 24, 100, 500, 1000, bytes.count / 2, bytes.count - 1]
        for cut in cuts {
            let path = try GGUFWriter.temporaryFile(bytes.prefix(cut))
            let error = #expect(throws: ModelFileError.self, "cut at \(cut)") { try LanguageModel(path: path) }
            switch error {
            case .truncated?, .malformed?: #expect(error!.description.contains(path))
            default: Issue.record("cut at \(cut): got \(String(describing: error))")
            }
        }
    }

    @Test func emptyFile() throws {
        let error = #expect(throws: ModelFileError.self) { try GGUFFile(path: GGUFWriter.temporaryFile(Data())) }
        guard case .truncated = error else { Issue.record("got \(String(describing: error))"); return }
    }

    @Test func unknownTensorType() throws {
        var writer = TinyModel.writer()
        let first = writer.tensors[0]
        writer.tensors[0] = .init(name: first.name, shape: first.shape, rawType: 99, bytes: first.bytes)
        let error = #expect(throws: ModelFileError.self) { try GGUFFile(path: writer.temporaryFile()) }
        guard case .unknownTensorType(_, "token_embd.weight", 99) = error else {
            Issue.record("got \(String(describing: error))"); return
        }
    }

    /// A second tensor whose data offset points into the first's data is refused, as llama.cpp does.
    @Test func overlappingTensorDataIsMalformed() throws {
        let writer = TinyModel.writer()
        var bytes = writer.bytes()
        let second = writer.tensors[1]
        // The header entry: name length (u64), name, dimension count (u32), dimensions (u64 each), type (u32), offset (u64).
        var entry = Data()
        withUnsafeBytes(of: UInt64(second.name.utf8.count).littleEndian) { entry.append(contentsOf: $0) }
        entry.append(contentsOf: Array(second.name.utf8))
        let start = try #require(bytes.range(of: entry)).upperBound
        let offsetField = start + 4 + 8 * second.shape.count + 4
        bytes.replaceSubrange(offsetField..<offsetField + 8, with: Data(count: 8))   // offset 0: the first tensor's data
        let error = #expect(throws: ModelFileError.self) { try GGUFFile(path: GGUFWriter.temporaryFile(bytes)) }
        guard case let .malformed(_, reason) = error, reason.contains("overlap") else {
            Issue.record("got \(String(describing: error))"); return
        }
        #expect(reason.contains(second.name))
    }

    @Test func tensorTypeTheEngineCannotUse() throws {
        var writer = TinyModel.writer()
        let first = writer.tensors[0]
        // Q5_1 (7) is a valid GGUF type that none of our models uses: the file opens, the model does not.
        let q5_1Bytes = Data(count: first.shape[1] * first.shape[0] / 32 * 24)
        writer.tensors[0] = .init(name: first.name, shape: first.shape, rawType: 7, bytes: q5_1Bytes)
        let path = try writer.temporaryFile()
        _ = try GGUFFile(path: path)
        let error = #expect(throws: ModelFileError.self) { try LanguageModel(path: path) }
        guard case .unsupportedTensorType(_, "token_embd.weight", "Q5_1") = error else {
            Issue.record("got \(String(describing: error))"); return
        }
    }

    @Test func unsupportedArchitecture() throws {
        let error = #expect(throws: ModelFileError.self) {
            try LanguageModel(path: TinyModel.writer(architecture: "gptneox").temporaryFile())
        }
        guard case .unsupportedArchitecture(_, "gptneox") = error else { Issue.record("got \(String(describing: error))"); return }
        #expect(error?.description.contains("llama and qwen2") == true)
    }

    @Test func missingTensor() throws {
        var writer = TinyModel.writer()
        writer.tensors.removeAll { $0.name == "blk.1.ffn_up.weight" }
        let error = #expect(throws: ModelFileError.self) { try LanguageModel(path: writer.temporaryFile()) }
        guard case .missingTensor(_, "blk.1.ffn_up.weight") = error else { Issue.record("got \(String(describing: error))"); return }
    }

    @Test func hugeArrayCountDoesNotAllocate() throws {
        var bytes = GGUFWriter(metadata: [("tokenizer.ggml.tokens", .strings(["a"]))]).bytes()
        // The array's count sits after magic, version, two counts, the key and two type tags.
        let countOffset = 4 + 4 + 8 + 8 + 8 + "tokenizer.ggml.tokens".utf8.count + 4 + 4
        bytes.replaceSubrange(countOffset..<countOffset + 8, with: [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F])
        let error = #expect(throws: ModelFileError.self) { try GGUFFile(path: GGUFWriter.temporaryFile(bytes)) }
        guard case .malformed = error else { Issue.record("got \(String(describing: error))"); return }
    }

    @Test func notAFile() {
        let error = #expect(throws: ModelFileError.self) { try GGUFFile(path: NSTemporaryDirectory()) }
        guard case .unreadable = error else { Issue.record("got \(String(describing: error))"); return }
    }
}
