import DevServe
import Foundation
import Testing

/// Debounce limits, `--on-busy`, `--build-timeout`, `--output`, and the stress test, with real
/// builds (shell scripts) and real process groups.
@Suite(.timeLimit(.minutes(3))) struct BuildSchedulingTests {
    /// A build that copies `src/` to `dist/`; with `mode` containing `slow`, it first starts a
    /// grandchild that sleeps (its pid goes to `pidFile`) and waits for it.
    static func slowWhenAsked(pidFile: String) -> String {
        """
        if grep -q slow mode 2>/dev/null; then sh -c 'sleep 300' & echo $! > '\(pidFile)'; wait; fi; \
        mkdir -p dist && cp -R src/. dist/
        """
    }

    @Test func aWriterThatNeverPausesCannotStarveTheBuild() async throws {
        let site = try FixtureCopy("site")
        defer { site.remove() }
        let configuration = DevServeConfiguration(
            root: site.path, projectFolder: site.path, debounce: .milliseconds(300), debounceMax: .milliseconds(500))
        try await TestServer.with(configuration) { server in
            let events = try await server.events()
            defer { events.close() }
            _ = try await events.expect("hello")
            let writing = Locked(true)
            let finished = Locked(false)
            let writer = Task {
                // Bounded: at most 1,000 writes, 20 ms apart or more (never the 300 ms pause the
                // trailing debounce waits for), so at least 20 s of writes unless stopped.
                for i in 0..<1000 where writing.value {
                    try SaveStyle.write("tick \(i)", to: site.path + "/ticker.txt")
                    try await Task.sleep(for: .milliseconds(20))
                }
                finished.set(true)
            }
            defer { writer.cancel() }
            // The order matters, not the time: the batch comes while the writer still writes
            // (at the debounce's limit), not once it stopped (after its last pause).
            let building = try await events.expect("building", within: .seconds(60))
            #expect(!finished.value, "the batch came only once the writer had stopped: a writer that never pauses starved the build")
            #expect(building.changed == ["ticker.txt"])
            writing.set(false)
            try await writer.value
        }
    }

    @Test func restartStopsTheRunningBuildsWholeProcessGroupAndStartsOver() async throws {
        let pidFile = FileManager.default.temporaryDirectory.appendingPathComponent("devserve-pid-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: pidFile) }
        try await TestServer.withProject(
            files: ["src/index.html": "v1", "mode": "fast"], build: Self.slowWhenAsked(pidFile: pidFile),
            { configuration, _ in
                configuration.onBusy = .restart
                configuration.debounce = .milliseconds(200)  // the two writes below are one batch
            }
        ) { server, project, events, startup in
            #expect(startup.event == "built")
            try project.write("mode", "slow")
            _ = try await events.expect("building")
            try await waitUntil("the slow build started its grandchild") {
                (try? String(contentsOfFile: pidFile, encoding: .utf8)).flatMap { Int32($0.trimmingCharacters(in: .whitespacesAndNewlines)) } != nil
            }
            let grandchild = try #require(Int32(try String(contentsOfFile: pidFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)))
            #expect(!processIsGone(grandchild))

            try project.write("mode", "fast")
            try project.write("src/index.html", "v2")
            let restarted = try await events.expect("building")
            #expect(Set(restarted.changed) == ["mode", "src/index.html"], "the new build has every change")
            let built = try await events.expect("built")
            #expect(built.json["outputs"] as? [String] == ["/index.html"])
            try await waitUntil("the stopped build's grandchild is gone") { processIsGone(grandchild) }
            #expect(try project.read("dist/index.html") == "v2")
        }
    }

    @Test func aHungBuildIsStoppedAtItsTimeoutAndReported() async throws {
        let pidFile = FileManager.default.temporaryDirectory.appendingPathComponent("devserve-pid-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: pidFile) }
        try await TestServer.withProject(
            files: ["src/index.html": "v1", "mode": "slow"], build: "echo starting; " + Self.slowWhenAsked(pidFile: pidFile),
            { configuration, _ in configuration.buildTimeout = .seconds(1) }
        ) { server, project, events, startup in
            #expect(startup.event == "error")
            #expect(startup.json["exitCode"] as? Int == -1)
            let output = try #require(startup.json["output"] as? String)
            #expect(output.hasPrefix("starting\n"), "the output so far is kept")
            #expect(output.contains("[devserve: build timed out after 1 s and was stopped]"))
            let grandchild = try #require(Int32(try String(contentsOfFile: pidFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)))
            try await waitUntil("the timed-out build's grandchild is gone") { processIsGone(grandchild) }

            try project.write("mode", "fast")
            _ = try await events.expect("building")
            _ = try await events.expect("built")
        }
    }

    @Test func buildsWritingIntoTheWatchedTreeBuildOncePerChange() async throws {
        // The build writes dist/ (served) and gen/ (not served), both inside the watched project.
        let build = "mkdir -p dist gen && cp -R src/. dist/ && date +%s%N > gen/stamp && cp -R src/. gen/"
        try await TestServer.withProject(
            files: ["src/a.js": "a"], build: build,
            { configuration, project in configuration.outputFolders = [project.path + "/dist", project.path + "/gen"] }
        ) { server, project, events, _ in
            for (index, file) in ["src/a.js", "src/b.js", "src/c.css", "src/a.js"].enumerated() {
                try project.write(file, "version \(index)")
                let building = try await events.expect("building")
                #expect(building.changed == [file], "exactly the real change, never the build's own writes")
                _ = try await events.expect("built")
            }
            try project.write("src/sentinel.txt", "x")
            let last = try await events.expect("building")
            #expect(last.changed == ["src/sentinel.txt"])
        }
    }

    /// 2,000 writes across 200 files: the final content is built, and the burst makes at most
    /// three builds. The burst is written while a build is held (it waits as long as the `hold`
    /// file exists), so the count does not depend on how fast the writes go: on a loaded
    /// machine the writer can pause for longer than the debounce, and then the first batch is
    /// due before the burst ends; whatever comes after it piles up behind that build, as changes
    /// during a build do.
    @Test func twoThousandWritesAcrossTwoHundredFilesMakeAtMostThreeBuilds() async throws {
        let files = (0..<200).map { "src/f\($0).txt" }
        // Outside the watched project, so that creating and removing it is no change.
        let hold = FileManager.default.temporaryDirectory.appendingPathComponent("devserve-hold-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: hold) }
        try await TestServer.withProject(
            files: Dictionary(uniqueKeysWithValues: files.map { ($0, "start") }),
            build: """
                i=0; while [ -f '\(hold)' ] && [ $i -lt 1200 ]; do sleep 0.05; i=$((i+1)); done; \
                mkdir -p dist && cat src/*.txt > dist/all.txt
                """,
            inMemory: true
        ) { server, project, events, startup in
            #expect(startup.event == "built")
            #expect(FileManager.default.createFile(atPath: hold, contents: nil), "cannot create \(hold)")
            for round in 0..<10 {
                for file in files { try SaveStyle.write("\(file) round \(round)\n", to: project.path + "/" + file) }
            }
            try FileManager.default.removeItem(atPath: hold)
            let expected = files.sorted().map { "\($0) round 9\n" }.joined()

            // Builds until one has seen the final content of every file…
            var builds = 0
            repeat {
                _ = try await events.expect("building", within: .seconds(60))
                builds += 1
                _ = try await events.expect("built", within: .seconds(60))
            } while try project.read("dist/all.txt") != expected && builds < 4
            #expect(try project.read("dist/all.txt") == expected, "\(builds) builds and the final content was never built")
            // …and at most one follow-up (events that arrived while that build ran), until a
            // fresh change comes alone: every build of the burst is counted.
            let sentinel = "src/sentinel.md"
            try project.write(sentinel, "x")
            while true {
                let building = try await events.expect("building")
                if building.changed != [sentinel] { builds += 1 }
                _ = try await events.expect("built")
                #expect(try project.read("dist/all.txt") == expected, "a later build lost the final content")
                if building.changed.contains(sentinel) { break }
            }
            #expect(builds <= 3, "\(builds) builds for one burst")
        }
    }
}
