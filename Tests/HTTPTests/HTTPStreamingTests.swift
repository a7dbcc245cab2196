import Foundation
import HTTP
import Testing

@Suite struct HTTPStreamingTests {
    @Test func streamedLinesArriveInOrder() throws {
        let server = try TestServer { _, _ in
            HTTPResponse(status: 200, headers: ["Content-Type": "text/event-stream"], body: .stream { writer in
                for i in 1...3 { try? writer.write(Array("data: \(i)\n\n".utf8)) }
                try? writer.write(Array("data: [DONE]\n\n".utf8))
            })
        }
        let response = try HTTPClient().send("GET", server.url + "/events")
        #expect(response.headers["transfer-encoding"] == "chunked")
        var lines: [String] = []
        while let line = try response.nextLine() { lines.append(line) }
        #expect(lines == ["data: 1", "", "data: 2", "", "data: 3", "", "data: [DONE]", ""])
    }

    @Test func eventDataJoinsDataLinesAndSkipsOtherFields() throws {
        let server = try TestServer { _, _ in
            HTTPResponse(status: 200, headers: ["Content-Type": "text/event-stream"], body: .stream { writer in
                try? writer.write(Array(": comment\nevent: x\ndata: a\ndata:b\n\n".utf8))
                try? writer.write(Array("data: [DONE]\n\n".utf8))
            })
        }
        let response = try HTTPClient().send("GET", server.url + "/events")
        var events: [String] = []
        while let data = try response.nextEventData() { events.append(data) }
        #expect(events == ["a\nb", "[DONE]"])
    }

    @Test func http10StreamEndsWithTheConnection() throws {
        let server = try TestServer { _, _ in
            HTTPResponse(status: 200, body: .stream { writer in try? writer.write(Array("abc".utf8)) })
        }
        let raw = try RawConnection(port: server.port)
        raw.send("GET / HTTP/1.0\r\n\r\n")
        let reply = raw.readToEnd()
        #expect(reply.contains("Connection: close"))
        #expect(!reply.contains("chunked"))
        #expect(reply.hasSuffix("\r\n\r\nabc"))
    }

    @Test func clientThatHangsUpMidStreamIsNoticedAndTheServerGoesOn() throws {
        let noticed = Shared(false)
        let server = try TestServer { request, _ in
            guard request.path == "/forever" else { return HTTPResponse(status: 200, contentType: "text/plain", text: "ok") }
            return HTTPResponse(status: 200, body: .stream { writer in
                while !writer.clientGone {
                    do { try writer.write(Array("data: tick\n\n".utf8)) } catch { break }
                    Thread.sleep(forTimeInterval: 0.01)
                }
                noticed.set(true)
            })
        }
        do {
            let raw = try RawConnection(port: server.port)
            raw.send("GET /forever HTTP/1.1\r\n\r\n")
            #expect(raw.read(until: "tick", count: 2).contains("tick"))
        }   // the connection closes here
        #expect(eventually { noticed.current })
        #expect(try HTTPClient().send("GET", server.url + "/").text() == "ok")
        #expect(eventually { server.server.connectionCount == 0 })
    }

    @Test func waitingHandlerSeesTheClientGo() throws {
        let noticed = Shared(false)
        let server = try TestServer { _, client in
            while !client.clientGone { Thread.sleep(forTimeInterval: 0.01) }
            noticed.set(true)
            return HTTPResponse(status: 200)
        }
        do {
            let raw = try RawConnection(port: server.port)
            raw.send("GET /slow HTTP/1.1\r\n\r\n")
            Thread.sleep(forTimeInterval: 0.05)
        }
        #expect(eventually { noticed.current })
    }
}
