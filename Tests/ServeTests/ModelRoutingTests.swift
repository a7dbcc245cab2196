import Foundation
import HTTP
import Serve
import Testing

/// Several models behind one server, picked by the request's `model`, and the API key.
@Suite(.serialized) struct ModelRoutingTests {
    func request(model: String?) -> String {
        let field = model.map { #""model": "\#($0)", "# } ?? ""
        return #"{\#(field)"messages": [{"role": "user", "content": "Hi"}], "max_tokens": 3, "temperature": 0}"#
    }

    @Test func theRequestsModelPicksOneAndAnUnknownOneIs404() throws {
        let server = try RunningServer(names: ["first", "second"])
        let listed = jsonObject(try HTTPClient().send("GET", server.url + "/v1/models").text())
        #expect((listed["data"] as? [[String: Any]])?.compactMap { $0["id"] as? String } == ["first", "second"])
        for (asked, answered) in [("second", "second"), ("first", "first")] {
            let (status, body) = try server.complete(request(model: asked))
            #expect(status == 200)
            #expect(body["model"] as? String == answered)
        }
        let (defaultStatus, defaultBody) = try server.complete(request(model: nil))
        #expect(defaultStatus == 200 && defaultBody["model"] as? String == "first", "no model: the first")
        let (status, body) = try server.complete(request(model: "gpt-4o"))
        #expect(status == 404)
        #expect(errorObject(body)?["code"] as? String == "model_not_found")
        #expect(errorObject(body)?["param"] as? String == "model")
        #expect((errorObject(body)?["message"] as? String)?.contains("'first', 'second'") == true)
    }

    @Test func anAPIKeyIsRequiredOnV1Only() throws {
        let server = try RunningServer(apiKey: "s3cret")
        let client = HTTPClient()
        let none = try client.postJSON(server.url + "/v1/chat/completions", Array(request(model: nil).utf8))
        #expect(none.status == 401)
        #expect(errorObject(jsonObject(try none.text()))?["code"] as? String == "invalid_api_key")
        let wrong = try client.send("GET", server.url + "/v1/models", headers: ["Authorization": "Bearer nope"])
        #expect(wrong.status == 401)
        let right = try client.postJSON(server.url + "/v1/chat/completions", Array(request(model: nil).utf8),
                                        headers: ["Authorization": "Bearer s3cret"])
        #expect(right.status == 200)
        #expect(try server.health()["status"] as? String == "ok", "/health needs no key")
    }
}
