import ArgParse
import Foundation
import Tensor

// OpenBLAS's kernels are chosen while this is the only thread: the choice may set and unset an
// environment variable (dv_openblas_match_cpu).
_ = openBLASReady
exit(await CommandRunner.run(root: DivvyCLI.root, commands: DivvyCLI.commands,
                             arguments: Array(CommandLine.arguments.dropFirst())).rawValue)
