import DevServe
import Foundation
import Testing

/// Serving only finished output: held requests, the last good page, `built.outputs` by content,
/// and diagnostics in events, with real builds.
@Suite(.timeLimit(.minutes(3))) struct OutputServingTests {
    /// A build that waits for `gate` (a file outside the watched tree; it removes it) when a
    /// source contains `WAIT`, then copies `src/` to `dist/`, or fails after writing a
    /// half-built page when `src/index.html` contains `BROKEN`. (One marker in one atomic write
    /// makes one batch, however loaded the machine.)
    static func gatedBuild(gate: String) -> String {
        """
        if grep -rq WAIT src; then i=0; while [ ! -f '\(gate)' ] && [ $i -lt 600 ]; do sleep 0.05; i=$((i+1)); done; rm -f '\(gate)'; fi; \
        if grep -q BROKEN src/index.html; then echo '<p>half-written' > dist/index.html; echo 'src/index.html:1:4: error: BROKEN page'; exit 1; fi; \
        cp -R src/. dist/
        """
    }

    func gateFile() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("devserve-gate-\(UUID().uuidString)").path
    }

    @Test func duringABuildRequestsWaitForItAndGetA503AtTheHoldTimeout() async throws {
        let gate = gateFile()
        defer { try? FileManager.default.removeItem(atPath: gate) }
        try await TestServer.withProject(
            files: ["src/index.html": "<p>v1</p>"], build: Self.gatedBuild(gate: gate),
            { configuration, _ in configuration.holdTimeout = .milliseconds(500) }
        ) { server, project, events, _ in
            try SaveStyle.writeTempThenRename.save("<p>v2</p> WAIT", to: project.path + "/src/index.html")
            _ = try await events.expect("building")

            let (held, page) = try await server.fetch("/")
            #expect(held.status == .serviceUnavailable)
            #expect(held.headers["Retry-After"].first == "1")
            #expect(page.contains("the build is still running"))
            let (status, json) = try await server.fetch("/__hmr/status")
            #expect(status.status == .ok && json.contains(#""status":"building""#), "/__hmr is never held")

            try Data().write(to: URL(fileURLWithPath: gate))
            _ = try await events.expect("built")
            let (_, after) = try await server.fetch("/")
            #expect(after.contains("<p>v2</p> WAIT"))
        }
    }

    @Test func aRequestDuringABuildGetsTheFinishedOutput() async throws {
        let gate = gateFile()
        defer { try? FileManager.default.removeItem(atPath: gate) }
        try await TestServer.withProject(
            files: ["src/index.html": "<p>v1</p>", "src/app.js": "v1"], build: Self.gatedBuild(gate: gate)
        ) { server, project, events, _ in
            try SaveStyle.writeTempThenRename.save("v2 WAIT", to: project.path + "/src/app.js")
            _ = try await events.expect("building")
            async let held = server.fetch("/app.js")
            let (_, status) = try await server.fetch("/__hmr/status")
            #expect(status.contains(#""status":"building""#))
            try Data().write(to: URL(fileURLWithPath: gate))
            let (response, body) = try await held
            #expect(response.status == .ok)
            #expect(body == "v2 WAIT", "the request waited for the build instead of reading the old file")
            let built = try await events.expect("built")
            #expect(built.json["outputs"] as? [String] == ["/app.js"])
        }
    }

    @Test func afterAFailedBuildPagesComeFromTheLastGoodBuild() async throws {
        try await TestServer.withProject(
            files: ["src/index.html": "<p>good v1</p>"], build: Self.gatedBuild(gate: "/nonexistent")
        ) { server, project, events, startup in
            #expect(startup.event == "built")
            try project.write("src/index.html", "<p>BROKEN</p>")
            _ = try await events.expect("building")
            let error = try await events.expect("error")
            let diagnostics = try #require(error.json["diagnostics"] as? [[String: Any]])
            #expect(diagnostics.count == 1)
            #expect(diagnostics.first?["file"] as? String == "src/index.html")
            #expect(diagnostics.first?["line"] as? Int == 1 && diagnostics.first?["column"] as? Int == 4)
            #expect(try project.read("dist/index.html").contains("half-written"), "the build did break the output")

            let (response, page) = try await server.fetch("/")
            #expect(response.status == .ok)
            #expect(page.contains("<p>good v1</p>") && !page.contains("half-written"))
            #expect(page.contains(#"<script src="/__hmr/client.js"></script>"#), "the client still comes with it")

            try project.write("src/index.html", "<p>fixed v2</p>")
            let built = try await events.expect("built", skipping: ["building", "error"])
            #expect(built.json["outputs"] as? [String] == ["/index.html"])
            let (_, fixed) = try await server.fetch("/")
            #expect(fixed.contains("<p>fixed v2</p>"))
        }
    }

    @Test func builtListsOnlyOutputsWhoseContentChanged() async throws {
        // Notes are sources the build does not copy.
        let build = "mkdir -p dist && for f in src/*; do case $f in *.note) ;; *) cp $f dist/ ;; esac; done"
        try await TestServer.withProject(
            files: ["src/index.html": "<p>x</p>", "src/style.css": "a {}", "src/app.js": "1", "src/todo.note": "n"],
            build: build
        ) { server, project, events, startup in
            #expect(Set(startup.json["outputs"] as? [String] ?? []) == ["/index.html", "/style.css", "/app.js"])
            try project.write("src/todo.note", "changed")
            #expect(try await events.expectBuild().json["outputs"] as? [String] == [], "nothing served changed")
            try project.write("src/app.js", "1")
            #expect(try await events.expectBuild().json["outputs"] as? [String] == [], "same content written again")
            try project.write("src/style.css", "a { color: red }")
            #expect(try await events.expectBuild().json["outputs"] as? [String] == ["/style.css"])
            try FileManager.default.removeItem(atPath: project.path + "/dist/app.js")
            try project.write("src/index.html", "<p>y</p>")
            let built = try await events.expectBuild()
            #expect(built.json["outputs"] as? [String] == ["/app.js", "/index.html"], "a file the build restored counts too")
        }
    }

    @Test func warningsOfASuccessfulBuildRideOnBuilt() async throws {
        let build = #"cp -R src/. dist/; echo "$PWD/src/app.ts(3,7): warning TS6133: 'x' is declared but never read.""#
        try await TestServer.withProject(files: ["src/app.ts": "let x"], build: build) { _, _, _, startup in
            #expect(startup.event == "built")
            let diagnostics = try #require(startup.json["diagnostics"] as? [[String: Any]])
            #expect(diagnostics.first?["file"] as? String == "src/app.ts", "relative to the project")
            #expect(diagnostics.first?["severity"] as? String == "warning")
            #expect(diagnostics.first?["message"] as? String == "TS6133: 'x' is declared but never read.")
        }
    }
}
