import Foundation
import Subprocess
import Testing

/// The pipeline as users run it: the terminal line per build, and the inotify watch
/// limit (lowered for one process inside a user namespace, so the machine's limit is untouched).
@Suite(.timeLimit(.minutes(3))) struct PipelineCommandLineTests {
    /// `unshare` running devserve in a new user namespace whose inotify watch limit is `limit`.
    /// Fails with a clear message where user namespaces are not allowed.
    static func withWatchLimit(_ limit: Int) async throws -> [String] {
        let probe = try await Subprocess.run(
            .path("/usr/bin/unshare"),
            arguments: ["--user", "--map-root-user", "/bin/sh", "-c", "echo 5 > /proc/sys/user/max_inotify_watches"],
            output: .discarded, error: .discarded)
        guard probe.terminationStatus == .exited(0) else {
            throw TestFailure("these tests need user namespaces (`unshare --user --map-root-user`) to lower the watch limit for one process")
        }
        return ["/usr/bin/unshare", "--user", "--map-root-user", "/bin/sh", "-c",
         "echo \(limit) > /proc/sys/user/max_inotify_watches && exec \"$0\" \"$@\""]
    }

    @Test func theTerminalShowsOneLinePerBuildWithTheFirstDiagnostic() async throws {
        let project = try FixtureCopy("build-project")
        defer { project.remove() }
        try project.write("src/app.js", "let x = 1\n  BUILD_ERROR here\n")
        try FileManager.default.createDirectory(at: project.url("dist"), withIntermediateDirectories: true)
        let build = "cd '\(project.path)' && ./build.sh"
        try await Devserve.run([project.path + "/dist", "--port", "0", "--watch", project.path, "--build", build]) { devserve in
            // The build's own output is echoed on stdout too: skip it.
            func nextBuildLine() async throws -> String {
                while let line = try await devserve.lines.next() {
                    if line.hasPrefix("error in ") || line.hasPrefix("built in ") { return line }
                }
                throw TestFailure("stdout ended")
            }
            let error = try await nextBuildLine()
            #expect(error.wholeMatch(of: #/error in \d+ ms \(exit code 1\) · start-up build · src/app\.js:2:3: error: found BUILD_ERROR marker/#) != nil, "\(error)")
            #expect(!error.contains("\u{1B}"), "no colour when stdout is not a terminal")
            try project.write("src/app.js", "let x = 2\n")
            let built = try await nextBuildLine()
            // The failed build wrote nothing: the fixed one wrote all three files.
            #expect(built.wholeMatch(of: #/built in \d+ ms · /.*/src/app\.js changed · 3 outputs updated/#) != nil, "\(built)")
        }
    }

    @Test func atTheWatchLimitDevserveSaysSoAndPollsInstead() async throws {
        let site = try FixtureCopy("site")
        defer { site.remove() }
        for i in 0..<30 { try site.write("pages/p\(i)/index.html", "\(i)") }
        let stderr = try await Devserve.run([site.path, "--port", "0", "--json"], launcher: try await Self.withWatchLimit(10)) { devserve in
            let events = try await SSEClient.connect(devserve.url + "__hmr", lastEventID: nil)
            defer { events.close() }
            _ = try await events.expect("hello")
            try site.write("pages/p29/index.html", "changed")
            let building = try await events.expect("building")
            #expect(building.changed == [site.path + "/pages/p29/index.html"])
        }
        let warning = try #require(stderr.split(separator: "\n").first { $0.contains("watch limit") }, "stderr: \(stderr)")
        #expect(warning.hasPrefix("devserve: warning: inotify watch limit reached at "))
        #expect(warning.contains("fs.inotify.max_user_watches = ") && warning.contains("user.max_inotify_watches = 10"))
        #expect(warning.hasSuffix("; polling every 500 ms instead"))
    }

    @Test func reachingTheLimitWhileRunningSwitchesToPolling() async throws {
        let site = try FixtureCopy("site")
        defer { site.remove() }
        let stderr = try await Devserve.run([site.path, "--port", "0", "--json"], launcher: try await Self.withWatchLimit(12)) { devserve in
            let events = try await SSEClient.connect(devserve.url + "__hmr", lastEventID: nil)
            defer { events.close() }
            _ = try await events.expect("hello")
            for i in 0..<30 { try site.write("new/n\(i)/a.txt", "\(i)") }
            // (The project folder is the test's current folder: paths come absolute.)
            _ = try await events.collectChanges(until: [site.path + "/new/n0/a.txt", site.path + "/new/n29/a.txt"])
            try site.write("new/n28/a.txt", "changed later")
            _ = try await events.collectChanges(until: [site.path + "/new/n28/a.txt"])
        }
        #expect(stderr.contains("watch limit reached") && stderr.contains("polling every 500 ms instead"), "stderr: \(stderr)")
    }
}
