import Agent
import ArgParse
import Foundation

/// Options that send a role's requests to an OpenAI-compatible server instead of a local model.
enum RemoteOptions {
    static let solverURL = Option<String>(
        "solver-url", valueName: "url",
        help: "OpenAI-compatible API base (http or https) for the solver, e.g. https://host/v1 (replaces --solver). "
            + "Replies are streamed; SSL_CERT_FILE names the CA certificates to trust, HTTPS_PROXY and NO_PROXY a proxy.",
        validate: webURL)
    static let solverModel = Option<String>("solver-model", valueName: "name",
                                            help: "Model name sent to --solver-url (default: the first the server lists).")
    static let plannerURL = Option<String>(
        "planner-url", valueName: "url", help: "OpenAI-compatible API base (http or https) for the planner (replaces --planner); as --solver-url.",
        validate: webURL)
    static let plannerModel = Option<String>("planner-model", valueName: "name",
                                             help: "Model name sent to --planner-url (default: the first the server lists).")
    static let apiKeyEnv = Option<String>("api-key-env", valueName: "var",
                                          help: "Environment variable holding an API key, sent as a bearer token.")
    static let requestTimeout = Option<Double>("request-timeout", valueName: "seconds",
                                               help: "Longest wait for each whole reply from a server (connecting: at most 10 s).", default: 300,
                                               validate: { $0 > 0 ? nil : "must be positive" })

    static let all: [any ArgumentDeclaration] = [solverURL, solverModel, plannerURL, plannerModel, apiKeyEnv, requestTimeout]

    @Sendable static func webURL(_ url: String) -> String? {
        guard let parts = URLComponents(string: url), ["http", "https"].contains(parts.scheme?.lowercased()),
              parts.host?.isEmpty == false else {
            return "must be an http:// or https://host[:port]/path URL"
        }
        return nil
    }

    /// The solver's server backend when `--solver-url` is given, else nil.
    static func solver(_ arguments: ParsedCommand, limiter: RequestLimiter) throws -> OpenAIBackend? {
        try backend(arguments, role: "solver", url: solverURL, model: solverModel, limiter: limiter)
    }

    /// The planner's server backend when `--planner-url` is given, else nil.
    static func planner(_ arguments: ParsedCommand, limiter: RequestLimiter) throws -> OpenAIBackend? {
        try backend(arguments, role: "planner", url: plannerURL, model: plannerModel, limiter: limiter)
    }

    /// A backend for the server at `url`, checked to be reachable; its model is `model`, else the
    /// first the server lists.
    private static func backend(_ arguments: ParsedCommand, role: String, url: Option<String>, model: Option<String>,
                                limiter: RequestLimiter) throws -> OpenAIBackend? {
        guard let base = arguments[url] else { return nil }
        let commandPath = ["divvy"] + arguments.path
        var apiKey: APIKey?
        if let variable = arguments[apiKeyEnv] {
            guard let value = ProcessInfo.processInfo.environment[variable], !value.isEmpty else {
                throw UsageError("--api-key-env: environment variable \(variable) is not set", commandPath: commandPath)
            }
            apiKey = APIKey(value)
        }
        let timeout = Duration.seconds(arguments[requestTimeout]!)
        // libcurl does not read SSL_CERT_FILE itself (it trusts the CA bundle it was built with), so pass it on.
        let caFile = ProcessInfo.processInfo.environment["SSL_CERT_FILE"].flatMap { $0.isEmpty ? nil : $0 }
        if let caFile, !FileManager.default.isReadableFile(atPath: caFile) {
            throw UnreadableFile(path: caFile, what: "CA certificate file named by SSL_CERT_FILE")
        }
        let configuration = OpenAIBackend.Configuration(baseURL: base, model: arguments[model] ?? "", apiKey: apiKey,
                                                        connectTimeout: min(.seconds(10), timeout), requestTimeout: timeout,
                                                        caFile: caFile)
        let probe = OpenAIBackend(configuration, limiter: limiter)
        let listed = try probe.listModels()   // also fails fast when the server is unreachable
        if arguments[model] != nil { return probe }
        guard let first = listed.first else {
            throw UsageError("--\(role)-model is required: \(base)/models lists no model", commandPath: commandPath)
        }
        var named = configuration
        named.model = first
        return OpenAIBackend(named, limiter: limiter)
    }
}

