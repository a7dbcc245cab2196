@testable import Agent
import Foundation
import HTTP
import LLM
import Testing

/// The HTTP backend against scripted servers: request format, retries, errors, concurrency.
struct OpenAIBackendTests {
    static let fastRetry = RetryPolicy(maxAttempts: 4, baseDelay: .milliseconds(10), maxDelay: .milliseconds(40))

    static func backend(_ url: String, apiKey: APIKey? = nil, timeout: Duration = .seconds(10), parallel: Int = 4,
                        retry: RetryPolicy = fastRetry) -> OpenAIBackend {
        OpenAIBackend(.init(baseURL: url, model: "fake-model", apiKey: apiKey, connectTimeout: .seconds(2),
                            requestTimeout: timeout, retry: retry),
                      limiter: RequestLimiter(limit: parallel))
    }

    static let request = CompletionRequest(messages: [ChatMessage(role: .system, content: "Be brief."),
                                                      ChatMessage(role: .user, content: "What is 2+2?")],
                                           sampling: .greedy(maxTokens: 12))

    @Test func sendsTheChatCompletionsRequestAndReadsTextUsageAndFinishReason() async throws {
        let server = try FakeServer { _, _ in FakeServer.completion("4", promptTokens: 11, completionTokens: 2, finishReason: "length") }
        let completion = try await Self.backend(server.url + "/", apiKey: APIKey("sk-test-123")).complete(Self.request)
        #expect(completion.text == "4")
        #expect(completion.promptTokens == 11 && completion.completionTokens == 2)
        #expect(completion.stopReason == .maxTokens)
        let sent = try #require(server.requests.first)
        #expect(sent.method == "POST" && sent.path == "/v1/chat/completions")
        #expect(sent.headers["Authorization"] == "Bearer sk-test-123")
        let body = try #require(JSONSerialization.jsonObject(with: Data(sent.body)) as? [String: Any])
        #expect(body["model"] as? String == "fake-model")
        #expect(body["max_tokens"] as? Int == 12)
        #expect(body["temperature"] as? Double == 0)
        #expect(body["top_p"] as? Double == 0.95)
        #expect(body["seed"] as? Int == 0)
        #expect(body["stop"] == nil)
        let messages = try #require(body["messages"] as? [[String: String]])
        #expect(messages == [["role": "system", "content": "Be brief."], ["role": "user", "content": "What is 2+2?"]])
    }

    /// OpenAI's `stop` covers both the end of a turn and a stop string; vLLM's and `divvy serve`'s
    /// `stop_reason` tells them apart (a token id there is a stop token, so the end of a turn).
    @Test(arguments: [("stop", #""\n9.""#, StopReason.stopString), ("stop", "null", .endOfTurn),
                      ("stop", "151645", .endOfTurn), ("length", "null", .maxTokens)])
    func finishAndStopReasonBecomeTheTypedStopReason(finish: String, stopJSON: String, expected: StopReason) async throws {
        let server = try FakeServer { _, _ in
            let stop = (try? JSONSerialization.jsonObject(with: Data(stopJSON.utf8), options: .fragmentsAllowed)) ?? NSNull()
            return FakeServer.completion("1. A?", finishReason: finish, stopReason: stop)
        }
        #expect(try await Self.backend(server.url).complete(Self.request).stopReason == expected)
    }

    /// A remote planner cut where a ninth step would begin is refused as a local one is, because
    /// the stop reason crosses the HTTP boundary as a stop string, not as a normal stop.
    @Test func remotePlannerStoppedPastTheLimitIsRefused() async throws {
        let loop = (1...8).map { "\($0). How many cats are left?" }.joined(separator: "\n")
        let planner = try FakeServer { _, _ in FakeServer.completion(loop, stopReason: "\n9.") }
        let solver = try FakeServer { _, _ in FakeServer.completion("3000 / 120 = 25. The answer is: 25") }
        let task = TaskItem(id: "jane", task: "Jane runs 3 kilometers in two hours. What is her speed in meters per minute?",
                            answer: "25", line: 1)
        let record = await TaskSolver(planner: Self.backend(planner.url), solver: Self.backend(solver.url), cache: nil,
                                      maxTokens: 64).solve(task)
        #expect(record.plan?.status == .fallback)
        #expect(record.plan?.reason == "stopped at step 9, past the limit of 8")
        #expect(record.answer == "25")
    }

    @Test func identityAndRenderedPromptNameTheServerModelAndMessages() {
        let backend = Self.backend("http://127.0.0.1:8080/v1/")
        #expect(backend.identity == "openai:http://127.0.0.1:8080/v1#fake-model")
        #expect(backend.renderedPrompt([ChatMessage(role: .user, content: "a \"b\"\n\u{1}")])
                == #"[{"role":"user","content":"a \"b\"\n\u0001"}]"#)
        #expect(!String(describing: APIKey("sk-secret")).contains("sk-secret"))
    }

    @Test func retriesTwo503sThenSucceeds() async throws {
        let server = try FakeServer { number, _ in number <= 2 ? FakeServer.error(503, "busy") : FakeServer.completion("ok") }
        let completion = try await Self.backend(server.url).complete(Self.request)
        #expect(completion.text == "ok")
        #expect(server.requests.count == 3)
    }

    @Test func retriesA429() async throws {
        let server = try FakeServer { number, _ in number == 1 ? FakeServer.error(429, "slow down") : FakeServer.completion("ok") }
        #expect(try await Self.backend(server.url).complete(Self.request).text == "ok")
        #expect(server.requests.count == 2)
    }

    @Test func retriesResetConnectionsThenGivesUp() async throws {
        let server = try ResettingServer()
        let error = await #expect(throws: OpenAIBackendError.self) { try await Self.backend(server.url).complete(Self.request) }
        #expect(error == .gaveUp(attempts: 4, last: .connectionLost(url: server.url + "/chat/completions")))
        #expect(server.connections == 4)
    }

    @Test func givesUpAfterMaxAttemptsWithTheLastError() async throws {
        let server = try FakeServer { _, _ in FakeServer.error(500, "boom") }
        let backend = Self.backend(server.url, retry: RetryPolicy(maxAttempts: 3, baseDelay: .milliseconds(5)))
        let error = await #expect(throws: OpenAIBackendError.self) { try await backend.complete(Self.request) }
        #expect(error == .gaveUp(attempts: 3, last: .status(url: server.url + "/chat/completions", code: 500, message: "boom")))
        #expect(error?.description.contains("answered 500: boom (gave up after 3 attempts)") == true)
        #expect(server.requests.count == 3)
    }

    @Test func doesNotRetryAClientError() async throws {
        let server = try FakeServer { _, _ in FakeServer.error(401, "invalid API key") }
        let error = await #expect(throws: OpenAIBackendError.self) {
            try await Self.backend(server.url, apiKey: APIKey("sk-wrong")).complete(Self.request)
        }
        #expect(error == .status(url: server.url + "/chat/completions", code: 401, message: "invalid API key"))
        #expect(error?.description.contains("sk-wrong") == false)
        #expect(server.requests.count == 1)
    }

