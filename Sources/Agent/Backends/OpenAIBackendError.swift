import Foundation

/// Why a request to an OpenAI-compatible server failed.
public indirect enum OpenAIBackendError: Error, Equatable, CustomStringConvertible {
    /// No connection could be made (refused, unknown host, unreachable network or proxy).
    case unreachable(url: String, reason: String)
    /// The server's TLS certificate was not trusted (unknown CA, expired, issued for another host).
    case untrustedCertificate(url: String, reason: String)
    /// Connecting or waiting for the reply took longer than allowed.
    case timedOut(url: String, seconds: Double)
    /// The connection broke before the reply was complete (reset or closed).
    case connectionLost(url: String)
    /// The server answered with a status other than 200.
    case status(url: String, code: Int, message: String)
    /// A 200 whose body is not a chat completion.
    case badResponse(url: String, why: String)
    /// A streamed reply that the server broke off with an error event.
    case failedDuringReply(url: String, message: String)
    /// Every attempt failed with a retryable error; the last one.
    case gaveUp(attempts: Int, last: OpenAIBackendError)

    public var description: String {
        switch self {
        case let .unreachable(url, reason): "cannot reach \(url): \(reason)"
        case let .untrustedCertificate(url, reason):
            "the certificate of \(url) was not trusted: \(reason) (SSL_CERT_FILE names the CA certificates to trust)"
        case let .timedOut(url, seconds): "no reply from \(url) within \(Self.format(seconds)) s (see --request-timeout)"
        case let .connectionLost(url): "the connection to \(url) broke before the reply was complete"
        case let .status(url, code, message) where code == 404:
            "\(url) answered 404: \(message) (give the API base, e.g. http://host:8080/v1)"
        case let .status(url, code, message): "\(url) answered \(code): \(message)"
        case let .badResponse(url, why): "unexpected reply from \(url): \(why)"
        case let .failedDuringReply(url, message): "\(url) failed during its reply: \(message)"
        case let .gaveUp(attempts, last): "\(last) (gave up after \(attempts) attempts)"
        }
    }

    /// Whether trying again may help: rate limits, server errors and broken connections.
    var isRetryable: Bool {
        switch self {
        case .connectionLost: true
        case let .status(_, code, _): code == 429 || (500...599).contains(code)
        case .unreachable, .untrustedCertificate, .timedOut, .badResponse, .failedDuringReply, .gaveUp: false
        }
    }

    private static func format(_ seconds: Double) -> String {
        seconds == seconds.rounded() ? String(Int(seconds)) : String(format: "%.1f", seconds)
    }
}
