import Foundation
import PackagePlugin

/// Turns `client-js/devserve.js` into a Swift source file holding the script as a string
/// literal, so the client is part of the binary: `swift run devserve` then works from any
/// folder, and from a package that depends on devserve (a symlinked resource would dangle).
@main
struct EmbedClientScript: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: any Target) throws -> [Command] {
        let input = context.package.directoryURL.appending(path: "client-js/devserve.js")
        let output = context.pluginWorkDirectoryURL.appending(path: "ClientScript+Source.swift")
        return [
            .buildCommand(
                displayName: "Embedding client-js/devserve.js",
                executable: try context.tool(named: "EmbedClientScriptTool").url,
                arguments: [input.path(), output.path()],
                inputFiles: [input],
                outputFiles: [output]
            )
        ]
    }
}
