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
        #expect(fileOnly[Setting.port] == 1111 && fileOnly[Setting.host] == "127.0.0.2" && fileOnly[Setting.debounce] == 7)
        let withEnvironment = try settings([], in: project.path, environment: ["PORT": "2222", "HOST": "127.0.0.3"])
        #expect(withEnvironment[Setting.port] == 2222 && withEnvironment[Setting.host] == "127.0.0.3")
        #expect(withEnvironment[Setting.debounce] == 7)
        let withFlags = try settings(["--port", "3333", "--debounce", "9"], in: project.path, environment: ["PORT": "2222"])
        #expect(withFlags[Setting.port] == 3333 && withFlags[Setting.debounce] == 9)
        #expect(withFlags.source(Setting.port) == .flag && withFlags.source(Setting.debounce) == .flag)
        // Without any source: the defaults.
        let empty = try FixtureCopy(files: [:])
        defer { empty.remove() }
        let defaults = try settings([], in: empty.path)
        #expect(defaults[Setting.port] == 8080 && defaults[Setting.host] == "127.0.0.1" && defaults[Setting.debounce] == 20)
        #expect(defaults[Setting.inject] && defaults[Setting.gitignore] && !defaults[Setting.spa])
        #expect(defaults[Setting.root] == empty.path && defaults[Setting.poll] == nil && defaults[Setting.watch].isEmpty)
        let engine = try ServeCommand.configuration(from: defaults, current: empty.path)
        #expect(engine.root == empty.path && engine.watchFolders == [empty.path] && engine.port == 8080)
        #expect(engine.poll == nil && engine.buildCommand == nil && engine.holdTimeout == .seconds(30) && engine.fallbackPage == nil)
    }

    /// Compression is on by default; `--no-compress` and `compress = false` turn it off, and a
    /// flag beats the file.
    @Test func compressionIsOnUnlessTurnedOff() throws {
        let empty = try FixtureCopy(files: [:])
        defer { empty.remove() }
        let byDefault = try ServeCommand.configuration(from: settings([], in: empty.path), current: empty.path)
        let flagged = try ServeCommand.configuration(from: settings(["--no-compress"], in: empty.path), current: empty.path)
        #expect(byDefault.compress && !flagged.compress)
        let file = try FixtureCopy(files: ["devserve.toml": "compress = false\n"])
        defer { file.remove() }
        let fromFile = try ServeCommand.configuration(from: settings([], in: file.path), current: file.path)
        let overridden = try ServeCommand.configuration(from: settings(["--compress"], in: file.path), current: file.path)
        #expect(!fromFile.compress && overridden.compress)
        #expect(DevServeConfiguration(root: empty.path, projectFolder: empty.path).compress, "the library's default too")
    }

    @Test func pathsInTheFileStartFromItsFolderAndFlagsFromTheCurrentOne() throws {
        let project = try FixtureCopy(files: ["conf/dev.toml": "root = \"../public\"\nwatch = [\"../src\", \"/abs\"]\n"])
        defer { project.remove() }
        let fromFile = try settings(["--config", "conf/dev.toml"], in: project.path)
        #expect(fromFile[Setting.root] == project.path + "/public")
        #expect(fromFile[Setting.watch] == [project.path + "/src", "/abs"])
        let fromFlag = try settings(["--config", "conf/dev.toml", "site", "--watch", "lib"], in: project.path)
        #expect(fromFlag[Setting.root] == project.path + "/site")
        #expect(fromFlag[Setting.watch] == [project.path + "/lib"])
        let engine = try ServeCommand.configuration(from: fromFlag, current: project.path)
        #expect(engine.root == project.path + "/site" && engine.watchFolders == [project.path + "/lib"])
    }

    @Test func proxyAsATableOrAList() throws {
        let table = try FixtureCopy(files: ["devserve.toml": "spa = true\n\n[proxy]\n\"/api\" = \"http://127.0.0.1:3000\"\n\"/auth\" = \"http://127.0.0.1:4000/v1\"\n"])
        defer { table.remove() }
        let fromTable = try settings([], in: table.path)
        #expect(fromTable[Setting.proxy] == ["/api=http://127.0.0.1:3000", "/auth=http://127.0.0.1:4000/v1"])
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
        ("\n\nbuild = 12\n", "devserve.toml:3: build: expected a string, got 12"),
        ("port = \"8080\"\n", "devserve.toml:1: port: expected a whole number, got \"8080\""),
        ("debounce = 5\nport = 70000\n", "devserve.toml:2: port must be between 0 and 65535, not 70000"),
        ("on-busy = \"later\"\n", "devserve.toml:1: on-busy takes queue or restart, not later"),
        ("watch = 3\n", "devserve.toml:1: watch: expected a string or a list of strings, got 3"),
        ("ignore = [\"a\", 3]\n", "devserve.toml:1: ignore: expected a string or a list of strings, got 3 in the list"),
        ("spa = \"yes\"\n", "devserve.toml:1: spa: expected true or false, got \"yes\""),
        ("editor = \"code\"\n", "devserve.toml:1: editor must contain {file}, as in \"code --goto {file}:{line}:{column}\""),
        ("[server]\nport = 1\n", "devserve.toml:1: unknown key \"server\""),
        ("proxy = [\"/api=ftp://x\"]\n",
         "devserve.toml:1: proxy has a bad value: a proxy target is an http:// URL such as http://127.0.0.1:3000, not ftp://x"),
        ("[proxy]\n\"/api\" = 3000\n", "devserve.toml:2: proxy.\"/api\": expected a URL string, got 3000"),
    ])
    func aBadFileIsOneLineNamingTheLineAndTheKey(_ text: String, _ message: String) throws {
        let project = try FixtureCopy(files: ["devserve.toml": text])
        defer { project.remove() }
        #expect(throws: SettingError(message)) { try self.settings([], in: project.path) }
    }

    /// Text that is not TOML: toml++ says "Error while parsing value: could not determine value
    /// type" for `spa = yes`; devserve names the key and what it takes, on one line.
    @Test(arguments: [
        ("spa = yes\n", "devserve.toml:1: spa: expected true or false, got yes"),
        ("port = 1\n\nspa = yes # for the router\n", "devserve.toml:3: spa: expected true or false, got yes"),
        ("spa = True\n", "devserve.toml:1: spa: expected true or false, got True"),
        ("# a comment\nport = \n", "devserve.toml:2: port: expected a whole number, got nothing"),
        ("port = 08080\n", "devserve.toml:1: port: expected a whole number, got 08080 (leading zeroes are prohibited)"),
        ("build = \"make\n", "devserve.toml:1: build: expected a string, got \"make (the string is not closed)"),
        ("build = \"a\\q\"\n", "devserve.toml:1: build: expected a string, got \"a\\q\" (unknown escape sequence '\\q')"),
        ("watch = [\n  \"src\",\n  lib,\n]\n", "devserve.toml:3: watch: expected a string or a list of strings, got lib"),
        ("port = 1\nport = 2\n", "devserve.toml:2: port is set twice (first on line 1)"),
        ("prot = yes\n", "devserve.toml:1: unknown key \"prot\" (did you mean port?)"),
        ("[proxy]\n\"/api\" = http://x\n", "devserve.toml:2: proxy.\"/api\": expected a URL string, got http://x"),
        ("port 8080\n", "devserve.toml:1: expected key = value, got port 8080"),
        ("[proxy\n", "devserve.toml:1: expected a table header such as [proxy], got [proxy"),
    ])
    func aSyntaxErrorNamesTheKeyAndWhatItTakes(_ text: String, _ message: String) throws {
        let project = try FixtureCopy(files: ["devserve.toml": text])
        defer { project.remove() }
        #expect(throws: SettingError(message)) { try self.settings([], in: project.path) }
    }

    @Test func aStringWhereAListGoesIsAListOfOne() throws {
        let project = try FixtureCopy(files: [
            "devserve.toml": "watch = \"src\"\nignore = \"*.log\"\nproxy = \"/api=http://127.0.0.1:3000\"\n"
        ])
        defer { project.remove() }
        let fromFile = try settings([], in: project.path)
        #expect(fromFile[Setting.watch] == [project.path + "/src"])
        #expect(fromFile[Setting.ignore] == ["*.log"])
        #expect(fromFile[Setting.proxy] == ["/api=http://127.0.0.1:3000"])
    }

    /// A file where a folder goes is named as a file, with where it was given (the engine, which
    /// reports it too, does not know the file's line, and says "does not exist" for --watch).
    @Test func aFileWhereAFolderGoesIsNamedAsAFile() throws {
        let project = try FixtureCopy(files: ["index.html": "<p>hi</p>", "devserve.toml": "port = 1\nroot = \"index.html\"\n"])
        defer { project.remove() }
        let file = project.path + "/index.html"
        #expect(throws: SettingError("devserve.toml:2: root must be a folder, not a file: \(file)")) {
            try self.settings([], in: project.path)
        }
        try project.write("devserve.toml", "port = 1\n")
        #expect(throws: SettingError("ROOT must be a folder, not a file: \(file)")) { try self.settings(["index.html"], in: project.path) }
        #expect(throws: SettingError("--watch must be a folder, not a file: \(file)")) {
            try self.settings(["--watch", ".", "--watch", "index.html"], in: project.path)
        }
    }

    /// Each setting is the flag of its own name, and that flag sets it: `flagLayer` has a line for
    /// every setting, and no line gives one setting another's flag.
    @Test func everySettingIsTheFlagOfItsName() throws {
        let project = try FixtureCopy(files: [:])
        defer { project.remove() }
        for key in Setting.all {
            let value = try #require(key.starterValue, "\(key.name) has an example or a default")
            let arguments: [String] =
                switch value {
                case .bool(let on): [on ? "--\(key.flagName)" : "--no-\(key.flagName)"]
                case .strings(let list): list.flatMap { ["--\(key.flagName)", $0] }
                default: key.isArgument ? [value.flagText] : ["--\(key.flagName)", value.flagText]
                }
            let given = try settings(arguments, in: project.path)
            #expect(given.values.count == 1, "\(arguments) sets one setting")
            let entry = try #require(given.values[key.name], "\(arguments) sets \(key.name)")
            #expect(entry.source == .flag)
            #expect(entry.value == (key.resolvesPaths ? value.resolvingPaths(in: project.path) : value), "\(key.name)")
        }
    }

    /// Every flag of `devserve serve` (but --config and --help) is a setting, so none is missing
    /// from `Setting.all`, which the file, `devserve init` and the configuration work from.
    @Test func everyFlagOfServeIsASetting() throws {
        let help = try #require(try JSONSerialization.jsonObject(with: Data(ServeCommand._dumpHelp().utf8)) as? [String: Any])
        let command = try #require(help["command"] as? [String: Any])
        let arguments = try #require(command["arguments"] as? [[String: Any]])
        var longNames: Set<String> = []
        var positionals = 0
        for argument in arguments {
            if argument["kind"] as? String == "positional" { positionals += 1 }
            for name in argument["names"] as? [[String: Any]] ?? [] where name["kind"] as? String == "long" {
                if let text = name["name"] as? String { longNames.insert(text) }
            }
        }
        var expected: Set<String> = ["config", "help"]
        for key in Setting.all where !key.isArgument {
            expected.insert(key.flagName)
            if key.kind == .bool { expected.insert("no-" + key.flagName) }
        }
        #expect(longNames.subtracting(["version", "experimental-dump-help"]) == expected)
        #expect(positionals == Setting.all.filter { $0.isArgument }.count)
    }

    @Test func badEnvironmentAndFlagsAreNamedAsTheUserWroteThem() throws {
        let project = try FixtureCopy(files: [:])
        defer { project.remove() }
        #expect(throws: SettingError("PORT must be a whole number, not eighty")) {
            try self.settings([], in: project.path, environment: ["PORT": "eighty"])
        }
        #expect(throws: SettingError("--port must be between 0 and 65535, not 99999")) { try self.settings(["--port", "99999"], in: project.path) }
        // A flag overrides a variable without reading it.
        #expect(try settings(["--port", "1"], in: project.path, environment: ["PORT": "eighty"])[Setting.port] == 1)
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
        #expect(keyLines.count == Setting.all.count, "every setting is in the starter file")
        let uncommented = text.split(separator: "\n", omittingEmptySubsequences: false).map {
            isKeyLine($0) ? String($0.dropFirst(2)) : String($0)
        }
        try project.write("devserve.toml", uncommented.joined(separator: "\n"))
        let all = try settings([], in: project.path)
        #expect(all.values.count == Setting.all.count)
        #expect(all[Setting.port] == 8080 && all[Setting.debounce] == 20)
        // A second init keeps the file.
        let (again, _, error) = try await Devserve.output(["init"], in: project.path)
        #expect(again == .exited(1))
        #expect(error == "devserve: error: devserve.toml already exists; edit it, or use --force to replace it\n")
    }
}
