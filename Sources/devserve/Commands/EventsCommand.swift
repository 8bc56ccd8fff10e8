import ArgumentParser
import DevServe
import Foundation

/// `devserve events [URL]`: one line per event of a running devserve.
struct EventsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "events",
        abstract: "Print the events of a running devserve, one line each.",
        discussion: """
            Follows the server across restarts; a failed build is shown with the end of its output. \
            With --until, exits after a finished build: code 0 for built, 1 for error, 2 when the \
            server cannot be reached or --timeout (which needs --until) passes.
            """)

    @OptionGroup var remote: RemoteOptions

    @Option(help: ArgumentHelp(
        "Exit after the next finished build (any), the next successful one (built), or the next failed one (error).",
        valueName: "built|error|any"))
    var until: Until?

    enum Until: String, ExpressibleByArgument, Sendable { case built, error, any }

    func run() async throws {
        let server = remote.server()
        let reporter = remote.reporter
        let json = remote.json
        let until = self.until
        // Without --until there is nothing to wait for: following goes on until Ctrl-C.
        if remote.timeout != nil && until == nil { fail("--timeout needs --until") }
        await remote.run(waitingFor: "no build finished") {
            try await EventFollower(server: server, notice: { if !json { reporter.note($0) } }).follow { event in
                reporter.report(event, from: server)
                guard let until, case .build(let build) = event else { return nil }
                return Self.exitCode(for: build, until: until)
            }
        }
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
