import Foundation
import HTTP
import Serve
import Synchronization
import Testing

/// `solve --solver-url https://…` as a real process, against a TLS terminator with a test CA in
/// front of `divvy serve`'s server (or of a server that never answers).
@Suite(.serialized)
struct HTTPSCommandTests {
    /// The environment of a run: trusting `caFile` when given, through `proxy` when given, with
    /// any proxy variables of the test's own environment cleared.
    static func environment(caFile: String?, proxy: String? = nil, noProxy: String = "") -> [String: String] {
        var environment = ["SSL_CERT_FILE": caFile ?? "", "NO_PROXY": noProxy, "no_proxy": noProxy]
        for name in ["HTTPS_PROXY", "https_proxy", "http_proxy", "ALL_PROXY", "all_proxy"] { environment[name] = "" }
        if let proxy { environment["HTTPS_PROXY"] = proxy }
        return environment
    }

    /// A loopback port where nothing listens.
    static func deadPort() throws -> UInt16 {
        let server = try HTTPServer(configuration: .init(port: 0)) { _, _ in HTTPResponse(status: 200) }
        defer { server.stop() }
        return server.port
    }

    static let solve = ["solve", "What is 6 plus 7?", "--paths", "cot", "--max-tokens", "12", "--json", "--no-cache"]

    @Test("Over https with the test CA in SSL_CERT_FILE: the reply streams, equals the one over http, and its first token is logged")
    func streamedOverHTTPS() throws {
        try #require(EngineCommandTests.testModelIsPresent, "run scripts/fetch-models --test-only")
        let server = try ChatServer.startedWithTestModel()
        defer { server.stop() }
        let certificates = try TestCertificates()
        let proxy = try TLSProxy(certificates, target: server.port)
        let folder = try DivvyProcess.ScratchFolder()

        let plain = try DivvyProcess.run(Self.solve + ["--solver-url", "http://127.0.0.1:\(server.port)/v1",
                                                       "--db", folder.path("http.db")],
                                         environment: Self.environment(caFile: nil))
        #expect(plain.status == 0, "stderr: \(plain.stderr)")
        let url = "https://127.0.0.1:\(proxy.port)/v1"
        let secure = try DivvyProcess.run(Self.solve + ["--solver-url", url, "--db", folder.path("https.db"), "--verbose"],
                                          environment: Self.environment(caFile: certificates.caFile))
        #expect(secure.status == 0, "stderr: \(secure.stderr)")
        let plainJSON = try RemoteSolveCommandTests.object(plain.stdout), secureJSON = try RemoteSolveCommandTests.object(secure.stdout)
        let output = try #require(secureJSON["output"] as? String)
        #expect(output == plainJSON["output"] as? String && !output.isEmpty)
        #expect(secureJSON["tokens"] as? [String: Int] == plainJSON["tokens"] as? [String: Int])

        for db in ["http.db", "https.db"] {
            let show = try DivvyProcess.run(["show", "1", "--json", "--db", folder.path(db)])
            let tasks = try RemoteSolveCommandTests.object(show.stdout)["tasks"] as? [[String: Any]]
            let call = try #require((tasks?.first?["calls"] as? [[String: Any]])?.first, "\(db): \(show.stdout)")
            let first = try #require(call["firstTokenSeconds"] as? Double, "\(db): time to first token")
            #expect(first > 0 && first <= (call["seconds"] as? Double ?? 0), "\(db)")
            let tree = try DivvyProcess.run(["show", "1", "--db", folder.path(db)])
            #expect(tree.stdout.contains("(first token "), "\(db): \(tree.stdout)")
        }

        // A proxy that is not there is bypassed for the hosts NO_PROXY names, and used otherwise.
        let deadProxy = "http://127.0.0.1:\(try Self.deadPort())"
        let bypassed = try DivvyProcess.run(Self.solve + ["--solver-url", url, "--db", folder.path("https.db")],
                                            environment: Self.environment(caFile: certificates.caFile, proxy: deadProxy,
                                                                          noProxy: "127.0.0.1"))
        #expect(bypassed.status == 0, "stderr: \(bypassed.stderr)")
        let proxied = try DivvyProcess.run(Self.solve + ["--solver-url", url, "--db", folder.path("https.db")],
                                           environment: Self.environment(caFile: certificates.caFile, proxy: deadProxy))
        #expect(proxied.status == 69)
        #expect(proxied.stderr.hasPrefix("error: cannot reach \(url)/models: "), "\(proxied.stderr)")
        #expect(proxied.stderr.hasSuffix(" (through a proxy: see HTTPS_PROXY and NO_PROXY)\n"), "\(proxied.stderr)")
    }

