import Agent
import ArgParse
import HTTP
import LLM
import Train

/// Errors that choose the process's exit status.
protocol ExitStatusError: Error, CustomStringConvertible {
    var exitCode: ExitCode { get }
}

// The table: which exit status each kind of error ends the process with, by its type and case
// (a `UsageError` ends it with `.usage`, anything else with `.failure`).

extension ModelFileError: ExitStatusError {
    var exitCode: ExitCode { .dataError }
}

extension DraftVocabularyMismatch: ExitStatusError {
    /// The options named models that cannot work together.
    var exitCode: ExitCode { .usage }
}

extension ModelLocatorError: ExitStatusError {
    /// The model file is not there.
    var exitCode: ExitCode { .noInput }
}

extension InferenceError: ExitStatusError {
    var exitCode: ExitCode { .dataError }
}

extension EngineError: ExitStatusError {
    var exitCode: ExitCode {
        switch self {
        case .promptTooLong, .rejected: .dataError
        case .cancelled, .shuttingDown: .interrupted
        case .queueFull: .tryAgain
        case .failed: .failure
        }
    }
}

extension AgentError: ExitStatusError {
    var exitCode: ExitCode {
        switch self {
        case .databaseBusy: .tryAgain
        case .database: .ioError
        case .noDatabase: .noInput
        case .promptTooLong, .noSuchRun, .corruptLog, .databaseCorrupt: .dataError
        case .kvBudgetExceeded: .usage
        }
    }
}

extension LoRAAdapterFileError: ExitStatusError {
    /// Not there, or not a usable adapter.
    var exitCode: ExitCode {
        switch self {
        case .notFound: .noInput
        default: .dataError
        }
    }
}

extension TaskFileError: ExitStatusError {
    /// Cannot be read, or holds no usable task.
    var exitCode: ExitCode {
        switch self {
        case .unreadable: .noInput
        case .noTasks: .dataError
        }
    }
}

extension OpenAIBackendError: ExitStatusError {
    var exitCode: ExitCode {
        switch self {
        case .badResponse: .protocolError
        case let .gaveUp(_, last): last.exitCode
        case .unreachable, .untrustedCertificate, .timedOut, .connectionLost, .status, .failedDuringReply: .unavailable
        }
    }
}

extension TrainingError: ExitStatusError {
    var exitCode: ExitCode {
        switch self {
        case .invalidConfiguration: .usage
        case .checkpointIO: .ioError
        case .emptyBatch, .invalidExample, .nonFinite, .checkpointCorrupt, .checkpointMismatch: .dataError
        }
    }
}

extension SocketError: ExitStatusError {
    /// The address to serve on could not be bound.
    var exitCode: ExitCode { .unavailable }
}

/// The run was stopped on request and can be resumed.
struct Interrupted: ExitStatusError {
    var exitCode: ExitCode { .interrupted }
    var description: String { "interrupted" }
}

/// The task could not be solved (its error is in the output and the run log).
struct TaskFailure: ExitStatusError {
    let reason: String
    var description: String { "the task was not solved: \(reason)" }
    var exitCode: ExitCode { .dataError }
}

/// An input file (other than a task file) that is not there or cannot be read.
struct UnreadableFile: ExitStatusError {
    let path: String
    /// What the file is for, e.g. "API key file".
    let what: String
    var description: String { "cannot read the \(what) '\(path)'" }
    var exitCode: ExitCode { .noInput }
}
