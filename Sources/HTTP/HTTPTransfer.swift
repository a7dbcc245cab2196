import CCurl
import DurationUnits
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// One HTTP or HTTPS request through libcurl, its response body handed over piece by piece as it
/// arrives. libcurl brings TLS (OpenSSL, checking the server's certificate and host name), reads
/// the proxy variables (`https_proxy`/`HTTPS_PROXY`, `http_proxy`, `all_proxy`, `no_proxy`/`NO_PROXY`)
/// itself, and sends no signals, so transfers may run on many threads at once.
public enum HTTPTransfer {
    public enum Method: Sendable {
        case get
        /// A POST with this body (its `Content-Type` goes in the headers).
        case post([UInt8])
    }

    public struct Options: Sendable {
        /// Longest wait for the connection (TLS handshake included).
        public var connectTimeout: Duration
        /// Longest wait for the whole exchange, connecting and the whole body included.
        public var timeout: Duration
        /// The CA certificates to trust instead of the system's (PEM), e.g. from `SSL_CERT_FILE`.
        public var caFile: String?

        public init(connectTimeout: Duration, timeout: Duration, caFile: String? = nil) {
            self.connectTimeout = connectTimeout
            self.timeout = timeout
            self.caFile = caFile
        }
    }

    /// The status line and headers the body belongs to.
    public struct Head: Sendable, Equatable {
        public let status: Int
        /// The media type without parameters, lowercased (`text/event-stream`).
        public let contentType: String?
        /// The server's `Retry-After`, in seconds.
        public let retryAfter: Int?
    }

    /// Sends the request and blocks until the response is complete, calling `onBody` on this
    /// thread with each piece of the body; `onBody` returns false to stop the transfer
    /// (``HTTPTransferError/stopped``). Returns the response's head.
    public static func perform(_ method: Method, _ url: String, headers: HTTPHeaders = [:], options: Options,
                               onBody: ([UInt8], Head) -> Bool) throws(HTTPTransferError) -> Head {
        guard let parts = URLComponents(string: url), let scheme = parts.scheme?.lowercased(), ["http", "https"].contains(scheme)
        else { throw .unsupportedURL }
        guard globalInit == CURLE_OK, let handle = curl_easy_init() else { throw .other("libcurl could not start") }
        defer { curl_easy_cleanup(handle) }
        var list: UnsafeMutablePointer<curl_slist>?
        defer { curl_slist_free_all(list) }
        // curl would send `Expect: 100-continue` for larger bodies and wait for the go-ahead.
        for (name, value) in headers.fields + [("Expect", "")] {
            list = curl_slist_append(list, value.isEmpty ? "\(name):" : "\(name): \(value)")   // "Name:" removes it
        }
        let errorText = UnsafeMutablePointer<CChar>.allocate(capacity: Int(CURL_ERROR_SIZE))
        errorText.initialize(to: 0)
        defer { errorText.deallocate() }

        return try withoutActuallyEscaping(onBody) { onBody throws(HTTPTransferError) -> Head in
            let receiver = Receiver(handle: handle, onBody: onBody)
            ccurl_setopt_pointer(handle, CURLOPT_URL, url)
            ccurl_setopt_long(handle, CURLOPT_NOSIGNAL, 1)
            ccurl_setopt_pointer(handle, CURLOPT_HTTPHEADER, list)
            ccurl_setopt_pointer(handle, CURLOPT_ERRORBUFFER, errorText)
            // At least 1 ms: 0 would mean no limit.
            ccurl_setopt_long(handle, CURLOPT_CONNECTTIMEOUT_MS, Int(max(1, options.connectTimeout.milliseconds)))
            ccurl_setopt_long(handle, CURLOPT_TIMEOUT_MS, Int(max(1, options.timeout.milliseconds)))
            if let caFile = options.caFile { ccurl_setopt_pointer(handle, CURLOPT_CAINFO, caFile) }
            if case let .post(body) = method {
                ccurl_setopt_long(handle, CURLOPT_POSTFIELDSIZE, body.count)
                body.withUnsafeBytes { _ = ccurl_setopt_pointer(handle, CURLOPT_COPYPOSTFIELDS, $0.baseAddress) }
            }
            ccurl_setopt_write_function(handle, receiverWrite)
            ccurl_setopt_pointer(handle, CURLOPT_WRITEDATA, Unmanaged.passUnretained(receiver).toOpaque())
            let code = withExtendedLifetime(receiver) { curl_easy_perform(handle) }
            guard code == CURLE_OK else {
                var osError = 0
                ccurl_getinfo_long(handle, CURLINFO_OS_ERRNO, &osError)
                throw HTTPTransferError(code, message: String(cString: errorText), osError: Int32(osError),
                                        port: parts.port ?? (scheme == "https" ? 443 : 80))
            }
            return receiver.head ?? Receiver.head(of: handle)
        }
    }
}

