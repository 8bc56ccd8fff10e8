import Foundation
import Subprocess
import Testing

/// The `devserve` executable itself: its one-line errors, its output and its shutdown.
@Suite struct CommandLineTests {
    /// The binary SwiftPM built next to this test bundle.
    let binary: String = {
        let beside = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("devserve")
        if FileManager.default.isExecutableFile(atPath: beside.path) { return beside.path }
        return repositoryRoot.appendingPathComponent(".build/debug/devserve").path
    }()

    @Test func aMissingFolderIsAOneLineErrorAndExitCode1() async throws {
        let (status, error) = try await runToEnd(["/no/such/folder", "--port", "0"])
        #expect(status == .exited(1))
        #expect(error == "devserve: error: the folder to serve does not exist: /no/such/folder\n")
    }

    @Test func aPortInUseIsNamed() async throws {
        let site = try FixtureCopy("site")
        defer { site.remove() }
        // Hold a port with a first devserve, then ask a second one for it.
        try await withDevserve([site.path, "--port", "0", "--json"]) { url, _ in
            let port = try #require(URL(string: url)?.port)
            let (status, error) = try await runToEnd([site.path, "--port", "\(port)"])
            #expect(status == .exited(1))
            #expect(error == "devserve: error: port \(port) is already in use on 127.0.0.1; pick another with --port, or --port 0 for a free one\n")
        }
    }

    @Test func jsonLinesAndAPromptExitOnSIGTERMWithAStreamOpen() async throws {
        let site = try FixtureCopy("site")
        defer { site.remove() }
        try await withDevserve([site.path, "--port", "0", "--json"]) { url, lines in
            let events = try await SSEClient.connect(url + "__hmr", lastEventID: nil)
            defer { events.close() }
            _ = try await events.expect("hello")
            try site.write("index.html", "<p>new</p>")
            let building = try await lines.next()
            #expect(building?.hasPrefix(#"{"type":"building","changed":["#) == true, "got \(building ?? "nothing")")
            let built = try await lines.next()
            #expect(built?.hasPrefix(#"{"type":"built","changed":["#) == true, "got \(built ?? "nothing")")
        }
    }

    @Test func withABuildTheListeningLineStillComesFirst() async throws {
        let site = try FixtureCopy("site")
        defer { site.remove() }
        // withDevserve checks that the first line is `listening`; the start-up build follows.
        try await withDevserve([site.path, "--port", "0", "--json", "--build", "echo compiled"]) { _, lines in
            #expect(try await lines.next() == #"{"type":"building","changed":[],"id":1}"#)
            let built = try #require(try await lines.next())
            #expect(built.hasPrefix(#"{"type":"built","changed":[],"durationMs":"#))
        }
    }

    /// Runs devserve until it exits by itself; its exit status and stderr.
    func runToEnd(_ arguments: [String]) async throws -> (TerminationStatus, String) {
        let result = try await Subprocess.run(
            .path(.init(binary)), arguments: .init(arguments), output: .discarded, error: .string(limit: 1 << 16))
        return (result.terminationStatus, result.standardError)
    }

    /// Runs devserve with `arguments`, hands its URL (from the first `--json` line) and the rest of
    /// its stdout lines to `body`, then sends SIGTERM and expects a prompt exit with code 0.
    func withDevserve(
        _ arguments: [String], _ body: @escaping (String, LineReader) async throws -> Void
    ) async throws {
        let result = try await Subprocess.run(
            .path(.init(binary)), arguments: .init(arguments), input: .none, output: .sequence,
            error: .string(limit: 1 << 16)
        ) { execution in
            let lines = LineReader(execution.standardOutput.strings())
            let first = try #require(try await lines.next(), "devserve printed nothing")
            let listening = try #require(
                try JSONSerialization.jsonObject(with: Data(first.utf8)) as? [String: Any], "not JSON: \(first)")
            #expect(listening["type"] as? String == "listening")
            let url = try #require(listening["url"] as? String)
            #expect(url.hasPrefix("http://127.0.0.1:"))
            do {
                try await body(url, lines)
            } catch {
                try? execution.send(signal: .kill)
                throw error
            }
            try execution.send(signal: .terminate)
            try await withTimeout(.seconds(10), "devserve did not exit after SIGTERM") {
                while try await lines.next() != nil {}
            }
        }
        #expect(result.terminationStatus == .exited(0), "stderr: \(result.standardError)")
    }
}

/// Lines of a process's output, read one at a time by one test task.
final class LineReader: @unchecked Sendable {
    private let nextLine: () async throws -> String?

    init<Lines: AsyncSequence>(_ lines: Lines) where Lines.Element == String {
        var iterator = lines.makeAsyncIterator()
        nextLine = { try await iterator.next() }
    }

    func next() async throws -> String? { try await nextLine() }
}
