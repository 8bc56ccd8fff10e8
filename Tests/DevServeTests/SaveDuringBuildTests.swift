import DevServe
import Foundation
import Testing

/// Saves made while a build runs, with the sources in the served folder (`devserve . --build`),
/// against the real server, real builds and real file events, under inotify and polling.
@Suite(.timeLimit(.minutes(3))) struct SaveDuringBuildTests {
    /// The watchers: inotify, and polling every 50 ms.
    static let watchers: [Duration?] = [nil, .milliseconds(50)]

    /// A server whose project folder is also the served folder, building with `build`.
    func withServedProject(
        files: [String: String], build: String, poll: Duration?,
        _ body: (TestServer, FixtureCopy, SSEClient) async throws -> Void
    ) async throws {
        let project = try FixtureCopy(files: files)
        defer { project.remove() }
        var configuration = DevServeConfiguration(root: project.path, projectFolder: project.path, buildCommand: build)
        configuration.poll = poll
        try await TestServer.with(configuration) { server in
            let events = try await server.events(lastEventID: "\(server.server.hub.instance)-0")
            defer { events.close() }
            _ = try await events.expect("hello")
            try await body(server, project, events)
        }
    }

    /// A build that copies `src.txt` to `out.txt`, then waits for `gate` (outside the project;
    /// it removes it) when the copy says `slow`.
    static func gatedCopy(gate: String) -> String {
        """
        cp src.txt out.txt; if grep -q slow src.txt; then i=0; while [ ! -f '\(gate)' ] && [ $i -lt 600 ]; do sleep 0.05; i=$((i+1)); done; rm -f '\(gate)'; fi
        """
    }

    static func gateFile() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("devserve-gate-\(UUID().uuidString)").path
    }

    /// The issue's report: `devserve . --build "cp src.txt out.txt; sleep 2"`, a save during the
    /// build was dropped and the page reloaded with stale output.
    @Test(arguments: watchers) func aSaveDuringABuildIsBuiltWhenTheSourcesAreServed(poll: Duration?) async throws {
        let gate = Self.gateFile()
        defer { try? FileManager.default.removeItem(atPath: gate) }
        try await withServedProject(
            files: ["src.txt": "v1", "index.html": "<p>x</p>"], build: Self.gatedCopy(gate: gate), poll: poll
        ) { server, project, events in
            _ = try await events.expect("building")
            _ = try await events.expect("built")
            try SaveStyle.writeTempThenRename.save("v2 slow", to: project.path + "/src.txt")
            let building = try await events.expect("building")
            #expect(building.changed == ["src.txt"])
            try await waitUntil("the build copied v2 and waits for the gate") { (try? project.read("out.txt")) == "v2 slow" }
            try SaveStyle.writeTempThenRename.save("v3", to: project.path + "/src.txt")
            try Data().write(to: URL(fileURLWithPath: gate))
            _ = try await events.expect("built")
            let followUp = try await events.expect("building")
            #expect(followUp.changed == ["src.txt"], "the save made during the build is built next")
            let built = try await events.expect("built")
            #expect(built.json["outputs"] as? [String] == ["/out.txt"])
            #expect(try project.read("out.txt") == "v3")
            let (_, served) = try await server.fetch("/out.txt")
            #expect(served == "v3")
            // Nothing else is pending.
            try project.write("sentinel.md", "x")
            #expect(try await events.expect("building").changed == ["sentinel.md"])
        }
    }

    @Test(arguments: watchers) func aSaveDuringTheFirstBuildIsBuilt(poll: Duration?) async throws {
        let gate = Self.gateFile()
        defer { try? FileManager.default.removeItem(atPath: gate) }
        try await withServedProject(files: ["src.txt": "v1 slow"], build: Self.gatedCopy(gate: gate), poll: poll) {
            server, project, events in
            _ = try await events.expect("building")
            try await waitUntil("the start-up build copied v1 and waits") { (try? project.read("out.txt")) == "v1 slow" }
            try SaveStyle.writeTempThenRename.save("v2", to: project.path + "/src.txt")
            try Data().write(to: URL(fileURLWithPath: gate))
            // Built by the second run of the start-up build, or by a build right after it.
            _ = try await events.expect("built", skipping: ["building"])
            try await waitUntil("out.txt holds the save") { (try? project.read("out.txt")) == "v2" }
            let (_, served) = try await server.fetch("/out.txt")
            #expect(served == "v2")
        }
    }

    @Test func aPageNoBuildWritesIsAnsweredDuringABuildAndAnOutputWaits() async throws {
        let gate = Self.gateFile()
        defer { try? FileManager.default.removeItem(atPath: gate) }
        try await withServedProject(
            files: ["src.txt": "v1", "index.html": "<p>page</p>"], build: Self.gatedCopy(gate: gate), poll: nil
        ) { server, project, events in
            _ = try await events.expect("building")
            _ = try await events.expect("built")
            try SaveStyle.writeTempThenRename.save("v2 slow", to: project.path + "/src.txt")
            _ = try await events.expect("building")
            async let held = server.fetch("/out.txt")
            let (page, body) = try await server.fetch("/")
            #expect(page.status == .ok && body.contains("<p>page</p>"))
            let (_, status) = try await server.fetch("/__hmr/status")
            #expect(status.contains(#""status":"building""#), "the page was answered while the build still ran")
            try Data().write(to: URL(fileURLWithPath: gate))
            let (response, output) = try await held
            #expect(response.status == .ok && output == "v2 slow", "the output waited for the build")
            _ = try await events.expect("built")
        }
    }

    /// Saves at random moments during builds of random length (bounded: 15 saves, each at most
    /// 0.25 s apart; builds of at most 0.25 s): the last source is always built, and nothing is
    /// left pending.
    @Test(arguments: watchers) func randomSavesDuringRandomBuildsEndWithTheLastSourceBuilt(poll: Duration?) async throws {
        var random = SystemRandomNumberGenerator()
        let build = "cp src.txt out.txt; sleep $(od -An -N1 -tu1 /dev/urandom | awk '{print $1/1000}')"
        try await withServedProject(files: ["src.txt": "v0"], build: build, poll: poll) { server, project, events in
            _ = try await events.expect("building")
            _ = try await events.expect("built", skipping: ["building"])
            try project.write("src.txt", "start")
            let style = SaveStyle.allCases
            var last = ""
            for save in 1...15 {
                try await Task.sleep(for: .milliseconds(Int.random(in: 0...250, using: &random)))
                last = "save \(save)"
                try style[save % style.count].save(last, to: project.path + "/src.txt")
            }
            let final = last
            // Every build that follows ends; the last one has the last save.
            try await waitUntil("out.txt holds the last save and no build runs", within: .seconds(60)) {
                (try? project.read("out.txt")) == final && server.server.hub.status.status == .idle
            }
            try project.write("sentinel.md", "x")
            var building = try await events.expect("building", skipping: ["built", "error"])
            while !building.changed.contains("sentinel.md") {
                building = try await events.expect("building", skipping: ["built", "error"])
            }
            _ = try await events.expect("built")
            #expect(try project.read("out.txt") == final)
        }
    }

    @Test func aServedFolderTheBuildMakesNeedNotExistAtStart() async throws {
        let project = try FixtureCopy(files: ["content.md": "hello"])
        defer { project.remove() }
        let configuration = DevServeConfiguration(
            root: project.path + "/public", watchFolders: [project.path], projectFolder: project.path,
            buildCommand: "mkdir -p public && cp content.md public/index.html")
        try await TestServer.with(configuration) { server in
            let events = try await server.events(lastEventID: "\(server.server.hub.instance)-0")
            defer { events.close() }
            _ = try await events.expect("hello")
            _ = try await events.expect("building")
            _ = try await events.expect("built")
            let (response, page) = try await server.fetch("/")
            #expect(response.status == .ok && page.contains("hello"))
        }
    }
}
