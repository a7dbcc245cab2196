#if canImport(Glibc)
import Glibc
#endif

/// Why a socket operation failed.
public enum SocketError: Error, Equatable, CustomStringConvertible {
    /// The host name did not resolve.
    case hostNotFound(String)
    /// Nothing listens at the address.
    case connectionRefused
    /// The peer did not answer within the time allowed.
    case timedOut
    /// The peer closed the connection (or reset it).
    case closed
    /// A line or header section went past its size limit.
    case tooLong
    /// A chunked body whose framing is broken.
    case badChunk
    /// Any other failing system call, with its `errno`.
    case system(call: String, code: Int32)

    public var description: String {
        switch self {
        case let .hostNotFound(host): "cannot resolve host \(host)"
        case .connectionRefused: "connection refused"
        case .timedOut: "timed out"
        case .closed: "connection closed by peer"
        case .tooLong: "data over the size limit"
        case .badChunk: "malformed chunked encoding"
        case let .system(call, code): "\(call) failed: \(String(cString: strerror(code)))"
        }
    }

    /// The error of system call `call` that failed with `errno`.
    static func fromErrno(_ call: String) -> SocketError {
        let code = errno
        switch code {
        case ECONNREFUSED: return .connectionRefused
        case ETIMEDOUT, EAGAIN: return .timedOut
        case EPIPE, ECONNRESET: return .closed
        default: return .system(call: call, code: code)
        }
    }
}