/// `curl_global_init`, once per process before the first handle (Swift runs a global's
/// initializer once, thread-safely).
private let globalInit = curl_global_init(Int(CURL_GLOBAL_DEFAULT))

/// What a transfer's write callback reaches: the caller's handler and the head it has seen.
/// Used only on the thread that runs the transfer (`curl_easy_perform` calls back on it).
private final class Receiver {
    let handle: UnsafeMutableRawPointer
    let onBody: ([UInt8], HTTPTransfer.Head) -> Bool
    var head: HTTPTransfer.Head?

    init(handle: UnsafeMutableRawPointer, onBody: @escaping ([UInt8], HTTPTransfer.Head) -> Bool) {
        self.handle = handle
        self.onBody = onBody
    }

    /// Read from the handle once the headers are in.
    static func head(of handle: UnsafeMutableRawPointer) -> HTTPTransfer.Head {
        var status = 0
        ccurl_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status)
        var type: UnsafeMutablePointer<CChar>?
        ccurl_getinfo_string(handle, CURLINFO_CONTENT_TYPE, &type)
        var retryAfter: curl_off_t = 0
        ccurl_getinfo_off_t(handle, CURLINFO_RETRY_AFTER, &retryAfter)
        let mediaType = type.map { String(cString: $0) }?.split(separator: ";").first
            .map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        return HTTPTransfer.Head(status: status, contentType: mediaType, retryAfter: retryAfter > 0 ? Int(retryAfter) : nil)
    }
}

/// libcurl's write callback: hands the piece to the receiver; returning less than its size stops
/// the transfer.
private let receiverWrite: curl_write_callback = { data, size, count, context in
    guard let data, let context else { return 0 }
    let receiver = Unmanaged<Receiver>.fromOpaque(context).takeUnretainedValue()
    let head = receiver.head ?? Receiver.head(of: receiver.handle)
    receiver.head = head
    let bytes = UnsafeRawBufferPointer(start: data, count: size * count)
    return receiver.onBody(Array(bytes), head) ? size * count : 0
}

/// Why a transfer failed.
public enum HTTPTransferError: Error, Equatable, CustomStringConvertible {
    /// Not an `http://` or `https://` URL.
    case unsupportedURL
    /// No connection: the host (or proxy) did not resolve, refused or could not be reached.
    case unreachable(String)
    /// The connection or the whole exchange took longer than allowed.
    case timedOut
    /// The server's certificate is not signed by a trusted CA, has expired, or names another host.
    case untrustedCertificate(String)
    /// The connection broke (or the server closed it) before the response was complete.
    case connectionLost(String)
    /// The body handler stopped the transfer.
    case stopped
    /// Anything else libcurl reported.
    case other(String)

    public var description: String {
        switch self {
        case .unsupportedURL: "not an http:// or https:// URL"
        case let .unreachable(why), let .untrustedCertificate(why), let .connectionLost(why), let .other(why): why
        case .timedOut: "timed out"
        case .stopped: "stopped by the receiver"
        }
    }

    /// The error of libcurl's `code`, with its message, and for connection failures the system's
    /// `errno` and the port of the URL.
    init(_ code: CURLcode, message: String, osError: Int32, port: Int) {
        let text = message.isEmpty ? String(cString: curl_easy_strerror(code)) : message
        switch code {
        case CURLE_UNSUPPORTED_PROTOCOL, CURLE_URL_MALFORMAT: self = .unsupportedURL
        case CURLE_COULDNT_CONNECT where osError == ECONNREFUSED:
            // curl's text names the address it tried ("Failed to connect to H port P after 0 ms: …"):
            // the server's, or a proxy's.
            self = .unreachable(text.contains(" port \(port) ") ? "connection refused"
                                : "\(text) (through a proxy: see HTTPS_PROXY and NO_PROXY)")
        case CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY, CURLE_COULDNT_CONNECT:
            self = .unreachable(text)
        case CURLE_OPERATION_TIMEDOUT: self = .timedOut
        case CURLE_PEER_FAILED_VERIFICATION: self = .untrustedCertificate(text)
        case CURLE_GOT_NOTHING, CURLE_RECV_ERROR, CURLE_SEND_ERROR, CURLE_PARTIAL_FILE: self = .connectionLost(text)
        case CURLE_WRITE_ERROR: self = .stopped
        default: self = .other(text)
        }
    }
}
