import ArgParse
import LLM

/// `--no-speculation`, for the commands that run local models.
enum SpeculationOption {
    static let flag = Flag("no-speculation", help: "Decode one token per step, without checking a token drafted from the text so far "
        + "(prompt lookup) in the same pass. The output is the same either way; only the speed differs.")

    static func policy(_ arguments: ParsedCommand) -> SpeculationPolicy {
        arguments[flag] ? .off : SpeculationPolicy()
    }
}
