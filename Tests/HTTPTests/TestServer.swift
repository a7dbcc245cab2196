import Foundation
import HTTP
import Synchronization

/// A server on a free loopback port for one test; stopped when released.
final class TestServer {
    let server: HTTPServer
    var port: UInt16 { server.port }
    var url: String { "http://127.0.0.1:\(port)" }

    init(limits: HTTPLimits = HTTPLimits(), handler: @escaping HTTPHandler = TestServer.echo) throws {
        server = try HTTPServer(configuration: .init(port: 0, limits: limits, requestTimeout: .seconds(5)), handler: handler)
        server.start()
    }

    deinit { server.stop() }

    /// Answers with the method, path and body it received.
    static let echo: HTTPHandler = { request, _ in
        HTTPResponse(status: 200, contentType: "text/plain",
                     text: "\(request.method) \(request.path) \(String(decoding: request.body, as: UTF8.self))")
    }
}

/// A value shared between a handler thread and the test.
final class Shared<Value: Sendable>: Sendable {
    private let value: Mutex<Value>
    init(_ value: Value) { self.value = Mutex(value) }
    var current: Value { value.withLock { $0 } }
    func set(_ new: Value) { value.withLock { $0 = new } }
}

/// Polls `condition` every 10 ms for up to `seconds`; whether it became true.
func eventually(within seconds: Double = 5, _ condition: () -> Bool) -> Bool {
    let end = Date().addingTimeInterval(seconds)
    while Date() < end {
        if condition() { return true }
        Thread.sleep(forTimeInterval: 0.01)
    }
    return condition()
}
