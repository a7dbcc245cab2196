import Foundation
import HTTP
import Testing

@Suite struct HTTPClientTests {
    @Test func refusedConnectionIsTyped() throws {
        let port = try HTTPServer(configuration: .init(port: 0), handler: TestServer.echo).port   // closed again at once
        #expect(throws: HTTPClientError.connectionRefused(host: "127.0.0.1", port: port)) {
            try HTTPClient().send("GET", "http://127.0.0.1:\(port)/")
        }
    }

    @Test func slowServerTimesOut() throws {
        let server = try TestServer { _, _ in
            Thread.sleep(forTimeInterval: 1)
            return HTTPResponse(status: 200)
        }
        #expect(throws: HTTPClientError.timeout) {
            try HTTPClient(readTimeout: .milliseconds(100)).send("GET", server.url + "/")
        }
    }

    @Test(arguments: ["https://example.com/", "ftp://x/", "not a url", "http:///path"])
    func unsupportedURLsAreRejected(url: String) {
        #expect(throws: HTTPClientError.invalidURL(url)) { try HTTPClient().send("GET", url) }
    }

    @Test func unknownHostIsTyped() {
        #expect(throws: HTTPClientError.hostNotFound("no-such-host.invalid")) {
            try HTTPClient(connectTimeout: .seconds(2)).send("GET", "http://no-such-host.invalid/")
        }
    }
}
