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
    static func runToEnd(
        _ arguments: [String], environment: [String: String] = [:], in folder: String? = nil
    ) async throws -> (TerminationStatus, String) {
        let (status, _, error) = try await output(arguments, environment: environment, in: folder)
        return (status, error)
    }

    /// Runs devserve until it exits by itself (a subcommand such as `status`); its exit status,
    /// stdout and stderr.
    static func output(
        _ arguments: [String], environment: [String: String] = [:], in folder: String? = nil
    ) async throws -> (TerminationStatus, String, String) {
        let result = try await Subprocess.run(
            .path(.init(binary)), arguments: .init(arguments), environment: Self.environment(environment),
            workingDirectory: folder.map { .init($0) }, output: .string(limit: 1 << 20), error: .string(limit: 1 << 16))
        return (result.terminationStatus, result.standardOutput, result.standardError)
    }

    /// The test's environment with `changes`, where an empty value removes a variable; PORT and
    /// HOST are removed unless set, so that a machine's own cannot change what the tests see.
    static func environment(_ changes: [String: String]) -> Environment {
        var updates: [Environment.Key: String?] = ["PORT": nil, "HOST": nil, "VISUAL": nil, "EDITOR": nil]
        for (name, value) in changes { updates[Environment.Key(stringLiteral: name)] = value.isEmpty ? nil : value }
        return .inherit.updating(updates)
    }

    /// Runs devserve with `arguments`, hands it to `body` (its URL from the first line, JSON
    /// with `--json`, the rest of its stdout lines, its pid), then sends SIGTERM and expects a
    /// prompt exit with code 0. Returns what it printed on stderr. `launcher` runs devserve
    /// through another program that `exec`s it (`unshare …`), keeping the pid.
    @discardableResult
    static func run(
        _ arguments: [String], launcher: [String] = [], stopWith signal: Signal = .terminate,
        environment: [String: String] = [:], in folder: String? = nil,
        _ body: @escaping (RunningDevserve) async throws -> Void
    ) async throws -> String {
        let executable = launcher.first ?? binary
        let allArguments = launcher.isEmpty ? arguments : Array(launcher.dropFirst()) + [binary] + arguments
        let result = try await Subprocess.run(
            .path(.init(executable)), arguments: .init(allArguments), environment: Self.environment(environment),
            workingDirectory: folder.map { .init($0) }, input: .none, output: .sequence,
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
            #expect(url.hasPrefix("http://") || url.hasPrefix("https://"))
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

extension Devserve {
    /// Runs a devserve subcommand that follows a server (`events`, `rebuild`): once it printed
    /// its first line, runs `act` (which makes something happen), then reads its output until
    /// it exits by itself (bounded). Its exit status and every stdout line.
    static func follow(
        _ arguments: [String], within limit: Duration = .seconds(30), afterFirstLine act: @escaping @Sendable () async throws -> Void
    ) async throws -> (TerminationStatus, [String], String) {
        let result = try await Subprocess.run(
            .path(.init(binary)), arguments: .init(arguments), environment: environment([:]), input: .none, output: .sequence,
            error: .string(limit: 1 << 16)
        ) { execution in
            let lines = LineReader(execution.standardOutput.strings())
            return try await withTimeout(limit, "devserve \(arguments.joined(separator: " ")) did not exit") {
                var seen: [String] = []
                guard let first = try await lines.next() else { return seen }
                seen.append(first)
                try await act()
                while let line = try await lines.next() { seen.append(line) }
                return seen
            }
        }
        return (result.terminationStatus, result.closureResult, result.standardError)
    }
}
