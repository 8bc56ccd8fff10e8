import Foundation
import Subprocess
import Testing

/// The real `devserve` executable, for tests of the process as users run it.
enum Devserve {
    /// The binary SwiftPM built next to this test bundle.
    static let binary: String = {
        let beside = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("devserve")
        if FileManager.default.isExecutableFile(atPath: beside.path) { return beside.path }
        return repositoryRoot.appendingPathComponent(".build/debug/devserve").path
    }()

    /// Runs devserve until it exits by itself; its exit status and stderr.
    static func runToEnd(_ arguments: [String]) async throws -> (TerminationStatus, String) {
        let result = try await Subprocess.run(
            .path(.init(binary)), arguments: .init(arguments), output: .discarded, error: .string(limit: 1 << 16))
        return (result.terminationStatus, result.standardError)
    }

    /// Runs devserve with `arguments`, hands it to `body` (its URL from the first line, JSON
    /// with `--json`, the rest of its stdout lines, its pid), then sends SIGTERM and expects a
    /// prompt exit with code 0. Returns what it printed on stderr. `launcher` runs devserve
    /// through another program that `exec`s it (`unshare …`), keeping the pid.
    @discardableResult
    static func run(
        _ arguments: [String], launcher: [String] = [], stopWith signal: Signal = .terminate,
        _ body: @escaping (RunningDevserve) async throws -> Void
    ) async throws -> String {
        let executable = launcher.first ?? binary
        let allArguments = launcher.isEmpty ? arguments : Array(launcher.dropFirst()) + [binary] + arguments
        let result = try await Subprocess.run(
            .path(.init(executable)), arguments: .init(allArguments), input: .none, output: .sequence,
            error: .string(limit: 1 << 16)
        ) { execution in
            let lines = LineReader(execution.standardOutput.strings())
            let first = try #require(try await lines.next(), "devserve printed nothing")
            var url = first
            if first.hasPrefix("{") {
                let listening = try #require(
                    try JSONSerialization.jsonObject(with: Data(first.utf8)) as? [String: Any], "not JSON: \(first)")
                #expect(listening["type"] as? String == "listening")
                url = try #require(listening["url"] as? String)
            }
            #expect(url.hasPrefix("http://"))
            do {
                try await body(RunningDevserve(url: url, lines: lines, pid: execution.processIdentifier.value))
            } catch {
                try? execution.send(signal: .kill)
                throw error
            }
            try execution.send(signal: signal)
            try await withTimeout(.seconds(10), "devserve did not exit after \(signal)") {
                while try await lines.next() != nil {}
            }
        }
        #expect(result.terminationStatus == .exited(0), "stderr: \(result.standardError)")
        return result.standardError
    }
}

/// A devserve process started by a test.
struct RunningDevserve {
    let url: String
    let lines: LineReader
    let pid: Int32

    var port: Int { URL(string: url)!.port! }

    /// Entries in `/proc/PID/fd`.
    var openFileCount: Int { (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/fd").count) ?? -1 }

    /// `VmRSS` from `/proc/PID/status`, in bytes.
    var residentBytes: Int {
        let status = (try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)) ?? ""
        let line = status.split(separator: "\n").first { $0.hasPrefix("VmRSS:") } ?? ""
        return (Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0) * 1024
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
