import ArgumentParser
import Foundation

/// `devserve init`: write a commented `devserve.toml`.
struct InitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Write a commented devserve.toml in the current folder, with every setting at its default.")

    @Flag(help: "Overwrite an existing devserve.toml.")
    var force = false

    func run() throws {
        let path = FileManager.default.currentDirectoryPath + "/" + ConfigFile.defaultName
        if FileManager.default.fileExists(atPath: path) && !force {
            fail("\(ConfigFile.defaultName) already exists; edit it, or use --force to replace it")
        }
        guard FileManager.default.createFile(atPath: path, contents: Data(StarterConfig.text.utf8)) else {
            fail("cannot write \(path)")
        }
        print("wrote \(ConfigFile.defaultName): uncomment a setting to change it; flags still override it")
    }
}
