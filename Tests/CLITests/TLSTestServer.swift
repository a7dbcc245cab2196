import Foundation

/// Certificates made for one test with the `openssl` command: a CA, a server certificate it
/// signs for 127.0.0.1 and localhost, and a second CA that signs nothing here.
struct TestCertificates {
    let folder: DivvyProcess.ScratchFolder
    /// The CA that signed the server's certificate (PEM).
    var caFile: String { folder.path("ca.pem") }
    /// A CA unrelated to the server.
    var otherCAFile: String { folder.path("other-ca.pem") }

    init() throws {
        folder = try DivvyProcess.ScratchFolder()
        try openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=Divvy Test CA",
                    "-keyout", "ca.key", "-out", "ca.pem")
        try openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=Other CA",
                    "-keyout", "other-ca.key", "-out", "other-ca.pem")
        try issue("server", names: "IP:127.0.0.1,DNS:localhost")
        try issue("elsewhere", names: "DNS:elsewhere.invalid")
    }

    /// The certificate and key files of `name` (`server`: 127.0.0.1 and localhost; `elsewhere`:
    /// another host name), both signed by the test CA.
    func pair(_ name: String) -> (certificate: String, key: String) { (folder.path("\(name).pem"), folder.path("\(name).key")) }

    private func issue(_ name: String, names: String) throws {
        try "subjectAltName=\(names)\n".write(toFile: folder.path("\(name).ext"), atomically: true, encoding: .utf8)
        try openssl("req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=\(name)", "-keyout", "\(name).key", "-out", "\(name).csr")
        try openssl("x509", "-req", "-in", "\(name).csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-days", "1",
                    "-extfile", "\(name).ext", "-out", "\(name).pem")
    }

    private func openssl(_ arguments: String...) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["openssl"] + arguments
        process.currentDirectoryURL = folder.url
        process.standardOutput = FileHandle.nullDevice
        let errors = Pipe()
        process.standardError = errors
        try process.run()
        let text = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw TLSTestError("openssl \(arguments.joined(separator: " ")) failed: \(String(decoding: text, as: UTF8.self))")
        }
    }
}

/// A TLS terminator on a free loopback port in front of a plain-HTTP server on `target`: a small
/// Python 3 program (its `ssl` module) run for the test, stopped when released.
final class TLSProxy {
    let port: UInt16
    private let process: Process

    /// A terminator presenting `certificates`' pair `name` (see ``TestCertificates/pair(_:)``).
    convenience init(_ certificates: TestCertificates, _ name: String = "server", target: UInt16) throws {
        let pair = certificates.pair(name)
        try self.init(certificate: pair.certificate, key: pair.key, target: target)
    }

    init(certificate: String, key: String, target: UInt16) throws {
        process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", Self.program, certificate, key, String(target)]
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        let line = out.fileHandleForReading.availableLine()
        guard let port = line.flatMap(UInt16.init) else {
            kill(process.processIdentifier, SIGKILL)
            throw TLSTestError("the TLS proxy did not start (python3 with its ssl module is needed)")
        }
        self.port = port
    }

    /// SIGKILL: the child inherits the test process's blocked signals, SIGTERM among them.
    deinit {
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    /// Prints its port, then for each connection: the TLS handshake, a connection to the target,
    /// and bytes copied both ways until either side closes.
    private static let program = """
        import socket, ssl, sys, threading
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(sys.argv[1], sys.argv[2])
        target = int(sys.argv[3])
        listener = socket.create_server(("127.0.0.1", 0))
        print(listener.getsockname()[1], flush=True)
        def pump(source, sink):
            try:
                while data := source.recv(65536):
                    sink.sendall(data)
            except OSError:
                pass
            for s in (source, sink):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
        def serve(raw):
            try:
                client = context.wrap_socket(raw, server_side=True)
                upstream = socket.create_connection(("127.0.0.1", target))
            except OSError:
                raw.close()
                return
            threading.Thread(target=pump, args=(client, upstream), daemon=True).start()
            pump(upstream, client)
        while True:
            connection, _ = listener.accept()
            threading.Thread(target=serve, args=(connection,), daemon=True).start()
        """
}

struct TLSTestError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

private extension FileHandle {
    /// The first line written, without its newline (nil at the end of input).
    func availableLine() -> String? {
        var bytes: [UInt8] = []
        while true {
            let byte = readData(ofLength: 1)
            guard let first = byte.first else { return bytes.isEmpty ? nil : String(decoding: bytes, as: UTF8.self) }
            if first == UInt8(ascii: "\n") { return String(decoding: bytes, as: UTF8.self) }
            bytes.append(first)
        }
    }
}
