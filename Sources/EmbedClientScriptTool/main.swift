import Foundation

// Usage: EmbedClientScriptTool INPUT.js OUTPUT.swift
// Writes `extension ClientScript { static let source = #"…"# }` with a raw-string delimiter
// longer than any run of `#` in the input, so the script is embedded byte for byte.
let arguments = CommandLine.arguments
guard arguments.count == 3 else {
    FileHandle.standardError.write(Data("usage: EmbedClientScriptTool INPUT OUTPUT\n".utf8))
    exit(2)
}
let script: String
do {
    script = try String(contentsOfFile: arguments[1], encoding: .utf8)
} catch {
    FileHandle.standardError.write(Data("EmbedClientScriptTool: cannot read \(arguments[1]): \(error)\n".utf8))
    exit(1)
}
var longestRun = 0
var run = 0
for character in script {
    run = character == "#" ? run + 1 : 0
    longestRun = max(longestRun, run)
}
let hashes = String(repeating: "#", count: longestRun + 1)
let output = """
    // Generated from client-js/devserve.js by the EmbedClientScript plugin. Do not edit.
    extension ClientScript {
        static let source: String = \(hashes)\"\"\"
    \(script)
    \"\"\"\(hashes)
    }

    """
do {
    try output.write(toFile: arguments[2], atomically: true, encoding: .utf8)
} catch {
    FileHandle.standardError.write(Data("EmbedClientScriptTool: cannot write \(arguments[2]): \(error)\n".utf8))
    exit(1)
}
