// swift-tools-version:6.0
import PackageDescription

/// Release builds target x86-64-v3 (AVX2, FMA, F16C: LLVM's "haswell" level); debug builds stay portable.
let optimizedSwift: [SwiftSetting] = [
    .unsafeFlags(["-target-cpu", "haswell", "-Ounchecked"], .when(configuration: .release)),
]

let package = Package(
    name: "Divvy",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "divvy", targets: ["divvy"]),
    ],
    targets: [
        .systemLibrary(name: "CSQLite", pkgConfig: "sqlite3",
                       providers: [.apt(["libsqlite3-dev"]), .brew(["sqlite"])]),
        .systemLibrary(name: "COpenBLAS", pkgConfig: "openblas",
                       providers: [.apt(["libopenblas-dev"]), .brew(["openblas"])]),
        .systemLibrary(name: "CCurl", pkgConfig: "libcurl",
                       providers: [.apt(["libcurl4-openssl-dev"]), .brew(["curl"])]),
        .target(name: "DurationUnits"),
        .target(name: "SQLiteKit", dependencies: ["CSQLite", "DurationUnits"]),
        .target(name: "ArgParse"),
        .target(name: "CKernels", cSettings: [.unsafeFlags(["-O3"])]),
        .target(name: "Tensor", dependencies: ["COpenBLAS", "CKernels"], swiftSettings: optimizedSwift),
        .target(name: "LLM", dependencies: ["Tensor"], swiftSettings: optimizedSwift),
        .target(name: "Train", dependencies: ["LLM", "Tensor", "COpenBLAS", "CKernels"], swiftSettings: optimizedSwift),
        .target(name: "MiniPython"),
        .target(name: "Agent", dependencies: ["DurationUnits", "LLM", "SQLiteKit", "HTTP", "MiniPython"], swiftSettings: optimizedSwift),
        .target(name: "Distill", dependencies: ["Agent", "LLM", "Tensor", "Train"], swiftSettings: optimizedSwift),
        .target(name: "HTTP", dependencies: ["CCurl", "DurationUnits"]),
        .target(name: "Serve", dependencies: ["DurationUnits", "HTTP", "LLM"], swiftSettings: optimizedSwift),
        .executableTarget(name: "divvy", dependencies: ["Agent", "ArgParse", "Distill", "HTTP", "LLM", "Serve", "Tensor", "Train"], swiftSettings: optimizedSwift),
        .testTarget(name: "TensorTests", dependencies: ["CKernels", "COpenBLAS", "Tensor"]),
        .testTarget(name: "LLMTests", dependencies: ["LLM", "Tensor"]),
        .testTarget(name: "TrainTests", dependencies: ["Train", "LLM", "Tensor"]),
        .testTarget(name: "SQLiteKitTests", dependencies: ["SQLiteKit"]),
        .testTarget(name: "ArgParseTests", dependencies: ["ArgParse"]),
        .testTarget(name: "AgentTests", dependencies: ["Agent", "Distill", "LLM", "SQLiteKit", "Train"]),
        .testTarget(name: "CLITests", dependencies: ["divvy", "HTTP", "LLM", "SQLiteKit", "Serve"]),
        .testTarget(name: "HTTPTests", dependencies: ["HTTP"]),
        .testTarget(name: "MiniPythonTests", dependencies: ["MiniPython"]),
        .testTarget(name: "ServeTests", dependencies: ["Serve", "HTTP", "LLM"]),
        .testTarget(name: "OpenAIBackendTests", dependencies: ["Agent", "HTTP", "LLM", "Serve"]),
    ],
    swiftLanguageModes: [.v6]
)
