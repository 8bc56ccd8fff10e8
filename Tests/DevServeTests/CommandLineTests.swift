import Foundation
import Subprocess
import Testing

/// The `devserve` executable itself: its one-line errors, its output and its shutdown.
@Suite(.timeLimit(.minutes(3))) struct CommandLineTests {
    @Test func aMissingFolderIsAOneLineErrorAndExitCode1() async throws {
        let (status, error) = try await Devserve.runToEnd(["/no/such/folder", "--port", "0"])
        #expect(status == .exited(1))
        #expect(error == "devserve: error: the folder to serve does not exist: /no/such/folder (with --build, the build may make it)\n")
    }

    /// A file given where the folder to serve goes is named as a file, not as missing, whether
    /// it comes from the command line or from devserve.toml (with the file's line).
    @Test func aFileAsROOTIsNamedAsAFile() async throws {
        let project = try FixtureCopy(files: ["page.html": "<p>hi</p>"])
        defer { project.remove() }
        let file = project.path + "/page.html"
        let (status, error) = try await Devserve.runToEnd([file, "--port", "0"])
        #expect(status == .exited(1))
        #expect(error == "devserve: error: ROOT must be a folder, not a file: \(file)\n")
        try project.write("devserve.toml", "root = \"page.html\"\nbuild = \"true\"\n")
        let (fromFile, fileError) = try await Devserve.runToEnd(["--port", "0"], in: project.path)
        #expect(fromFile == .exited(1))
        #expect(fileError == "devserve: error: devserve.toml:1: root must be a folder, not a file: \(file)\n")
    }

    @Test func aPortInUseIsNamed() async throws {
        let site = try FixtureCopy("site")
        defer { site.remove() }
        // Hold a port with a first devserve, then ask a second one for it.
        try await Devserve.run([site.path, "--port", "0", "--json"]) { devserve in
            let port = devserve.port
            let (status, error) = try await Devserve.runToEnd([site.path, "--port", "\(port)"])
            #expect(status == .exited(1))
            #expect(error == "devserve: error: port \(port) is already in use on 127.0.0.1; pick another with --port, or --port 0 for a free one\n")
        }
    }

    @Test func jsonLinesAndAPromptExitOnSIGTERMWithAStreamOpen() async throws {
        let site = try FixtureCopy("site")
        defer { site.remove() }
        let stream = Locked<SSEClient?>(nil)
        try await Devserve.run([site.path, "--port", "0", "--json"]) { devserve in
            let events = try await SSEClient.connect(devserve.url + "__hmr", lastEventID: nil)
            stream.set(events)
            _ = try await events.expect("hello")
            try site.write("index.html", "<p>new</p>")
            let lines = devserve.lines
            let building = try await lines.next()
            #expect(building?.hasPrefix(#"{"type":"building","changed":["#) == true, "got \(building ?? "nothing")")
            let built = try await lines.next()
            #expect(built?.hasPrefix(#"{"type":"built","changed":["#) == true, "got \(built ?? "nothing")")
            _ = try await events.expect("building")
            _ = try await events.expect("built")
        }
        // The open stream was told before the process went away.
        let events = try #require(stream.value)
        defer { events.close() }
        _ = try await events.expect("shutdown", within: .seconds(10))
    }

    @Test func withABuildTheListeningLineStillComesFirst() async throws {
        let site = try FixtureCopy("site")
        defer { site.remove() }
        // withDevserve checks that the first line is `listening`; the start-up build follows.
        try await Devserve.run([site.path, "--port", "0", "--json", "--build", "echo compiled"]) { devserve in
            let lines = devserve.lines
            #expect(try await lines.next() == #"{"type":"building","changed":[],"id":1}"#)
            let built = try #require(try await lines.next())
            #expect(built.hasPrefix(#"{"type":"built","changed":[],"durationMs":"#))
        }
    }

    /// SIGTERM, and Ctrl-C (SIGINT), stop the build's whole process group.
    @Test(arguments: ["TERM", "INT"])
    func stoppingDevserveStopsTheBuildsWholeProcessGroup(_ signalName: String) async throws {
        let site = try FixtureCopy("site")
        defer { site.remove() }
        let pidFile = site.folder.deletingLastPathComponent().appendingPathComponent("grandchild.pid").path
        // The build starts a grandchild that ignores SIGTERM and SIGINT and sleeps, and waits for it.
        let build = "(trap '' TERM INT; exec sleep 300) & echo $! > '\(pidFile)'; wait"
        let grandchild = Locked<Int32>(0)
        let signal: Signal = signalName == "TERM" ? .terminate : .interrupt
        try await Devserve.run([site.path, "--port", "0", "--json", "--build", build], stopWith: signal) { devserve in
            #expect(try await devserve.lines.next()?.contains(#""type":"building""#) == true)
            try await waitUntil("the build wrote the grandchild's pid") {
                ((try? String(contentsOfFile: pidFile, encoding: .utf8)).flatMap { Int32($0.trimmingCharacters(in: .whitespacesAndNewlines)) }) != nil
            }
            let pid = try #require(Int32(try String(contentsOfFile: pidFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)))
            #expect(!processIsGone(pid), "the grandchild runs")
            grandchild.set(pid)
        }
        // devserve exited with 0 (checked by run); the grandchild went with it.
        let pid = grandchild.value
        try await waitUntil("the build's grandchild \(pid) is gone after SIG\(signalName)") { processIsGone(pid) }
    }

    @Test(arguments: [
        (["--cors", "*"], "--cors takes one origin"), (["--cors", "http://x.test/path"], "--cors takes one origin"),
        (["--max-clients", "0"], "--max-clients must be 1 or more"), (["--request-timeout", "0"], "--request-timeout must be"),
    ])
    func badSecurityFlagsAreOneLineErrors(_ flags: [String], _ message: String) async throws {
        let (status, error) = try await Devserve.runToEnd(["--port", "0"] + flags)
        #expect(status == .exited(1))
        #expect(error.hasPrefix("devserve: error: \(message)"), "got \(error)")
        #expect(error.filter { $0 == "\n" }.count == 1)
    }

    @Test func listeningBeyondLoopbackWarns() async throws {
        let site = try FixtureCopy("site")
        defer { site.remove() }
        let error = try await Devserve.run([site.path, "--port", "0", "--json", "--host", "0.0.0.0"]) { _ in }
        #expect(error.contains("devserve: warning: listening on 0.0.0.0: your files are reachable from the network"))
    }
}

