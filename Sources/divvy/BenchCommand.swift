import ArgParse
import Dispatch
import Foundation
import LLM
import Tensor

/// `divvy bench`: throughput, latency, memory bandwidth and the decode roofline of one model.
enum BenchCommand: CLICommand {
    static let path = ["bench"]
    static let model = Option<String>("model", short: "m", valueName: "name|path", help: "Model short name or .gguf path.",
                                      default: "qwen2.5-coder-1.5b")
    static let threads = Option<Int>("threads", valueName: "n", help: "Threads: 1, or 2+ for the whole worker pool.",
                                     default: 2, validate: { $0 >= 1 ? nil : "must be at least 1" })
    static let json = Flag("json", help: "Print the figures as JSON instead of a table.")
    static let sections = ["prefill", "decode", "batch", "speculation", "ttft", "bandwidth"]
    static let only = Option<String>("only", valueName: "list", help: "Comma-separated sections to run: \(sections.joined(separator: ", ")) (default: all).",
                                     validate: { list in
                                         let unknown = list.split(separator: ",").map(String.init).filter { !sections.contains($0) }
                                         return unknown.isEmpty ? nil : "unknown section \(unknown.joined(separator: ", "))"
                                     })
    static let sgemmMinTokens = Option<Int>("sgemm-min-tokens", valueName: "n",
                                            help: "Tuning: batches of this many tokens or more use dequantized sgemm instead of the int8 kernels.",
                                            validate: { $0 >= 1 ? nil : "must be at least 1" })
    static let draftModel = Option<String>("draft-model", valueName: "name|path",
                                           help: "Also measure the speculation section with this model of the same vocabulary drafting.")
    static let command = Command("bench", summary: "Measure prefill, decode, batched and speculative decode, time to first token and memory bandwidth.",
                                 arguments: [model, threads, json, only, sgemmMinTokens, draftModel])

    struct Report: Encodable {
        let model: String
        let threads: Int
        let sgemmMinTokens: Int
        /// The matrix kernels' instruction level on this CPU.
        let kernels: String
        /// OpenBLAS's kernels for this CPU (sgemm: training, `--sgemm-min-tokens`).
        let openBLASKernels: String
        let loadSeconds: Double
        var prefill64TokensPerSecond, prefill512TokensPerSecond, decode64TokensPerSecond: Double?
        /// Sequence count → summed generated tokens per second.
        var aggregateDecodeTokensPerSecond: [String: Double]?
        /// A program written greedily: generated tokens per second plain and with drafts checked
        /// (the default speculation), and how many drafted tokens were accepted.
        var programDecodeTokensPerSecond, programSpeculativeTokensPerSecond: Double?
        var draftedTokens, acceptedDraftTokens: Int?
        /// The same with `--draft-model` drafting (prompt pass included), one token per step.
        var draftModel: String?
        var programDraftModelTokensPerSecond: Double?
        var draftModelDraftedTokens, draftModelAcceptedTokens: Int?
        /// Tokens of one sequence in a forward pass → seconds (what checking drafts costs).
        var checkStepSeconds: [String: Double]?
        var timeToFirstTokenSeconds, timeToFirstTokenSharedPrefixSeconds: Double?
        var bandwidthOneThreadGBps, bandwidthTwoThreadsGBps: Double?
        let weightBytesPerToken: Int
        var decodeCeilingTokensPerSecond, decodeFractionOfCeiling: Double?
        var peakRSSBytes = 0
    }