    @Test func unreachableServerFailsAtOnceWithAClearError() async throws {
        let url = try closedPortURL()
        let error = await #expect(throws: OpenAIBackendError.self) { try await Self.backend(url).complete(Self.request) }
        #expect(error?.description == "cannot reach \(url)/chat/completions: connection refused")
        #expect(error?.isRetryable == false, "a refused connection is not retried")
        #expect(throws: OpenAIBackendError.unreachable(url: url + "/models", reason: "connection refused")) {
            try Self.backend(url).listModels()
        }
    }

    @Test func slowServerTimesOut() async throws {
        let server = try FakeServer { _, _ in
            Thread.sleep(forTimeInterval: 1.5)
            return FakeServer.completion("late")
        }
        let error = await #expect(throws: OpenAIBackendError.self) {
            try await Self.backend(server.url, timeout: .milliseconds(300)).complete(Self.request)
        }
        guard case let .timedOut(url, seconds) = error else { Issue.record("expected a timeout, got \(String(describing: error))"); return }
        #expect(url == server.url + "/chat/completions")
        #expect(seconds >= 0.3 && seconds < 1.5)
        #expect(server.requests.count == 1, "a timed-out generation is not sent again")
    }

    @Test func manyRequestsRunAtOnceUpToTheLimit() async throws {
        let server = try FakeServer { _, _ in
            Thread.sleep(forTimeInterval: 0.2)
            return FakeServer.completion("ok")
        }
        let backend = Self.backend(server.url, parallel: 3)
        let texts = try await withThrowingTaskGroup(of: String.self) { group in
            for _ in 0..<9 { group.addTask { try await backend.complete(Self.request).text } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(texts == Array(repeating: "ok", count: 9))
        #expect(server.peakHandling == 3, "three requests in flight at once, never more")
    }

    @Test func listModelsReadsTheServersModelIds() throws {
        let server = try FakeServer { _, request in
            request.path == "/v1/models"
                ? HTTPResponse(status: 200, contentType: "application/json", text: #"{"object":"list","data":[{"id":"m1"},{"id":"m2"}]}"#)
                : FakeServer.error(404, "not found")
        }
        #expect(try Self.backend(server.url).listModels() == ["m1", "m2"])
    }

    @Test func backoffGrowsExponentiallyWithJitterAndHonoursRetryAfter() {
        let policy = RetryPolicy(maxAttempts: 5, baseDelay: .milliseconds(100), maxDelay: .milliseconds(300))
        for _ in 0..<20 {
            #expect((.milliseconds(50)...(.milliseconds(100))).contains(policy.delay(afterAttempt: 1)))
            #expect((.milliseconds(100)...(.milliseconds(200))).contains(policy.delay(afterAttempt: 2)))
            #expect((.milliseconds(150)...(.milliseconds(300))).contains(policy.delay(afterAttempt: 4)))
        }
        #expect(policy.delay(afterAttempt: 1, retryAfter: .seconds(2)) == .seconds(2))
        #expect(policy.delay(afterAttempt: 1, retryAfter: .seconds(600)) == RetryPolicy.retryAfterCap)
    }
}
