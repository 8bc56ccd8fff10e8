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
        try "#!/bin/sh\nprintf '%s\\n' \"$1\" >> '\(record)'\n".write(toFile: bin + "/xdg-open", atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: bin + "/xdg-open")
        let path = bin + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")
        try await Devserve.run([site.path, "--port", "0", "--open"], environment: ["PATH": path]) { devserve in
            try await waitUntil("xdg-open to run") { FileManager.default.fileExists(atPath: record) }
            #expect(try String(contentsOfFile: record, encoding: .utf8) == devserve.url + "\n")
        }
        // Without xdg-open at all: a warning, and devserve serves on.
        let stderr = try await Devserve.run([site.path, "--port", "0", "--open"], environment: ["PATH": bin + "/nowhere"]) { devserve in
            let response = try await RawConnection.get("/", port: devserve.port)
            #expect(response.status == 200)
        }
        #expect(stderr.contains("--open: cannot run xdg-open"), "\(stderr)")
    }
}
