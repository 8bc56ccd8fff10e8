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

    /// What problem matchers and `errorformat` read: a `building` line when a build starts, one
    /// `file:line:col: severity: message` line per problem (those the build did not already print
    /// in that form), and a `built in` or `error in` line when it ends; no colour off a terminal.
    @Test func theTerminalShowsABeginLineProblemLinesAndAnEndLine() async throws {
        let project = try FixtureCopy("build-project")
        defer { project.remove() }
        try project.write("src/app.js", "let x = 1\n  BUILD_ERROR here\n")
        try project.write(
            "tsc.sh", "printf 'src/a.ts(3,5): error TS1005: x expected.\\nsrc/b.c:1:2: warning: unused\\n'; exit 2\n")
        try FileManager.default.createDirectory(at: project.url("dist"), withIntermediateDirectories: true)
        let build = "cd '\(project.path)' && if [ -e tsc ]; then sh tsc.sh; else ./build.sh; fi"
        try await Devserve.run([project.path + "/dist", "--port", "0", "--watch", project.path, "--build", build]) { devserve in
            /// The lines from the next `building` line to the end line, without the build's own
            /// output lines.
            func nextBuild(without echoed: Set<String>) async throws -> [String] {
                var lines: [String] = []
                while let line = try await devserve.lines.next() {
                    if line.hasPrefix("building · ") { lines = [] }
                    if !echoed.contains(line) { lines.append(line) }
                    if line.hasPrefix("error in ") || line.hasPrefix("built in ") { return lines }
                }
                throw TestFailure("stdout ended")
            }
            let failed = try await nextBuild(without: ["build failed: 1 error(s)"])
            #expect(failed.count == 3, "\(failed)")
            #expect(
                failed.filter { $0 == "src/app.js:2:3: error: found BUILD_ERROR marker" }.count == 1,
                "the build printed its one problem in the right form already, so devserve does not repeat it: \(failed)")
            #expect(failed.first == "building · start-up build")
            #expect(failed.last?.wholeMatch(of: #/error in \d+ ms \(exit code 1\) · start-up build · 1 error/#) != nil, "\(failed)")
            #expect(!failed.joined().contains("\u{1B}"), "no colour when stdout is not a terminal")

            try project.write("src/app.js", "let x = 2\n")
            let built = try await nextBuild(without: ["built 3 files"])
            #expect(built.count == 2, "\(built)")
            #expect(built.first?.wholeMatch(of: #/building · /.*/src/app\.js changed/#) != nil, "\(built)")
            // The failed build wrote nothing: the fixed one wrote all three files.
            #expect(built.last?.wholeMatch(of: #/built in \d+ ms · /.*/src/app\.js changed · 3 outputs updated/#) != nil, "\(built)")

            // tsc's form is not file:line:col, so devserve adds that line; gcc's is, so it does not.
            try project.write("tsc", "")
            let tsc = try await nextBuild(without: ["src/a.ts(3,5): error TS1005: x expected.", "src/b.c:1:2: warning: unused"])
            #expect(tsc.count == 3, "\(tsc)")
            #expect(tsc.dropFirst().first == "src/a.ts:3:5: error: TS1005: x expected.")
            #expect(tsc.last?.wholeMatch(of: #/error in \d+ ms \(exit code 2\) · /.*/tsc changed · 1 error, 1 warning/#) != nil, "\(tsc)")
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
