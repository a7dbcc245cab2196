import Foundation
import Synchronization

/// An HTTP/1.1 server over POSIX sockets: one thread accepts, each connection gets its own
/// thread that reads requests, calls the handler and writes its response (keep-alive optional).
public final class HTTPServer: Sendable {
    public struct Configuration: Sendable {
        public var host: String
        /// 0 picks a free port (see `HTTPServer.port`).
        public var port: UInt16
        public var limits: HTTPLimits
        /// Connections served at once; more are answered 503 and closed.
        public var maxConnections: Int
        /// Longest wait for the next part of a request (and idle time between kept-alive requests).
        public var requestTimeout: Duration
        /// Longest wait for a client to take written data.
        public var writeTimeout: Duration
        public var keepAlive: Bool

        public init(host: String = "127.0.0.1", port: UInt16 = 8080, limits: HTTPLimits = HTTPLimits(),
                    maxConnections: Int = 256, requestTimeout: Duration = .seconds(30),
                    writeTimeout: Duration = .seconds(30), keepAlive: Bool = true) {
            self.host = host
            self.port = port
            self.limits = limits
            self.maxConnections = maxConnections
            self.requestTimeout = requestTimeout
            self.writeTimeout = writeTimeout
            self.keepAlive = keepAlive
        }
    }

    private struct State {
        var stopped = false
        var nextID = 0
        var connections: [Int: Socket] = [:]
    }

    public let configuration: Configuration
    /// The port the server listens on.
    public let port: UInt16
    private let handler: HTTPHandler
    private let listener: Socket
    private let state = Mutex(State())

    /// Binds the listening socket; requests are served once `start` is called.
    public init(configuration: Configuration, handler: @escaping HTTPHandler) throws(SocketError) {
        self.configuration = configuration
        self.handler = handler
        listener = try Socket.listen(host: configuration.host, port: configuration.port)
        port = listener.localPort
    }

    /// Starts accepting connections on a thread of its own.
    public func start() {
        Thread.detachNewThread { [self] in acceptLoop() }
    }

    /// Stops accepting and closes every open connection.
    public func stop() {
        let open = state.withLock { state in
            state.stopped = true
            return Array(state.connections.values)
        }
        listener.shutdown()
        for socket in open { socket.shutdown() }
    }

    /// Connections being served now.
    public var connectionCount: Int { state.withLock { $0.connections.count } }

    private func acceptLoop() {
        while true {
            let socket: Socket
            do {
                socket = try listener.accept()
            } catch .system(_, EMFILE), .system(_, ENFILE), .system(_, ENOMEM), .system(_, ENOBUFS) {
                Thread.sleep(forTimeInterval: 0.05)   // out of descriptors: let connections finish
                continue
            } catch {
                return   // shut down
            }
            let id: Int? = state.withLock { state in
                guard !state.stopped, state.connections.count < configuration.maxConnections else { return nil }
                state.nextID += 1
                state.connections[state.nextID] = socket
                return state.nextID
            }
            guard let id else {
                if state.withLock({ $0.stopped }) { return }
                let busy = HTTPResponseWriter(socket: socket, timeout: .milliseconds(100))
                _ = try? busy.send(HTTPResponse(status: 503, contentType: "text/plain", text: "too many connections\n"),
                                   to: HTTPRequest(method: "GET", target: "/"), keepAlive: false)
                continue
            }
            Thread.detachNewThread { [self] in
                serve(socket)
                state.withLock { _ = $0.connections.removeValue(forKey: id) }
            }
        }
    }

    /// Serves requests on one connection until either side closes it.
    private func serve(_ socket: Socket) {
        let reader = SocketReader(socket: socket, timeout: configuration.requestTimeout)
        let limits = configuration.limits
        let writer = HTTPResponseWriter(socket: socket, timeout: configuration.writeTimeout)
        while true {
            var request: HTTPRequest
            do {
                guard let head = try HTTPRequestParser.readHead(reader, limits: limits) else { return }
                if head.expectsContinue { try writer.sendContinue() }
                request = head.request
                request.body = try HTTPRequestParser.readBody(head, from: reader, limits: limits)
            } catch let error as HTTPRequestError {
                if let status = error.status {
                    _ = try? writer.send(HTTPResponse(status: status, contentType: "text/plain", text: error.message + "\n"),
                                         to: HTTPRequest(method: "GET", target: "/"), keepAlive: false)
                }
                return
            } catch {
                return
            }
            let response = handler(request, writer)
            let keepAlive = configuration.keepAlive && request.wantsKeepAlive
            do {
                guard try writer.send(response, to: request, keepAlive: keepAlive) else { return }
            } catch {
                return
            }
        }
    }
}
