import Foundation
import HTTP
import Testing

@Suite(.serialized) struct ServeErrorTests {
    static let badBodies: [(body: String, param: String?)] = [
        ("{not json", nil),
        ("[1, 2]", nil),
        (#"{"messages": "hi"}"#, "messages"),
        (#"{"messages": []}"#, "messages"),
        (#"{"max_tokens": 5}"#, "messages"),
        (#"{"messages": [{"role": "user"}]}"#, "messages[0].content"),
        (#"{"messages": [{"role": 1, "content": "hi"}]}"#, "messages[0].role"),
        (#"{"messages": [{"role": "user", "content": "hi"}], "max_tokens": "5"}"#, "max_tokens"),
        (#"{"messages": [{"role": "user", "content": "hi"}], "max_tokens": 0}"#, "max_tokens"),
        (#"{"messages": [{"role": "user", "content": "hi"}], "temperature": "hot"}"#, "temperature"),
        (#"{"messages": [{"role": "user", "content": "hi"}], "temperature": 7}"#, "temperature"),
        (#"{"messages": [{"role": "user", "content": "hi"}], "stream": "yes"}"#, "stream"),
        (#"{"messages": [{"role": "user", "content": "hi"}], "stop": 3}"#, "stop"),
        (#"{"messages": [{"role": "user", "content": "hi"}], "n": 2}"#, "n"),
        (#"{"messages": [{"role": "wizard", "content": "hi"}]}"#, "messages[0].role"),
        (#"{"messages": [{"role": "user", "content": "hi"}], "response_format": {"type": "json_object"}}"#, "response_format"),
        (#"{"messages": [{"role": "user", "content": "hi"}], "logprobs": true}"#, "logprobs"),
        (#"{"messages": [{"role": "user", "content": "hi"}], "tools": [{"type": "function"}]}"#, "tools"),
        (#"{"messages": [{"role": "user", "content": "hi"}], "presence_penalty": 0.5}"#, "presence_penalty"),
    ]

    /// The same fields with values that ask for nothing are accepted.
    @Test func fieldsThatAskForNothingAreAccepted() throws {
        let server = try RunningServer()
        let body = #"{"messages": [{"role": "user", "content": "Hi"}], "max_tokens": 2, "temperature": 0, "#
            + #""response_format": {"type": "text"}, "logprobs": false, "tools": [], "tool_choice": "none", "presence_penalty": 0}"#
        #expect(try server.complete(body).status == 200)
    }

    @Test func badRequestsGetOpenAIErrorsAndTheServerGoesOn() throws {
        let server = try RunningServer()
        for (body, param) in Self.badBodies {
            let (status, object) = try server.complete(body)
            #expect(status == 400, "\(body)")
            let error = try #require(errorObject(object), "\(body)")
            #expect(error["type"] as? String == "invalid_request_error")
            #expect((error["message"] as? String)?.isEmpty == false)
            #expect(error.keys.contains("code"))
            #expect(error["param"] as? String == param, "\(body)")
        }
        #expect(try server.complete(greedyRequest("Hi", maxTokens: 2)).status == 200)
    }

    @Test func promptOverTheContextIsRefusedClearly() throws {
        let server = try RunningServer(context: 64)
        let (status, object) = try server.complete(greedyRequest(String(repeating: "very long prompt ", count: 40)))
        #expect(status == 400)
        let error = try #require(errorObject(object))
        #expect(error["code"] as? String == "context_length_exceeded")
        #expect((error["message"] as? String)?.contains("64 tokens per request") == true)
        let (fits, reply) = try server.complete(greedyRequest("Hi", maxTokens: 500))
        #expect(fits == 200)   // max_tokens is cut to what the context leaves
        #expect((reply["usage"] as? [String: Any])?["total_tokens"] as? Int ?? 0 <= 64)
    }

    @Test func hugeBodyGets413() throws {
        let server = try RunningServer(maxBodyBytes: 4096)
        let huge = try greedyRequest(String(repeating: "x", count: 10_000))
        #expect(try HTTPClient().postJSON(server.url + "/v1/chat/completions", Array(huge.utf8)).status == 413)
        #expect(try server.complete(greedyRequest("Hi", maxTokens: 2)).status == 200)
    }

    @Test func unknownRoutesAndMethods() throws {
        let server = try RunningServer()
        let missing = try HTTPClient().send("GET", server.url + "/v2/nothing")
        #expect(missing.status == 404)
        #expect(errorObject(jsonObject(try missing.text())) != nil)
        #expect(try HTTPClient().send("GET", server.url + "/v1/chat/completions").status == 405)
        #expect(try HTTPClient().send("POST", server.url + "/health").status == 405)
    }

    @Test func fullQueueGets503() throws {
        let server = try RunningServer(parallel: 1, maxQueue: 0)
        let holder = try HTTPClient().postJSON(server.url + "/v1/chat/completions",
                                               Array(greedyRequest("Tell me a long story.", maxTokens: 400, stream: true).utf8))
        _ = try holder.nextLine()   // the first event: the request holds the only slot
        let (status, object) = try server.complete(greedyRequest("Hi", maxTokens: 2))
        #expect(status == 503)
        #expect(errorObject(object)?["code"] as? String == "queue_full")
        holder.close()
        #expect(try eventually(within: 5) { try server.isIdle() })
        #expect(try server.complete(greedyRequest("Hi", maxTokens: 2)).status == 200)
    }

    @Test func clientsThatLeaveFreeTheirSlots() throws {
        let server = try RunningServer(parallel: 2)
        // Streamed: read one event, then hang up.
        let streamed = try HTTPClient().postJSON(server.url + "/v1/chat/completions",
                                                 Array(greedyRequest("Tell me a long story.", maxTokens: 400, stream: true).utf8))
        _ = try streamed.nextLine()
        streamed.close()
        // Whole: give up waiting for the reply (the client closes its connection).
        #expect(throws: HTTPClientError.timeout) {
            try server.post(greedyRequest("Tell me another long story.", maxTokens: 400),
                            client: HTTPClient(readTimeout: .milliseconds(500)))
        }
        #expect(try eventually(within: 5) { try server.isIdle() })
        #expect(try server.complete(greedyRequest("Hi", maxTokens: 2)).status == 200)
    }
}
