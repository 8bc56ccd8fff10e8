import DevServe
import Foundation
import Testing

/// `POST /__hmr/open`: a stub editor script records the arguments it was started with.
@Suite(.timeLimit(.minutes(2))) struct EditorTests {
    /// A project with a stub editor that appends its arguments, one per line, then `--`, to
    /// `editor.log` next to the project; `body` gets the server and a way to read the log.
    private func withEditor(
        _ template: String = "{stub} --at {line}:{column} {file}",
        _ body: (TestServer, FixtureCopy, _ log: @escaping @Sendable () -> [String]) async throws -> Void
    ) async throws {
        let project = try FixtureCopy(files: [
            "src/app.js": "let x = 1\n", "src/odd name; $(touch pwned).js": "x\n", "public/index.html": "<p>hi</p>",
            ".env": "SECRET=1\n", ".git/config": "[core]\n", "keys/server.key": "KEY\n",
        ])
        try FileManager.default.createSymbolicLink(atPath: project.path + "/src/innocent.js", withDestinationPath: "../.env")
        defer { project.remove() }
        let outside = try project.sibling("elsewhere")
        let log = outside + "/editor.log"
        let stub = outside + "/stub-editor"
        try "#!/bin/sh\nfor a in \"$@\"; do printf '%s\\n' \"$a\"; done >> '\(log)'\necho -- >> '\(log)'\n"
            .write(toFile: stub, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: stub)
        try "secret".write(toFile: outside + "/secret.txt", atomically: true, encoding: .utf8)
        var configuration = DevServeConfiguration(root: project.path + "/public", watchFolders: [project.path], projectFolder: project.path)
        configuration.editorCommand = template.replacingOccurrences(of: "{stub}", with: stub)
        try await TestServer.with(configuration) { server in
            try await body(server, project) {
                ((try? String(contentsOfFile: log, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
            }
        }
    }

    private func open(_ server: TestServer, _ json: String, origin: String? = "same") async throws -> RawResponse {
        let originLine = origin.map { "Origin: \($0 == "same" ? "http://127.0.0.1:\(server.port)" : $0)\r\n" } ?? ""
        return try await server.raw(
            "POST /__hmr/open HTTP/1.1\r\nHost: 127.0.0.1:\(server.port)\r\n\(originLine)Content-Type: application/json\r\n"
                + "Content-Length: \(json.utf8.count)\r\nConnection: close\r\n\r\n\(json)")
    }

    @Test func aSameOriginPostOpensTheFileAtItsLineAndColumn() async throws {
        try await withEditor { server, project, log in
            let response = try await open(server, #"{"file": "src/app.js", "line": 12, "column": 5}"#)
            #expect(response.status == 202, "\(response.text)")
            #expect(response.body == "devserve: opening src/app.js:12:5\n")
            try await waitUntil("the editor to run") { log().last == "--" }
            #expect(log() == ["--at", "12:5", project.path + "/src/app.js", "--"])
        }
    }

    @Test func aFileNameIsOneArgumentWhateverItHolds() async throws {
        try await withEditor { server, project, log in
            let response = try await open(server, #"{"file": "src/odd name; $(touch pwned).js", "line": 1}"#)
            #expect(response.status == 202, "\(response.text)")
            try await waitUntil("the editor to run") { log().last == "--" }
            #expect(log() == ["--at", "1:1", project.path + "/src/odd name; $(touch pwned).js", "--"])
            #expect(!FileManager.default.fileExists(atPath: project.path + "/pwned"), "no shell ran the command")
        }
    }

    @Test func anAbsolutePathInsideTheProjectIsFine() async throws {
        try await withEditor { server, project, log in
            let response = try await open(server, #"{"file": "\#(project.path)/src/app.js", "line": 3, "column": 2}"#)
            #expect(response.status == 202, "\(response.text)")
            try await waitUntil("the editor to run") { log().last == "--" }
            #expect(log() == ["--at", "3:2", project.path + "/src/app.js", "--"])
        }
    }

    @Test(arguments: [
        (#"{"file": "../elsewhere/secret.txt", "line": 1}"#, 404),
        (#"{"file": "src/../../elsewhere/secret.txt", "line": 1}"#, 404),
        (#"{"file": "/etc/passwd", "line": 1}"#, 404),
        (#"{"file": "src", "line": 1}"#, 404),
        (#"{"file": "src/missing.js", "line": 1}"#, 404),
        (#"{"file": "src/app.js", "line": 0}"#, 400),
        (#"{"line": 1}"#, 400),
        ("not json", 400),
    ])
    func pathsOutsideTheProjectAndBadBodiesAreRefused(_ json: String, _ status: Int) async throws {
        try await withEditor { server, _, log in
            let response = try await open(server, json)
            #expect(response.status == status, "\(response.text)")
            #expect(response.body.hasPrefix("devserve: ") && response.body.filter { $0 == "\n" }.count == 1)
            // Give a wrongly started editor the time to show up, then check it did not.
            try await Task.sleep(for: .milliseconds(200))
            #expect(log().isEmpty)
        }
    }

    /// The same file rules as serving: a page asking the editor to open `.env` would put it on
    /// the developer's screen.
    @Test(arguments: [
        (#"{"file": ".env", "line": 1}"#, 403),
        (#"{"file": ".git/config", "line": 1}"#, 403),
        (#"{"file": "keys/server.key", "line": 1}"#, 403),
        (#"{"file": "src/innocent.js", "line": 1}"#, 404),
    ])
    func dotfilesKeyFilesAndLinksToThemAreNotOpened(_ json: String, _ status: Int) async throws {
        try await withEditor { server, project, log in
            for body in [json, json.replacingOccurrences(of: #""file": ""#, with: #""file": "\#(project.path)/"#)] {
                let response = try await open(server, body)
                #expect(response.status == status, "\(body): \(response.text)")
            }
            try await Task.sleep(for: .milliseconds(200))
            #expect(log().isEmpty)
        }
    }

    @Test(arguments: [nil, "http://evil.example", "null"])
    func onlySameOriginRequestsMayOpenFiles(_ origin: String?) async throws {
        try await withEditor { server, _, log in
            let response = try await open(server, #"{"file": "src/app.js", "line": 1}"#, origin: origin)
            #expect(response.status == 403, "\(response.text)")
            try await Task.sleep(for: .milliseconds(200))
            #expect(log().isEmpty)
        }
    }

    @Test func withoutAnEditorTheEndpointSaysHowToSetOne() async throws {
        try await TestServer.withSite { server, _ in
            let response = try await server.raw(
                "POST /__hmr/open HTTP/1.1\r\nHost: 127.0.0.1:\(server.port)\r\nOrigin: http://127.0.0.1:\(server.port)\r\n"
                    + "Content-Length: 2\r\nConnection: close\r\n\r\n{}")
            #expect(response.status == 501)
            #expect(response.body.contains("--editor"))
        }
    }

    @Test func aMissingEditorProgramIsNamed() async throws {
        try await withEditor("no-such-editor-xyz {file}") { server, _, _ in
            let response = try await open(server, #"{"file": "src/app.js", "line": 1}"#)
            #expect(response.status == 500)
            #expect(response.body.hasPrefix("devserve: the editor command no-such-editor-xyz was not found"))
        }
    }

    @Test(arguments: [
        ("code", "code --goto {file}:{line}:{column}"),
        ("/usr/bin/code --wait", "/usr/bin/code --wait --goto {file}:{line}:{column}"),
        ("nvim", "nvim +{line} {file}"),
        ("vim", "vim +{line} {file}"),
        ("emacsclient -c", "emacsclient -c +{line}:{column} {file}"),
        ("subl", "subl {file}:{line}:{column}"),
        ("idea", "idea --line {line} --column {column} {file}"),
        ("webstorm.sh", "webstorm.sh --line {line} --column {column} {file}"),
        ("'/opt/My Editor/ed'", "'/opt/My Editor/ed' {file}"),
    ])
    func theDefaultComesFromVISUALOrEDITOR(_ editor: String, _ template: String) throws {
        #expect(EditorCommand.fromEnvironment(["EDITOR": editor]) == template)
        #expect(EditorCommand.fromEnvironment(["VISUAL": editor, "EDITOR": "nano"]) == template)
        let words = try EditorCommand(template).arguments(file: "/p/a b.js", line: 3, column: 4)
        #expect(words.contains("/p/a b.js") || words.contains { $0.hasPrefix("/p/a b.js:") })
    }

    @Test func noVariableNoEditor() {
        #expect(EditorCommand.fromEnvironment([:]) == nil)
        #expect(EditorCommand.fromEnvironment(["EDITOR": ""]) == nil)
    }
}