/// `--open`, with a stub `xdg-open` first on PATH that records its argument.
@Suite(.timeLimit(.minutes(2))) struct OpenBrowserTests {
    @Test func openShowsTheURLOnceListening() async throws {
        let site = try FixtureCopy("site")
        defer { site.remove() }
        let bin = try site.sibling("bin")
        let record = bin + "/opened"
        try Self.stub(in: bin, "printf '%s\\n' \"$1\" >> '\(record)'")
        try await Devserve.run([site.path, "--port", "0", "--open"], environment: ["PATH": Self.path(bin)]) { devserve in
            try await waitUntil("xdg-open to run") { FileManager.default.fileExists(atPath: record) }
            #expect(try String(contentsOfFile: record, encoding: .utf8) == devserve.url + "\n")
        }
    }

    /// Without xdg-open, or when it finds no browser (it then prints a line per browser it tried,
    /// seven in all), one short warning line, and devserve serves on.
    @Test func aBrowserThatCannotBeOpenedIsOneShortWarning() async throws {
        let site = try FixtureCopy("site")
        defer { site.remove() }
        let bin = try site.sibling("bin")
        // What xdg-open 1.1 prints on a machine without a display or a text browser.
        var complaints = ["www-browser", "links2", "elinks", "links", "lynx", "w3m"].map {
            "echo '/usr/bin/xdg-open: 882: \($0): not found' >&2"
        }
        complaints.append("echo \"xdg-open: no method available for opening '$1'\" >&2; exit 3")
        try Self.stub(in: bin, complaints.joined(separator: "\n"))
        let failing = try await Self.warnings(site, path: Self.path(bin), in: bin)
        #expect(failing.lines == [
            "devserve: warning: could not open a browser (xdg-open failed: no method available for opening '\(failing.url)'); open \(failing.url) yourself"
        ])
        let missing = try await Self.warnings(site, path: bin + "/nowhere", in: bin)
        #expect(missing.lines == [
            "devserve: warning: could not open a browser (no xdg-open: install xdg-utils); open \(missing.url) yourself"
        ])
    }

    /// Runs `devserve --open` with `path` as PATH until it has warned, then stops it; its URL and
    /// the lines of its stderr (written to a file, to be read while it runs).
    private static func warnings(_ site: FixtureCopy, path: String, in folder: String) async throws -> (url: String, lines: [String]) {
        let log = folder + "/stderr-\(UUID().uuidString)"
        let url = Locked("")
        try await Devserve.run(
            [site.path, "--port", "0", "--open"], launcher: ["/bin/sh", "-c", "exec \"$0\" \"$@\" 2>'\(log)'"],
            environment: ["PATH": path]
        ) { devserve in
            url.set(devserve.url)
            try await waitUntil("devserve warns") {
                ((try? String(contentsOfFile: log, encoding: .utf8)) ?? "").contains("could not open a browser")
            }
            let response = try await RawConnection.get("/", port: devserve.port)
            #expect(response.status == 200)
        }
        let text = try String(contentsOfFile: log, encoding: .utf8)
        return (url.value, text.split(separator: "\n").map(String.init))
    }

    /// An executable `xdg-open` in `folder` that runs `script`.
    private static func stub(in folder: String, _ script: String) throws {
        try "#!/bin/sh\n\(script)\n".write(toFile: folder + "/xdg-open", atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: folder + "/xdg-open")
    }

    /// `folder` first on PATH.
    private static func path(_ folder: String) -> String {
        folder + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")
    }
}
