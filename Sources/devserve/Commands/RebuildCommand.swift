import ArgumentParser
import DevServe
import Foundation

/// `devserve rebuild [URL]`: run a running devserve's build now, and wait for it.
struct RebuildCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rebuild",
        abstract: "Ask a running devserve to build now (POST /__hmr/rebuild), and wait for the result.",
        discussion: """
            A failed build is shown with the end of its output. Exit code 0 when the build \
            succeeds, 1 when it fails, 2 when the server cannot be reached or --timeout passes.
            """)

    @OptionGroup var remote: RemoteOptions

    @Flag(name: .customLong("no-wait"), help: "Return once the build is asked for, without waiting for it.")
    var noWait = false

    func run() async throws {
        let server = remote.server()
        let reporter = remote.reporter
        let noWait = self.noWait
        await remote.run(waitingFor: noWait ? "no answer" : "the build did not finish") {
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
    }
}
