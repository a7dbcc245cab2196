import DurationUnits
#if canImport(Glibc)
import Glibc
#endif

/// A TCP socket: owns its file descriptor and closes it when released.
///
/// Sendable: the descriptor is an immutable integer; the kernel serialises calls on it, and the
/// server only uses `shutdown` from other threads (to wake a blocked `accept` or `recv`).
final class Socket: Sendable {
    let fd: Int32

    init(fd: Int32) { self.fd = fd }
    deinit { close(fd) }

    /// A listening socket bound to `host`:`port` (port 0 picks a free port).
    static func listen(host: String, port: UInt16, backlog: Int32 = 128) throws(SocketError) -> Socket {
        try withAddresses(host: host, port: port, passive: true) { (info) throws(SocketError) -> Socket in
            let socket = try Socket(info)
            var one: Int32 = 1
            setsockopt(socket.fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
            guard bind(socket.fd, info.ai_addr, info.ai_addrlen) == 0 else { throw .fromErrno("bind") }
            guard Glibc.listen(socket.fd, backlog) == 0 else { throw .fromErrno("listen") }
            return socket
        }
    }

    /// A socket connected to `host`:`port`, giving up after `timeout`.
    static func connect(host: String, port: UInt16, timeout: Duration) throws(SocketError) -> Socket {
        try withAddresses(host: host, port: port, passive: false) { (info) throws(SocketError) -> Socket in
            let socket = try Socket(info)
            let flags = fcntl(socket.fd, F_GETFL)
            _ = fcntl(socket.fd, F_SETFL, flags | O_NONBLOCK)
            if Glibc.connect(socket.fd, info.ai_addr, info.ai_addrlen) != 0 {
                guard errno == EINPROGRESS else { throw .fromErrno("connect") }
                guard try socket.poll(events: Int16(POLLOUT), timeout: timeout) else { throw .timedOut }
                var code: Int32 = 0
                var length = socklen_t(MemoryLayout<Int32>.size)
                getsockopt(socket.fd, SOL_SOCKET, SO_ERROR, &code, &length)
                if code != 0 {
                    errno = code
                    throw .fromErrno("connect")
                }
            }
            _ = fcntl(socket.fd, F_SETFL, flags)
            socket.setNoDelay()
            return socket
        }
    }

    private convenience init(_ info: addrinfo) throws(SocketError) {
        let fd = Glibc.socket(info.ai_family, info.ai_socktype, info.ai_protocol)
        guard fd >= 0 else { throw .fromErrno("socket") }
        self.init(fd: fd)
    }

    /// Runs `body` on the first resolved address of `host`:`port` that it accepts.
    private static func withAddresses(host: String, port: UInt16, passive: Bool,
                                      _ body: (addrinfo) throws(SocketError) -> Socket) throws(SocketError) -> Socket {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_flags = passive ? AI_PASSIVE : 0
        var list: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, String(port), &hints, &list) == 0, let first = list else { throw .hostNotFound(host) }
        defer { freeaddrinfo(first) }
        var lastError = SocketError.hostNotFound(host)
        var node: UnsafeMutablePointer<addrinfo>? = first
        while let current = node {
            do {
                return try body(current.pointee)
            } catch {
                lastError = error
            }
            node = current.pointee.ai_next
        }
        throw lastError
    }

    /// The next incoming connection; throws once the socket is shut down.
    func accept() throws(SocketError) -> Socket {
        while true {
            let client = Glibc.accept(fd, nil, nil)
            if client >= 0 {
                let socket = Socket(fd: client)
                socket.setNoDelay()
                return socket
            }
            if errno == EINTR || errno == ECONNABORTED { continue }
            throw .fromErrno("accept")
        }
    }

    /// The local port the socket is bound to.
    var localPort: UInt16 {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let ok = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) == 0 }
        }
        guard ok else { return 0 }
        let family = storage.ss_family
        let port = withUnsafePointer(to: &storage) { pointer in
            if family == sa_family_t(AF_INET6) {
                pointer.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { $0.pointee.sin6_port }
            } else {
                pointer.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { $0.pointee.sin_port }
            }
        }
        return UInt16(bigEndian: port)
    }

    /// Sends all of `bytes`, waiting at most `timeout` each time the peer's window is full.
    func send(_ bytes: [UInt8], timeout: Duration) throws(SocketError) {
        var sent = 0
        while sent < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress! + sent, bytes.count - sent, Int32(MSG_NOSIGNAL | MSG_DONTWAIT)) }
            if n > 0 {
                sent += n
            } else if n < 0, errno == EAGAIN || errno == EWOULDBLOCK {
                guard try poll(events: Int16(POLLOUT), timeout: timeout) else { throw .timedOut }
            } else if n < 0, errno == EINTR {
                continue
            } else {
                throw .fromErrno("send")
            }
        }
    }

    /// Reads up to `buffer.count` bytes into the start of `buffer`; 0 means the peer closed.
    /// Throws `timedOut` when nothing arrives within `timeout`.
    func receive(into buffer: inout [UInt8], timeout: Duration) throws(SocketError) -> Int {
        while true {
            guard try poll(events: Int16(POLLIN), timeout: timeout) else { throw .timedOut }
            let n = buffer.withUnsafeMutableBytes { Glibc.recv(fd, $0.baseAddress, $0.count, Int32(MSG_DONTWAIT)) }
            if n >= 0 { return n }
            if errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK { continue }
            throw .fromErrno("recv")
        }
    }

    /// Whether the peer has closed or reset the connection (checked without blocking; unread
    /// data from the peer does not count as closed).
    var peerClosed: Bool {
        var entry = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        guard Glibc.poll(&entry, 1, 0) > 0 else { return false }
        if entry.revents & Int16(POLLERR | POLLHUP | POLLNVAL) != 0 { return true }
        var byte: UInt8 = 0
        let n = recv(fd, &byte, 1, Int32(MSG_PEEK | MSG_DONTWAIT))
        return n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
    }

    /// Stops further reads and writes (wakes a thread blocked in `accept` or `poll`).
    func shutdown() { _ = Glibc.shutdown(fd, Int32(SHUT_RDWR)) }

    /// Waits until `events` are ready; false on timeout. Errors and hang-ups count as ready so
    /// the following call reports them.
    private func poll(events: Int16, timeout: Duration) throws(SocketError) -> Bool {
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        while true {
            var entry = pollfd(fd: fd, events: events, revents: 0)
            let left = deadline - clock.now
            let ms = max(0, Int32(clamping: left.milliseconds))
            let n = Glibc.poll(&entry, 1, ms)
            if n > 0 { return true }
            if n == 0 { return false }
            if errno != EINTR { throw .fromErrno("poll") }
        }
    }

    private func setNoDelay() {
        var one: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
    }
}
