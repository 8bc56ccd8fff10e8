import DevServe
import Foundation
import Testing

/// Watch → debounce → build → publish, with real builds over a copy of `Fixtures/build-project`.
@Suite(.timeLimit(.minutes(3))) struct BuildPipelineTests {
    /// Serves `dist/` of the project, watches the whole project and builds with `build.sh`.
    func withProject(
        build: String = "./build.sh", _ body: (TestServer, FixtureCopy) async throws -> Void
    ) async throws {
        let project = try FixtureCopy("build-project")
        defer { project.remove() }
        try FileManager.default.createDirectory(at: project.url("dist"), withIntermediateDirectories: true)
        let configuration = DevServeConfiguration(
            root: project.path + "/dist", watchFolders: [project.path], projectFolder: project.path, buildCommand: build)
        try await TestServer.with(configuration) { try await body($0, project) }
    }

    /// Connects and waits for the start-up build to finish. Asking for everything after event 0
    /// replays the start-up build's events, whether they already happened or not.
    func connectAfterFirstBuild(_ server: TestServer, expecting result: String = "built") async throws -> SSEClient {
        let events = try await server.events(lastEventID: "\(server.server.hub.instance)-0")
        _ = try await events.expect("hello")
        let building = try await events.expect("building")
        #expect(building.changed == [], "the start-up build is about no particular change")
        _ = try await events.expect(result)
        return events
    }

    @Test func aChangeIsBuiltOnceAndTheBuildsOwnWritesDoNotLoop() async throws {
        try await withProject { server, project in
            let events = try await connectAfterFirstBuild(server)
            defer { events.close() }
            #expect(try project.read("dist/index.html") == (try project.read("src/index.html")))

            try project.write("src/app.js", "document.title = 'v2'")
            let building = try await events.expect("building")
            #expect(building.changed == ["src/app.js"])
            let built = try await events.expect("built")
            #expect(built.changed == ["src/app.js"])
            #expect((built.json["durationMs"] as? Int ?? -1) >= 0)
            #expect(try project.read("dist/app.js") == "document.title = 'v2'")
            let (_, served) = try await server.fetch("/app.js")
            #expect(served == "document.title = 'v2'")

            // The build rewrote dist/ (inside the watched project). Had that triggered a build,
            // the next `building` would list dist/ files instead of this change.
            try project.write("src/style.css", "body { color: teal }")
            let next = try await events.expect("building")
            #expect(next.changed == ["src/style.css"])
            _ = try await events.expect("built")
        }
    }

    /// The error a tool prints last, after megabytes of log, is kept with its diagnostic (only
    /// the first 1 MiB used to be), and a new tab's `hello` stays small.
    @Test func anErrorPrintedAfterALongLogIsKept() async throws {
        let build = "head -c 3000000 /dev/zero | tr '\\0' 'x' | fold -w 100; echo; echo 'src/app.js:2:3: error: late failure'; exit 1"
        try await withProject(build: build) { server, _ in
            let events = try await connectAfterFirstBuild(server, expecting: "error")
            events.close()
            let status = try await server.rawGet("/__hmr/status")
            #expect(status.body.contains("src/app.js:2:3: error: late failure"), "the end of the output is kept")
            #expect(status.body.contains(#""file":"src/app.js""#), "its diagnostic is found")
            #expect(status.body.contains("bytes of output left out here"))
            #expect(status.body.utf8.count < (1 << 20) + 100_000, "head and tail are bounded")
            let late = try await server.events()
            defer { late.close() }
            let hello = try await late.expect("hello")
            #expect(hello.data.utf8.count < 20_000, "hello carries only the output's tail: \(hello.data.utf8.count) bytes")
            #expect(hello.data.contains("late failure"))
        }
    }

    @Test func aFailingBuildIsAnErrorWithTheOutputAndTheFixRemovesIt() async throws {
        try await withProject { server, project in
            let events = try await connectAfterFirstBuild(server)
            defer { events.close() }
            try project.write("src/app.js", "let x = 1\n  BUILD_ERROR here\n")
            _ = try await events.expect("building")
            let error = try await events.expect("error")
            #expect(error.json["exitCode"] as? Int == 1)
            let output = try #require(error.json["output"] as? String)
            #expect(output.contains("src/app.js:2:3: error: found BUILD_ERROR marker"))
            #expect(error.changed == ["src/app.js"])

            // A page opened now learns about the error at once.
            let late = try await server.events()
            defer { late.close() }
            let hello = try await late.expect("hello")
            let state = try #require(hello.json["state"] as? [String: Any])
            #expect(state["status"] as? String == "error")
            #expect((state["error"] as? [String: Any])?["output"] as? String == output)
            let (_, status) = try await server.fetch("/__hmr/status")
            #expect(status.contains(#""status":"error""#))
            // The last good output is still served.
            let (_, page) = try await server.fetch("/app.js")
            #expect(!page.contains("BUILD_ERROR"))

            try project.write("src/app.js", "let x = 2\n")
            _ = try await events.expect("built", skipping: ["building", "error"])
            let (_, fixed) = try await server.fetch("/__hmr/status")
            #expect(fixed == #"{"changed":[],"clients":2,"error":null,"status":"idle"}"#)  // events and late
        }
    }

    @Test func aCommandThatCannotRunIsAnErrorEventNotACrash() async throws {
        try await withProject(build: "devserve-no-such-command-xyz") { server, project in
            let events = try await server.events(lastEventID: "\(server.server.hub.instance)-0")
            defer { events.close() }
            _ = try await events.expect("hello")
            _ = try await events.expect("building")
            let error = try await events.expect("error")
            #expect(error.json["exitCode"] as? Int == 127)
            let output = try #require(error.json["output"] as? String)
            #expect(output.contains("devserve-no-such-command-xyz") && output.contains("not found"))
        }
    }

    @Test func changesDuringABuildMakeExactlyOneFollowUpBuild() async throws {
        // The build waits until the test releases it by creating a file outside the watched tree.
        let gate = FileManager.default.temporaryDirectory.appendingPathComponent("devserve-gate-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: gate) }
        try Data().write(to: gate)  // the start-up build passes at once
        let script = "i=0; while [ ! -f '\(gate.path)' ] && [ $i -lt 300 ]; do sleep 0.05; i=$((i+1)); done; rm -f '\(gate.path)'; ./build.sh"
        try await withProject(build: script) { server, project in
            let events = try await connectAfterFirstBuild(server)
            defer { events.close() }
            try project.write("src/a.js", "a")
            let first = try await events.expect("building")
            #expect(first.changed == ["src/a.js"])
            // The build is now waiting for the gate: change more files meanwhile.
            try project.write("src/b.js", "b")
            try project.write("src/c.js", "c")
            try Data().write(to: gate)
            _ = try await events.expect("built")
            let followUp = try await events.expect("building")
            #expect(Set(followUp.changed) == ["src/b.js", "src/c.js"])
            try Data().write(to: gate)
            _ = try await events.expect("built")
            #expect(try project.read("dist/c.js") == "c")
            // Nothing else is pending: the next build is about the next change only.
            try Data().write(to: gate)
            try project.write("src/d.js", "d")
            let last = try await events.expect("building")
            #expect(last.changed == ["src/d.js"])
        }
    }
}
