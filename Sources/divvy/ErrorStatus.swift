import ArgParse
import LLM

extension ModelFileError: ExitStatusError {
    var exitStatus: Int32 { ExitCode.dataError }
}

extension ModelLocatorError: ExitStatusError {
    /// EX_NOINPUT: the model file is not there.
    var exitStatus: Int32 { 66 }
}

extension InferenceError: ExitStatusError {
    var exitStatus: Int32 { ExitCode.dataError }
}