    @Test("A certificate from an untrusted CA, or for another host, is one clear line and exit status 69")
    func untrustedCertificate() throws {
        let server = try HTTPServer(configuration: .init(port: 0)) { _, _ in
            HTTPResponse(status: 200, contentType: "application/json", text: #"{"data":[{"id":"m"}]}"#)
        }
        server.start()
        defer { server.stop() }
        let certificates = try TestCertificates()
        let proxy = try TLSProxy(certificates, target: server.port)
        let misnamed = try TLSProxy(certificates, "elsewhere", target: server.port)
        let folder = try DivvyProcess.ScratchFolder()
        let cases: [(port: UInt16, caFile: String?, reason: String)] = [
            (proxy.port, certificates.otherCAFile, "SSL certificate problem: unable to get local issuer certificate"),
            (proxy.port, nil, "SSL certificate problem: unable to get local issuer certificate"),
            (misnamed.port, certificates.caFile, "SSL: no alternative certificate subject name matches target host name '127.0.0.1'"),
        ]
        for (port, caFile, reason) in cases {
            let url = "https://127.0.0.1:\(port)/v1"
            let result = try DivvyProcess.run(["solve", "What is 2 plus 3?", "--no-plan", "--solver-url", url,
                                               "--db", folder.path("divvy.db")],
                                              environment: Self.environment(caFile: caFile))
            #expect(result.status == 69, "\(result.stderr)")
            #expect(result.stderr == "error: the certificate of \(url)/models was not trusted: \(reason) "
                    + "(SSL_CERT_FILE names the CA certificates to trust)\n")
        }
        let missing = folder.path("no-such-ca.pem")
        let result = try DivvyProcess.run(["solve", "What is 2 plus 3?", "--no-plan", "--solver-url", "https://127.0.0.1:\(proxy.port)/v1",
                                           "--db", folder.path("divvy.db")], environment: Self.environment(caFile: missing))
        #expect(result.status == 66)
        #expect(result.stderr == "error: cannot read the CA certificate file named by SSL_CERT_FILE '\(missing)'\n")
    }

    @Test("--solver-url and --planner-url take http and https URLs only")
    func urlSchemes() throws {
        for url in ["ftp://127.0.0.1/v1", "127.0.0.1:8080/v1", "https:///v1"] {
            let result = try DivvyProcess.run(["solve", "What is 2 plus 3?", "--no-plan", "--solver-url", url])
            #expect(result.status == 64, "\(url)")
            #expect(result.stderr.contains("must be an http:// or https://host[:port]/path URL"), "\(url): \(result.stderr)")
        }
    }

    @Test("A server that accepts and never answers fails the request at --request-timeout, with no retry")
    func stalledServer() throws {
        let asked = Counter()
        let server = try HTTPServer(configuration: .init(port: 0, requestTimeout: .seconds(30))) { request, client in
            if request.path.hasSuffix("/models") {
                return HTTPResponse(status: 200, contentType: "application/json", text: #"{"data":[{"id":"m"}]}"#)
            }
            asked.value.add(1, ordering: .relaxed)
            while !client.clientGone { Thread.sleep(forTimeInterval: 0.05) }   // until divvy hangs up
            return HTTPResponse(status: 503)
        }
        server.start()
        defer { server.stop() }
        let certificates = try TestCertificates()
        let proxy = try TLSProxy(certificates, target: server.port)
        let folder = try DivvyProcess.ScratchFolder()
        let url = "https://127.0.0.1:\(proxy.port)/v1"
        let start = ContinuousClock.now
        let result = try DivvyProcess.run(["solve", "What is 2 plus 3?", "--no-plan", "--paths", "cot", "--solver-url", url,
                                           "--request-timeout", "2", "--db", folder.path("divvy.db")],
                                          environment: Self.environment(caFile: certificates.caFile))
        let elapsed = ContinuousClock.now - start
        #expect(result.status != 0)
        #expect(result.stderr.contains("no reply from \(url)/chat/completions within 2"), "\(result.stderr)")
        #expect(result.stderr.contains("s (see --request-timeout)"), "\(result.stderr)")
        #expect(elapsed >= .seconds(2) && elapsed < .seconds(8))
        #expect(asked.value.load(ordering: .relaxed) == 1, "a timed-out generation is not sent again")
    }
}

/// Chat requests a server was sent, counted on its connection threads.
private final class Counter: Sendable {
    let value = Atomic<Int>(0)
}
