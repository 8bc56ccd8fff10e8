import ArgumentParser
import DevServe
import Foundation

/// `devserve events [URL]`: one line per event of a running devserve.
struct EventsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "events",
        abstract: "Print the events of a running devserve, one line each.",
        discussion: """
            Follows the server across restarts. With --until, exits after a finished build: \
            code 0 for built, 1 for error, 2 when the server cannot be reached or --timeout passes.
            """)

    @Argument(help: "The devserve to follow (default: http://127.0.0.1:8080/, or the port of devserve.toml or PORT).")
    var url: String?

    @Flag(help: "Print one JSON object per line.")
    var json = false

    @Option(help: ArgumentHelp(
        "Exit after the next finished build (any), the next successful one (built), or the next failed one (error).",
        valueName: "built|error|any"))
    var until: Until?

    @Option(help: ArgumentHelp("With --until: give up after this many seconds (exit code 2).", valueName: "S"))
    var timeout: Double?

    enum Until: String, ExpressibleByArgument, Sendable { case built, error, any }

    func run() async throws {
        let server = try remoteServer(url)
        let reporter = Reporter(json: json, color: !json && isatty(1) != 0)
        if timeout != nil && until == nil { fail("--timeout needs --until") }
        let code = await withDeadline(timeout) {
            try await EventFollower(server: server, notice: { if !json { reporter.note($0) } }).follow { event in
                reporter.report(event, from: server)
                guard let until, case .build(let build) = event else { return nil }
                return Self.exitCode(for: build, until: until)
            }
        }
        Foundation.exit(code)
    }

    /// The exit code once `event` satisfies `until`, else nil.
    static func exitCode(for event: DevServerEvent, until: Until) -> Int32? {
        switch (event.kind, until) {
        case (.built, .built), (.built, .any): 0
        case (.error, .error), (.error, .any): 1
        default: nil
        }
    }
}

/// The server named on the command line, or exits with code 2 and one line.
func remoteServer(_ url: String?) throws -> RemoteServer {
    do {
        return try RemoteServer(url, current: FileManager.default.currentDirectoryPath, environment: ProcessInfo.processInfo.environment)
    } catch {
        fail(error.description, code: 2)
    }
}

/// Runs `body` for at most `seconds` (nil: no limit); its exit code, or 2 with a one-line error
/// when the time is up or the server cannot be reached.
func withDeadline(_ seconds: Double?, _ body: @escaping @Sendable () async throws -> Int32) async -> Int32 {
    await withTaskGroup(of: Result<Int32, RemoteError>?.self) { group in
        group.addTask {
            do {
                return .success(try await body())
            } catch let error as RemoteError {
                return .failure(error)
            } catch {
                return .failure(RemoteError(String(describing: error)))
            }
        }
        if let seconds {
            group.addTask {
                try? await Task.sleep(for: .milliseconds(Int(seconds * 1000)))
                return Task.isCancelled ? nil : .failure(RemoteError("no build finished within \(seconds.formatted()) s"))
            }
        }
        let first = await group.next() ?? nil
        group.cancelAll()
        switch first {
        case .success(let code): return code
        case .failure(let error): fail(error.description, code: 2)
        case nil: return 2
        }
    }
}
