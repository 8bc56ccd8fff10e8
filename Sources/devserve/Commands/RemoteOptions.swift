import ArgumentParser
import Foundation

/// What `events`, `status` and `rebuild` share (`@OptionGroup var remote: RemoteOptions`): which
/// devserve to talk to, JSON or lines, how long to wait, and how they end (one exit code, one
/// error line). One declaration, so the three take the same URL, flags and help, and fail the
/// same way.
struct RemoteOptions: ParsableArguments {
    @Argument(help: "The running devserve (default: http://127.0.0.1:8080/, or the port of devserve.toml or PORT).")
    var url: String?

    @Flag(help: "Print JSON: one object per line.")
    var json = false

    @Option(help: ArgumentHelp("Give up after this many seconds (exit code 2).", valueName: "S"))
    var timeout: Double?

    /// The server named on the command line, or this folder's; else exits with code 2 and one line.
    func server() -> RemoteServer {
        do {
            return try RemoteServer(url, current: FileManager.default.currentDirectoryPath, environment: ProcessInfo.processInfo.environment)
        } catch {
            fail(error.description, code: 2)
        }
    }

    /// Lines for people (in colour on a terminal), or JSON.
    var reporter: Reporter { Reporter(json: json, color: !json && isatty(1) != 0) }

    /// Runs `body` for at most `--timeout` seconds and exits with its code; with 2 and one line
    /// when the server cannot be reached or the time is up (`waitingFor` says for what:
    /// "no build finished within 5 s").
    func run(waitingFor what: String, _ body: @escaping @Sendable () async throws -> Int32) async -> Never {
        if let timeout, !(timeout > 0) { fail("--timeout must be more than 0 seconds, not \(timeout.formatted())") }
        Foundation.exit(await Self.withDeadline(timeout, what, body))
    }

    private static func withDeadline(
        _ seconds: Double?, _ what: String, _ body: @escaping @Sendable () async throws -> Int32
    ) async -> Int32 {
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
                    return Task.isCancelled ? nil : .failure(RemoteError("\(what) within \(seconds.formatted()) s"))
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
}