    static func run(_ arguments: ParsedCommand) async throws {
        let path = try ModelLocator.resolve(arguments[model]!)
        MatmulTuning.parallel = arguments[threads]! > 1
        if let tokens = arguments[sgemmMinTokens] { MatmulTuning.sgemmMinTokens = tokens }
        let usedThreads = MatmulTuning.parallel ? WorkerPool.shared.threadCount : 1
        let progress = Console.stderrIsTerminal && !arguments[json]
        func step(_ what: String) { if progress { Console.error("… \(what)") } }

        step("loading")
        var loadSeconds = Double.infinity
        var loaded: LanguageModel?
        for _ in 0..<3 {
            let t0 = DispatchTime.now().uptimeNanoseconds
            loaded = try LanguageModel(path: path)
            loadSeconds = min(loadSeconds, Double(DispatchTime.now().uptimeNanoseconds - t0) * 1e-9)
        }
        let bench = EngineBenchmark(model: loaded!)
        let draftPath = try arguments[draftModel].map(ModelLocator.resolve)
        let draft = try draftPath.map { path in try SpeculationOption.draft(at: path, for: loaded!) }
        let wanted = Set(arguments[only].map { $0.split(separator: ",").map(String.init) } ?? sections)
        var report = Report(model: path, threads: usedThreads, sgemmMinTokens: MatmulTuning.sgemmMinTokens,
                            kernels: kernelLevelName, openBLASKernels: openBLASCore, loadSeconds: loadSeconds, weightBytesPerToken: bench.weightBytesPerToken)
        _ = try bench.prefill(tokens: 16, repeats: 1)   // touch the weights once
        if wanted.contains("prefill") {
            step("prefill")
            report.prefill64TokensPerSecond = try bench.prefill(tokens: 64)
            report.prefill512TokensPerSecond = try bench.prefill(tokens: 512, repeats: 2)
        }
        if wanted.contains("decode") {
            step("decode")
            report.decode64TokensPerSecond = try bench.decode(sequences: 1)
        }
        if wanted.contains("batch") {
            var aggregate: [String: Double] = [:]
            for sequences in [1, 2, 4, 8] {
                step("decode, \(sequences) sequences")
                aggregate[String(sequences)] = try bench.decode(sequences: sequences)
            }
            report.aggregateDecodeTokensPerSecond = aggregate
        }
        if wanted.contains("speculation") {
            step("speculative decode")
            let run = try bench.speculativeDecode(SpeculationPolicy())
            report.programDecodeTokensPerSecond = run.plain
            report.programSpeculativeTokensPerSecond = run.speculative
            report.draftedTokens = run.drafted
            report.acceptedDraftTokens = run.accepted
            if let draft {
                step("speculative decode, drafts by \(draftPath!)")
                let drafted = try bench.speculativeDecode(SpeculationPolicy(), draft: draft)
                report.draftModel = draftPath
                report.programDraftModelTokensPerSecond = drafted.speculative
                report.draftModelDraftedTokens = drafted.drafted
                report.draftModelAcceptedTokens = drafted.accepted
            }
            var steps: [String: Double] = [:]
            for tokens in Self.checkedTokens { steps[String(tokens)] = try bench.checkStep(tokens: tokens) }
            report.checkStepSeconds = steps
        }
        if wanted.contains("ttft") {
            step("time to first token")
            report.timeToFirstTokenSeconds = try bench.timeToFirstToken(sharedPrefix: false)
            report.timeToFirstTokenSharedPrefixSeconds = try bench.timeToFirstToken(sharedPrefix: true)
        }
        report.peakRSSBytes = peakRSS()   // before the bandwidth probe's 1 GiB array
        if wanted.contains("bandwidth") {
            step("memory bandwidth")
            let bandwidth1 = MemoryBandwidth.measure(pool: .serial)
            let bandwidth2 = MemoryBandwidth.measure(pool: .shared)
            report.bandwidthOneThreadGBps = bandwidth1 / 1e9
            report.bandwidthTwoThreadsGBps = bandwidth2 / 1e9
            let ceiling = (usedThreads > 1 ? max(bandwidth1, bandwidth2) : bandwidth1) / Double(bench.weightBytesPerToken)
            report.decodeCeilingTokensPerSecond = ceiling
            report.decodeFractionOfCeiling = report.decode64TokensPerSecond.map { $0 / ceiling }
        }
        if arguments[json] { return try Console.printJSON(report) }
        print(table(report))
    }

    /// Tokens per forward pass whose cost `speculation` reports.
    static let checkedTokens = [1, 2, 3, 4, 5]

    static func table(_ r: Report) -> String {
        func f(_ x: Double?, _ digits: Int = 1) -> String { x.map { String(format: "%.\(digits)f", $0) } ?? "–" }
        let aggregate = ["1", "2", "4", "8"].map { f(r.aggregateDecodeTokensPerSecond?[$0]) }.joined(separator: " / ")
        let rows: [(String, String)] = [
            ("model", r.model),
            ("threads", String(r.threads)),
            ("kernels", r.kernels),
            ("OpenBLAS kernels", r.openBLASKernels),
            ("load", f(r.loadSeconds * 1000, 0) + " ms"),
            ("prefill, 64 tokens", f(r.prefill64TokensPerSecond) + " tok/s"),
            ("prefill, 512 tokens", f(r.prefill512TokensPerSecond) + " tok/s"),
            ("decode, 64 tokens", f(r.decode64TokensPerSecond) + " tok/s"),
            ("aggregate decode, 1/2/4/8 seqs", aggregate + " tok/s"),
            ("program decode, plain / drafted", f(r.programDecodeTokensPerSecond) + " / " + f(r.programSpeculativeTokensPerSecond) + " tok/s"
                + (r.draftedTokens.map { " (\(r.acceptedDraftTokens ?? 0) of \($0) drafts accepted)" } ?? "")),
            ("  drafted by the draft model", f(r.programDraftModelTokensPerSecond) + " tok/s"
                + (r.draftModelDraftedTokens.map { " (\(r.draftModelAcceptedTokens ?? 0) of \($0) drafts accepted)" } ?? "")),
            ("step of 1/2/3/4/5 tokens, one seq", Self.checkedTokens.map { f(r.checkStepSeconds?[String($0)].map { $0 * 1000 }, 0) }
                .joined(separator: " / ") + " ms"),
            ("first token, 416-token prompt", f(r.timeToFirstTokenSeconds.map { $0 * 1000 }, 0) + " ms"),
            ("  same, 400 tokens shared", f(r.timeToFirstTokenSharedPrefixSeconds.map { $0 * 1000 }, 0) + " ms"),
            ("read bandwidth, 1 / 2 threads", f(r.bandwidthOneThreadGBps) + " / " + f(r.bandwidthTwoThreadsGBps) + " GB/s"),
            ("weights read per token", f(Double(r.weightBytesPerToken) / 1e6) + " MB"),
            ("decode ceiling (roofline)", f(r.decodeCeilingTokensPerSecond) + " tok/s"),
            ("decode share of ceiling", f(r.decodeFractionOfCeiling.map { $0 * 100 }, 0) + "%"),
            ("peak RSS", f(Double(r.peakRSSBytes) / 1e6, 0) + " MB"),
        ]
        let measured = rows.filter { !$0.1.hasPrefix("–") }   // sections left out by --only
        let width = measured.map(\.0.count).max() ?? 0
        return measured.map { $0.0.padding(toLength: width + 2, withPad: " ", startingAt: 0) + $0.1 }.joined(separator: "\n")
    }

    /// Largest resident set of this process so far (includes the mapped weight pages touched).
    static func peakRSS() -> Int {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return usage.ru_maxrss * 1024
    }
}
