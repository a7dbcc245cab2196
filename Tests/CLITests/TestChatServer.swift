import LLM
import Serve

extension ChatServer {
    /// `divvy serve`'s server in this process, serving the test model (SmolLM2-135M, as
    /// `smollm2-135m`) on a free loopback port, started; the caller stops it.
    static func startedWithTestModel() throws -> ChatServer {
        let model = try LanguageModel(path: ModelLocator.resolve("smollm2-135m"))
        let server = try ChatServer(models: [ServedModel(name: "smollm2-135m", model: model)],
                                    configuration: .init(port: 0, parallel: 2, contextPerRequest: 1024))
        server.start()
        return server
    }
}
