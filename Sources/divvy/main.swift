import ArgParse
import Foundation

exit(await CommandRunner.run(root: DivvyCLI.root, commands: DivvyCLI.commands,
                             arguments: Array(CommandLine.arguments.dropFirst())).rawValue)
