import Foundation

// Usage: EmbedClientScriptTool OUTPUT.swift NAME=INPUT.js...
// Writes `extension ClientScript { static let NAME = #"…"# … }`, one property per name, each
// with a raw-string delimiter longer than any run of `#` in it, so each script is embedded byte
// for byte. A name given several times gets its inputs one after the other, in order.
let arguments = CommandLine.arguments
guard arguments.count >= 3 else {
    FileHandle.standardError.write(Data("usage: EmbedClientScriptTool OUTPUT NAME=INPUT...\n".utf8))
    exit(2)
}
var scripts: [(name: String, text: String)] = []
var inputs: [String] = []
for argument in arguments.dropFirst(2) {
    guard let equals = argument.firstIndex(of: "=") else {
        FileHandle.standardError.write(Data("EmbedClientScriptTool: expected NAME=INPUT, got \(argument)\n".utf8))
        exit(2)
    }
    let name = String(argument[..<equals])
    let path = String(argument[argument.index(after: equals)...])
    let script: String
    do {
        script = try String(contentsOfFile: path, encoding: .utf8)
    } catch {
        FileHandle.standardError.write(Data("EmbedClientScriptTool: cannot read \(path): \(error)\n".utf8))
        exit(1)
    }
    inputs.append(URL(fileURLWithPath: path).lastPathComponent)
    if let index = scripts.firstIndex(where: { $0.name == name }) {
        scripts[index].text += script
    } else {
        scripts.append((name, script))
    }
}
var properties: [String] = []
for (name, script) in scripts {
    var longestRun = 0
    var run = 0
    for character in script {
        run = character == "#" ? run + 1 : 0
        longestRun = max(longestRun, run)
    }
    let hashes = String(repeating: "#", count: longestRun + 1)
    properties.append("""
            static let \(name): String = \(hashes)\"\"\"
        \(script)
        \"\"\"\(hashes)
        """)
}
let output = """
    // Generated from client-js/ (\(inputs.joined(separator: ", "))) by the EmbedClientScript plugin. Do not edit.
    extension ClientScript {
    \(properties.joined(separator: "\n"))
    }

    """
do {
    try output.write(toFile: arguments[1], atomically: true, encoding: .utf8)
} catch {
    FileHandle.standardError.write(Data("EmbedClientScriptTool: cannot write \(arguments[1]): \(error)\n".utf8))
    exit(1)
}
