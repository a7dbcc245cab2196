import Foundation
import HTTP
import Serve
import Synchronization
import Testing

@Suite(.serialized) struct ChatCompletionTests {
    static let prompts = ["What is 2+2?", "Name a colour.", "Say hello in French.", "What is the capital of Italy?"]

    /// Batched greedy decoding gives the same tokens as decoding alone as long as every step runs
    /// the same matmul path: steps under 128 tokens quantize activations to int8, larger ones use
    /// fp32 sgemm, whose rounding can flip a greedy choice. So the prompts here are short (a brief
    /// system message instead of the model's default) and add up to fewer than 128 tokens.
    @Test func concurrentGreedyRequestsMatchTheSameRequestsRunOneByOne() throws {
        let server = try RunningServer(parallel: 4)
        let bodies = try Self.prompts.map { try greedyRequest($0, maxTokens: 12, system: "Be brief.") }
        let alone = try bodies.map { try server.complete($0) }
        let promptTokens = alone.map { ($0.body["usage"] as? [String: Any])?["prompt_tokens"] as? Int ?? 0 }
        try #require(promptTokens.reduce(0, +) + Self.prompts.count < 128)
        #expect(try server.health()["peak_running"] as? Int == 1)
        let together = onThreads(bodies.map { body in { @Sendable in try? server.post(body) } })
        for (single, batched) in zip(alone, together) {
            #expect(single.status == 200)
            #expect(batched?.status == 200)
            let text = replyText(jsonObject(batched?.text ?? ""))
            #expect(text == replyText(single.body))
            #expect(text?.isEmpty == false)
        }
        #expect(try (server.health()["peak_running"] as? Int ?? 0) > 1, "the requests were not batched together")
    }

    @Test func replyReportsUsageAndFinishReason() throws {
        let server = try RunningServer()
        let short = try server.complete(greedyRequest("Write a long story about a dragon.", maxTokens: 5))
        #expect(short.status == 200)
        #expect(short.body["object"] as? String == "chat.completion")
        let choice = (short.body["choices"] as? [[String: Any]])?.first
        #expect(choice?["finish_reason"] as? String == "length")
        let usage = short.body["usage"] as? [String: Any]
        #expect(usage?["completion_tokens"] as? Int == 5)
        #expect((usage?["prompt_tokens"] as? Int ?? 0) > 5)
        #expect(usage?["total_tokens"] as? Int == (usage?["prompt_tokens"] as? Int ?? 0) + 5)
    }

    @Test func stopStringEndsTheReplyWithFinishReasonStop() throws {
        let server = try RunningServer()
        let plain = try server.complete(greedyRequest("What is 2+2?", maxTokens: 12))
        let text = try #require(replyText(plain.body))
        let words = text.split(separator: " ")
        try #require(words.count >= 3)
        let stop = String(words[2])
        let body = #"{"messages":[{"role":"user","content":"What is 2+2?"}],"max_tokens":12,"temperature":0,"stop":"\#(stop)"}"#
        let stopped = try server.complete(body)
        #expect(replyText(stopped.body) == String(text[..<text.range(of: stop)!.lowerBound]))
        let choice = (stopped.body["choices"] as? [[String: Any]])?.first
        #expect(choice?["finish_reason"] as? String == "stop")
        #expect(choice?["stop_reason"] as? String == stop, "vLLM's field names the stop string")
        #expect((plain.body["choices"] as? [[String: Any]])?.first?["stop_reason"] is NSNull)
    }

    @Test func accessLogHasOneLinePerRequestWithStatusTokensAndTime() throws {
        let lines = Mutex<[String]>([])
        let server = try RunningServer(accessLog: AccessLog { line in lines.withLock { $0.append(line) } })
        let whole = try server.complete(greedyRequest("What is 2+2?", maxTokens: 5))
        let usage = try #require(whole.body["usage"] as? [String: Any])
        _ = try HTTPClient().send("GET", server.url + "/nope")
        let streamed = try HTTPClient().postJSON(server.url + "/v1/chat/completions",
                                                 Array(greedyRequest("Name a colour.", maxTokens: 4, stream: true).utf8))
        _ = try streamed.text()   // the stream's line is written when it ends
        var logged: [String] = []
        for _ in 0..<50 where logged.count < 3 {
            logged = lines.withLock { $0 }
            Thread.sleep(forTimeInterval: 0.02)
        }
        try #require(logged.count == 3, "\(logged)")
        let tokens = "\(usage["prompt_tokens"] as? Int ?? -1)+\(usage["completion_tokens"] as? Int ?? -1) tokens"
        #expect(logged[0].range(of: #"^POST /v1/chat/completions 200 "# + NSRegularExpression.escapedPattern(for: tokens) + #" \d+ ms$"#, options: .regularExpression) != nil, "\(logged[0])")
        #expect(logged[1].range(of: #"^GET /nope 404 \d+ ms$"#, options: .regularExpression) != nil, "\(logged[1])")
        #expect(logged[2].range(of: #"^POST /v1/chat/completions 200 \d+\+\d+ tokens \d+ ms$"#, options: .regularExpression) != nil, "\(logged[2])")
    }

    @Test func streamedDeltasAddUpToTheWholeReply() throws {
        let server = try RunningServer()
        let whole = try server.complete(greedyRequest("Name a colour.", maxTokens: 10))
        let response = try HTTPClient().postJSON(server.url + "/v1/chat/completions",
                                                 Array(greedyRequest("Name a colour.", maxTokens: 10, stream: true).utf8))
        #expect(response.status == 200)
        #expect(response.headers["content-type"] == "text/event-stream")
        var events: [String] = []
        while let line = try response.nextLine() {
            guard !line.isEmpty else { continue }
            events.append(try #require(line.hasPrefix("data: ") ? String(line.dropFirst(6)) : nil))
        }
        #expect(events.last == "[DONE]")
        let chunks = events.dropLast().map(jsonObject)
        let choices = chunks.compactMap { ($0["choices"] as? [[String: Any]])?.first }
        let deltas = choices.compactMap { $0["delta"] as? [String: Any] }
        #expect(deltas.first?["role"] as? String == "assistant")
        #expect(deltas.compactMap { $0["content"] as? String }.joined() == replyText(whole.body))
        #expect(choices.last?["finish_reason"] as? String == "length")
        #expect((chunks.last?["usage"] as? [String: Any])?["completion_tokens"] as? Int == 10)
        #expect(chunks.allSatisfy { $0["object"] as? String == "chat.completion.chunk" })
    }

    @Test func modelsAndHealth() throws {
        let server = try RunningServer()
        let models = jsonObject(try HTTPClient().send("GET", server.url + "/v1/models").text())
        #expect((models["data"] as? [[String: Any]])?.first?["id"] as? String == "smollm2-135m")
        #expect(try server.health()["status"] as? String == "ok")
    }
}
