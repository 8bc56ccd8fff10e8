import DevServe
import Foundation
import Subprocess
import Testing

@testable import devserve

/// devserve.toml, PORT and HOST, and the flags: which wins, and what a mistake says.
@Suite(.timeLimit(.minutes(3))) struct ConfigurationTests {
    /// The merged settings for `flags`, run in `folder` with `environment`.
    private func settings(_ flags: [String], in folder: String, environment: [String: String] = [:]) throws -> Settings {
        let command = try ServeCommand.parse(flags)
        return try command.loadSettings(current: folder, environment: environment)
    }

    @Test func flagsBeatTheEnvironmentWhichBeatsTheFile() throws {
        let project = try FixtureCopy(files: ["devserve.toml": "port = 1111\nhost = \"127.0.0.2\"\ndebounce = 7\n"])
        defer { project.remove() }
        let fileOnly = try settings([], in: project.path)
        #expect(fileOnly.int("port") == 1111 && fileOnly.string("host") == "127.0.0.2" && fileOnly.int("debounce") == 7)
        let withEnvironment = try settings([], in: project.path, environment: ["PORT": "2222", "HOST": "127.0.0.3"])
        #expect(withEnvironment.int("port") == 2222 && withEnvironment.string("host") == "127.0.0.3")
        #expect(withEnvironment.int("debounce") == 7)
        let withFlags = try settings(["--port", "3333", "--debounce", "9"], in: project.path, environment: ["PORT": "2222"])
        #expect(withFlags.int("port") == 3333 && withFlags.int("debounce") == 9)
        #expect(withFlags.source("port") == .flag && withFlags.source("debounce") == .flag)
        // Without any source: the defaults.
        let empty = try FixtureCopy(files: [:])
        defer { empty.remove() }
        let defaults = try settings([], in: empty.path)
        #expect(defaults.int("port") == 8080 && defaults.string("host") == "127.0.0.1" && defaults.int("debounce") == 20)
        #expect(defaults.bool("inject") && defaults.bool("gitignore") && !defaults.bool("spa"))
    }

    @Test func pathsInTheFileStartFromItsFolderAndFlagsFromTheCurrentOne() throws {
        let project = try FixtureCopy(files: ["conf/dev.toml": "root = \"../public\"\nwatch = [\"../src\", \"/abs\"]\n"])
        defer { project.remove() }
        let fromFile = try settings(["--config", "conf/dev.toml"], in: project.path)
        #expect(fromFile.string("root") == project.path + "/public")
        #expect(fromFile.strings("watch") == [project.path + "/src", "/abs"])
        let fromFlag = try settings(["--config", "conf/dev.toml", "site", "--watch", "lib"], in: project.path)
        #expect(fromFlag.string("root") == project.path + "/site")
        #expect(fromFlag.strings("watch") == [project.path + "/lib"])
    }

    @Test func proxyAsATableOrAList() throws {
        let table = try FixtureCopy(files: ["devserve.toml": "spa = true\n\n[proxy]\n\"/api\" = \"http://127.0.0.1:3000\"\n\"/auth\" = \"http://127.0.0.1:4000/v1\"\n"])
        defer { table.remove() }
        let fromTable = try settings([], in: table.path)
        #expect(fromTable.strings("proxy") == ["/api=http://127.0.0.1:3000", "/auth=http://127.0.0.1:4000/v1"])
        let configuration = try ServeCommand.configuration(from: fromTable, current: table.path)
        #expect(configuration.proxies.map(\.prefix) == ["/api", "/auth"])
        #expect(configuration.fallbackPage == "index.html")
        let list = try FixtureCopy(files: ["devserve.toml": "proxy = [\"/api=http://127.0.0.1:3000\"]\nfallback = \"shell.html\"\n"])
        defer { list.remove() }
        let fromList = try ServeCommand.configuration(from: try settings([], in: list.path), current: list.path)
        #expect(fromList.proxies.map(\.target.absoluteString) == ["http://127.0.0.1:3000"])
        #expect(fromList.fallbackPage == "shell.html")
    }

    @Test(arguments: [
        ("port = 8080\nprot = 1\n", "devserve.toml:2: unknown key \"prot\" (did you mean port?)"),
        ("\n\nbuild = 12\n", "devserve.toml:3: build must be a string, not 12"),
        ("port = \"8080\"\n", "devserve.toml:1: port must be a whole number, not \"8080\""),
        ("debounce = 5\nport = 70000\n", "devserve.toml:2: port must be between 0 and 65535, not 70000"),
        ("on-busy = \"later\"\n", "devserve.toml:1: on-busy takes queue or restart, not later"),
        ("watch = \"src\"\n", "devserve.toml:1: watch must be a list of strings, not \"src\""),
        ("ignore = [\"a\", 3]\n", "devserve.toml:1: ignore must be a list of strings, not a list"),
        ("spa = \"yes\"\n", "devserve.toml:1: spa must be true or false, not \"yes\""),
        ("# a comment\nport = \n", "devserve.toml:2: Error while parsing key-value pair: expected value, saw '\\n'"),
        ("editor = \"code\"\n", "devserve.toml:1: editor must contain {file}, as in \"code --goto {file}:{line}:{column}\""),
        ("[server]\nport = 1\n", "devserve.toml:1: unknown key \"server\""),
        ("proxy = [\"/api=ftp://x\"]\n",
         "devserve.toml:1: proxy has a bad value: a proxy target is an http:// URL such as http://127.0.0.1:3000, not ftp://x"),
    ])
    func aBadFileIsOneLineNamingTheLineAndTheKey(_ text: String, _ message: String) throws {
        let project = try FixtureCopy(files: ["devserve.toml": text])
        defer { project.remove() }
        #expect(throws: SettingError(message)) { try self.settings([], in: project.path) }
    }

    @Test func badEnvironmentAndFlagsAreNamedAsTheUserWroteThem() throws {
        let project = try FixtureCopy(files: [:])
        defer { project.remove() }
        #expect(throws: SettingError("PORT must be a whole number, not eighty")) {
            try self.settings([], in: project.path, environment: ["PORT": "eighty"])
        }
        #expect(throws: SettingError("--port must be between 0 and 65535, not 99999")) { try self.settings(["--port", "99999"], in: project.path) }
        // A flag overrides a variable without reading it.
        #expect(try settings(["--port", "1"], in: project.path, environment: ["PORT": "eighty"]).int("port") == 1)
        #expect(throws: SettingError("the configuration file does not exist: nope.toml")) {
            try self.settings(["--config", "nope.toml"], in: project.path)
        }
    }

    @Test func theBinaryReadsTheFileInItsFolderAndHonoursPORT() async throws {
        let project = try FixtureCopy(files: [
            "public/index.html": "<h1>from the file's root</h1>",
            "devserve.toml": "root = \"public\"\njson = true\nport = 1\n",
        ])
        defer { project.remove() }
        // PORT=0 beats the file's port 1 (which would need root), and the file's json = true holds.
        try await Devserve.run([], environment: ["PORT": "0"], in: project.path) { devserve in
            #expect(devserve.port != 1)
            let response = try await RawConnection.get("/", port: devserve.port)
            #expect(response.status == 200 && response.body.contains("from the file's root"))
        }
        let (status, error) = try await Devserve.runToEnd([], environment: ["PORT": "x"], in: project.path)
        #expect(status == .exited(1))
        #expect(error == "devserve: error: PORT must be a whole number, not x\n")
        try project.write("devserve.toml", "root = \"public\"\nport = 1\nallow-dotfile = true\n")
        let (badStatus, badError) = try await Devserve.runToEnd([], in: project.path)
        #expect(badStatus == .exited(1))
        #expect(badError == "devserve: error: devserve.toml:3: unknown key \"allow-dotfile\" (did you mean allow-dotfiles?)\n")
    }

    @Test func initWritesAStarterFileWhoseEveryKeyIsValid() async throws {
        let project = try FixtureCopy(files: [:])
        defer { project.remove() }
        let (status, output, _) = try await Devserve.output(["init"], in: project.path)
        #expect(status == .exited(0))
        #expect(output.hasPrefix("wrote devserve.toml"))
        let text = try project.read("devserve.toml")
        // As written, everything is commented out: the defaults.
        let asWritten = try settings([], in: project.path)
        #expect(asWritten.values.isEmpty)
        // Every key it shows is a real one with a valid value: uncomment them all.
        let isKeyLine = { (line: Substring) in line.wholeMatch(of: #/# [a-z-]+ = .*/#) != nil }
        let keyLines = text.split(separator: "\n").filter(isKeyLine)
        #expect(keyLines.count == SettingKey.all.count, "every setting is in the starter file")
        let uncommented = text.split(separator: "\n", omittingEmptySubsequences: false).map {
            isKeyLine($0) ? String($0.dropFirst(2)) : String($0)
        }
        try project.write("devserve.toml", uncommented.joined(separator: "\n"))
        let all = try settings([], in: project.path)
        #expect(all.values.count == SettingKey.all.count)
        #expect(all.int("port") == 8080 && all.int("debounce") == 20)
        // A second init keeps the file.
        let (again, _, error) = try await Devserve.output(["init"], in: project.path)
        #expect(again == .exited(1))
        #expect(error == "devserve: error: devserve.toml already exists; edit it, or use --force to replace it\n")
    }
}
