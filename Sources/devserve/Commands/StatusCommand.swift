import ArgumentParser
import DevServe
import Foundation

/// `devserve status [URL]`: where a running devserve's build stands.
struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Print the build status of a running devserve.",
        discussion: """
            Exit code 0 when the last build succeeded or one is running, 1 when the last build \
            failed (its problems are printed as file:line:col: severity: message), 2 when the \
            server cannot be reached or --timeout passes. With --json, the status object as the \
            server sends it.
            """)

    @OptionGroup var remote: RemoteOptions

    func run() async throws {
        let server = remote.server()
        let reporter = remote.reporter
        let json = remote.json
        await remote.run(waitingFor: "no answer") {
            let text = try await server.status()
            let status = RemoteStatus(json: text)
            if json {
                print(text)
            } else {
                reporter.status(status)
            }
            return status.state == "error" ? 1 : 0
        }
    }
}

/// `GET /__hmr/status`, decoded for printing.
struct RemoteStatus {
    var state: String
    var changed: [String]
    var clients: Int
    /// The last failed build, while the status is `error`.
    var error: DevServerEvent?

    init(json: String) {
        let object = (try? JSONSerialization.jsonObject(with: Data(json.utf8))) as? [String: Any] ?? [:]
        state = object["status"] as? String ?? "unknown"
        changed = object["changed"] as? [String] ?? []
        clients = object["clients"] as? Int ?? 0
        if let error = object["error"] as? [String: Any],
            let data = try? JSONSerialization.data(withJSONObject: error)
        {
            self.error = try? DevServerEvent.decode(kind: .error, json: String(decoding: data, as: UTF8.self))
        }
    }
}
