import Agent
import ArgParse
import Foundation

/// Options that send a role's requests to an OpenAI-compatible server instead of a local model.
enum RemoteOptions {
    static let solverURL = Option<String>(
        "solver-url", valueName: "url", help: "OpenAI-compatible API base for the solver, e.g. http://127.0.0.1:8080/v1 (replaces --solver).",
        validate: httpOnly)
    static let solverModel = Option<String>("solver-model", valueName: "name",
                                            help: "Model name sent to --solver-url (default: the first the server lists).")
    static let plannerURL = Option<String>(
        "planner-url", valueName: "url", help: "OpenAI-compatible API base for the planner (replaces --planner).", validate: httpOnly)
    static let plannerModel = Option<String>("planner-model", valueName: "name",
                                             help: "Model name sent to --planner-url (default: the first the server lists).")
    static let apiKeyEnv = Option<String>("api-key-env", valueName: "var",
                                          help: "Environment variable holding an API key, sent as a bearer token.")
    static let requestTimeout = Option<Double>("request-timeout", valueName: "seconds",
                                               help: "Longest wait for a server's reply.", default: 300,
                                               validate: { $0 > 0 ? nil : "must be positive" })

    static let all: [any ArgumentDeclaration] = [solverURL, solverModel, plannerURL, plannerModel, apiKeyEnv, requestTimeout]

    @Sendable static func httpOnly(_ url: String) -> String? {
        if url.lowercased().hasPrefix("https://") { return "https is not supported; use an http:// URL (a local proxy can add TLS)" }
        guard let parts = URLComponents(string: url), parts.scheme == "http", parts.host?.isEmpty == false else {
            return "must be an http://host[:port]/path URL"
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
        let configuration = OpenAIBackend.Configuration(baseURL: base, model: arguments[model] ?? "", apiKey: apiKey,
                                                        connectTimeout: min(.seconds(10), timeout), requestTimeout: timeout)
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

