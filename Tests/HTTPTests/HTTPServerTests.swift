import Foundation
import HTTP
import Testing

@Suite struct HTTPServerTests {
    @Test func getAndPostRoundTrip() throws {
        let server = try TestServer()
        let client = HTTPClient()
        let get = try client.send("GET", server.url + "/hello?x=1")
        #expect(get.status == 200)
        #expect(get.headers["content-type"] == "text/plain")
        #expect(try get.text() == "GET /hello ")
        let post = try client.postJSON(server.url + "/echo", Array(#"{"a":1}"#.utf8))
        #expect(try post.text() == #"POST /echo {"a":1}"#)
    }

    @Test func keepAliveServesSeveralRequestsOnOneConnection() throws {
        let server = try TestServer()
        let raw = try RawConnection(port: server.port)
        raw.send("GET /one HTTP/1.1\r\nHost: x\r\n\r\nPOST /two HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc")
        let replies = raw.read(until: "POST /two abc")
        #expect(replies.contains("GET /one "))
        #expect(replies.contains("POST /two abc"))
        #expect(replies.contains("Connection: keep-alive"))
    }

    @Test func keepAliveCanBeTurnedOff() throws {
        let server = try HTTPServer(configuration: .init(port: 0, keepAlive: false), handler: TestServer.echo)
        server.start()
        defer { server.stop() }
        let raw = try RawConnection(port: server.port)
        raw.send("GET /one HTTP/1.1\r\nHost: x\r\n\r\nGET /two HTTP/1.1\r\nHost: x\r\n\r\n")
        let reply = raw.readToEnd()
        #expect(reply.contains("Connection: close"))
        #expect(reply.hasSuffix("GET /one "))
    }

    @Test func chunkedRequestBodyIsDecoded() throws {
        let server = try TestServer()
        let raw = try RawConnection(port: server.port)
        raw.send("POST /c HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n")
        #expect(raw.readToEnd().hasSuffix("POST /c abcde"))
    }

    @Test(arguments: [
        "GARBAGE\r\n\r\n",
        "GET /x HTTP/1.1 extra\r\n\r\n",
        "GET /x HTTP/1.1\r\nNo colon here\r\n\r\n",
        "GET /x HTTP/1.1\r\nBad Name: v\r\n\r\n",
        "POST /x HTTP/1.1\r\nContent-Length: -5\r\n\r\n",
        "POST /x HTTP/1.1\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd",
        "POST /x HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
    ])
    func malformedRequestsGet400AndTheServerGoesOn(request: String) throws {
        let server = try TestServer()
        let raw = try RawConnection(port: server.port)
        raw.send(request)
        #expect(raw.readToEnd().hasPrefix("HTTP/1.1 400 Bad Request\r\n"))
        #expect(try HTTPClient().send("GET", server.url + "/after").status == 200)
    }

    @Test func unknownHTTPVersionGets505() throws {
        let server = try TestServer()
        let raw = try RawConnection(port: server.port)
        raw.send("GET / HTTP/2.0\r\n\r\n")
        #expect(raw.readToEnd().hasPrefix("HTTP/1.1 505 "))
    }

    @Test func oversizedBodiesGet413() throws {
        let server = try TestServer(limits: HTTPLimits(maxBodyBytes: 1000))
        let announced = try RawConnection(port: server.port)
        announced.send("POST /x HTTP/1.1\r\nContent-Length: 100000000\r\n\r\n")
        #expect(announced.readToEnd().hasPrefix("HTTP/1.1 413 "))
        let chunked = try RawConnection(port: server.port)
        chunked.send("POST /x HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n" + String(repeating: "200\r\n" + String(repeating: "a", count: 512) + "\r\n", count: 3))
        #expect(chunked.readToEnd().hasPrefix("HTTP/1.1 413 "))
        let client = try HTTPClient().postJSON(server.url + "/x", [UInt8](repeating: 32, count: 5000))
        #expect(client.status == 413)
        let large = try HTTPClient().postJSON(server.url + "/x", [UInt8](repeating: 32, count: 20 << 20))
        #expect(large.status == 413)   // answered before the client finished sending
        #expect(try HTTPClient().postJSON(server.url + "/x", [UInt8](repeating: 32, count: 1000)).status == 200)
    }

    @Test func oversizedHeadersGet431() throws {
        let server = try TestServer(limits: HTTPLimits(maxHeaderBytes: 1024))
        let raw = try RawConnection(port: server.port)
        raw.send("GET /x HTTP/1.1\r\nX-Big: " + String(repeating: "b", count: 5000) + "\r\n\r\n")
        #expect(raw.readToEnd().hasPrefix("HTTP/1.1 431 "))
    }

    @Test func expectContinueIsAnswered() throws {
        let server = try TestServer()
        let raw = try RawConnection(port: server.port)
        raw.send("POST /e HTTP/1.1\r\nContent-Length: 2\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n")
        #expect(raw.read(until: "\r\n\r\n").hasPrefix("HTTP/1.1 100 Continue\r\n\r\n"))
        raw.send("hi")
        #expect(raw.readToEnd().hasSuffix("POST /e hi"))
    }
}
