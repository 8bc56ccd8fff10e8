import Foundation
import PackagePlugin

/// Turns the browser client's files into a Swift source file holding each as a string literal,
/// so the client is part of the binary: `swift run devserve` then works from any folder, and
/// from a package that depends on devserve (a symlinked resource would dangle).
/// - `client-js/errors.js` then `client-js/devserve.js` → `ClientScript.source`
///   (`/__hmr/client.js`: errors.js defines the page-error code devserve.js installs);
/// - `client-js/hot.js` → `ClientScript.hotModule` (`/__hmr/hot.js`, the `import.meta.hot` runtime).
@main
struct EmbedClientScript: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: any Target) throws -> [Command] {
        let files = [("source", "errors.js"), ("source", "devserve.js"), ("hotModule", "hot.js")]
        let inputs = files.map { context.package.directoryURL.appending(path: "client-js/\($0.1)") }
        let output = context.pluginWorkDirectoryURL.appending(path: "ClientScript+Source.swift")
        return [
            .buildCommand(
                displayName: "Embedding client-js/errors.js, devserve.js and hot.js",
                executable: try context.tool(named: "EmbedClientScriptTool").url,
                arguments: [output.path()] + zip(files, inputs).map { "\($0.0.0)=\($0.1.path())" },
                inputFiles: inputs,
                outputFiles: [output]
            )
        ]
    }
}
