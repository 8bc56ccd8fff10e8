import ArgumentParser
import DevServe
import Foundation

/// `devserve rebuild [URL]`: run a running devserve's build now, and wait for it.
struct RebuildCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rebuild",
        abstract: "Ask a running devserve to build now (POST /__hmr/rebuild), and wait for the result.",
        discussion: "Exit code 0 when the build succeeds, 1 when it fails, 2 when the server cannot be reached.")

    @Argument(help: "The devserve to ask (default: http://127.0.0.1:8080/, or the port of devserve.toml or PORT).")
    var url: String?

    @Flag(help: "Print one JSON object per line.")
    var json = false

    @Flag(name: .customLong("no-wait"), help: "Return once the build is asked for, without waiting for it.")
    var noWait = false

    func run() async throws {
        let server = try remoteServer(url)
        let reporter = Reporter(json: json, color: !json && isatty(1) != 0)
        let noWait = self.noWait
        let code = await withDeadline(nil) {
            if noWait {
                try await server.rebuild()
                return 0
            }
            // Follow first, so the build's events cannot be missed; ask once connected.
            var asked = false
            return try await EventFollower(server: server, notice: { _ in }).follow { event in
                switch event {
                case .hello:
                    if !asked {
                        asked = true
                        try await server.rebuild()
                    }
                    return nil
                case .build(let build):
                    reporter.report(build)
                    return EventsCommand.exitCode(for: build, until: .any)
                case .custom:
                    return nil
                }
            }
        }
        Foundation.exit(code)
    }
}
