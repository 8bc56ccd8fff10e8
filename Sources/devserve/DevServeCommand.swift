import ArgumentParser
import DevServe
import Foundation
import Logging
import ServiceLifecycle

/// `devserve [ROOT] [options]`: serve ROOT with live reload.
@main
struct DevServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "devserve",
        abstract: "Serve a folder with live reload: watch, debounce, build, and reload the browser.",
        discussion: """
            Events stream as Server-Sent Events on /__hmr; every HTML page gets /__hmr/client.js.
            """)

    @Argument(help: "The folder to serve.")
    var root = "."

    @Option(help: "The port to listen on (0 picks a free one).")
    var port = 8080

    @Option(help: "The address to listen on. Anything but loopback exposes your files to the network.")
    var host = "127.0.0.1"

    @Option(help: ArgumentHelp("A shell command run from the current folder after each batch of changes.", valueName: "CMD"))
    var build: String?

    @Option(help: ArgumentHelp("A folder to watch (repeatable; default: ROOT).", valueName: "PATH"))
    var watch: [String] = []

    @Option(help: ArgumentHelp("A glob to ignore, on top of .git, .build, node_modules and editor files (repeatable).", valueName: "GLOB"))
    var ignore: [String] = []

    @Option(help: ArgumentHelp("Milliseconds to wait after the last change before building.", valueName: "MS"))
    var debounce = 20

    @Option(help: ArgumentHelp("Build at the latest this many milliseconds after the first change, even if changes keep coming.", valueName: "MS"))
    var debounceMax = 1000

    @Option(help: ArgumentHelp("What changes during a build do: queue (one follow-up build) or restart (stop the build, start over).", valueName: "queue|restart"))
    var onBusy = "queue"

    @Option(help: ArgumentHelp("Stop a build that runs longer than this many seconds and report it as failed (default: no limit).", valueName: "S"))
    var buildTimeout: Double?

    @Option(help: ArgumentHelp("Seconds a request for the build output waits for a running build before it gets a 503.", valueName: "S"))
    var holdTimeout = 30.0

    @Option(help: ArgumentHelp("A folder the build writes (repeatable; default: ROOT when it lies inside a watched folder). Its writes during a build never trigger a build.", valueName: "PATH"))
    var output: [String] = []

    @Option(help: ArgumentHelp("Poll for changes every MS milliseconds instead of using inotify (network and container mounts).", valueName: "MS"))
    var poll: Int?

    @Flag(name: .customLong("no-gitignore"), help: "Do not ignore the patterns of the project's .gitignore.")
    var noGitignore = false

    @Option(help: ArgumentHelp("Seconds between heartbeats on the event stream.", valueName: "S"))
    var heartbeat = 5.0

    @Flag(help: "Print one JSON object per line on stdout (build output goes to stderr).")
    var json = false

    @Flag(name: .customLong("no-inject"), help: "Do not inject the client script into HTML pages.")
    var noInject = false

    @Option(
        name: .customLong("allowed-host"),
        help: ArgumentHelp(
            "A host name to answer besides localhost and loopback addresses (repeatable; .example.test allows subdomains too).",
            valueName: "NAME"))
    var allowedHosts: [String] = []

    @Option(help: ArgumentHelp("An origin allowed to read files with CORS, without credentials (for example http://localhost:3000).", valueName: "ORIGIN"))
    var cors: String?

    @Flag(help: "Serve dotfiles and dot-folders (.env, .git/, ...). Key files (*.pem, *.key, ...) are never served.")
    var allowDotfiles = false

    @Flag(help: "Follow symbolic links that point outside the served folder.")
    var followSymlinks = false

    @Option(help: ArgumentHelp("Event-stream clients allowed at once; past it, /__hmr answers 503.", valueName: "N"))
    var maxClients = 1024

    @Option(help: ArgumentHelp("Seconds a connection may take to send its request, or stay idle, before it is closed.", valueName: "S"))
    var requestTimeout = 10.0

    func run() async throws {
        // The inotify handle first: libinotifytools uses select(), so its descriptor must stay
        // below 1024, before the server opens any socket.
        if case .failure(let error) = InotifyWatcher.prepare() { fail("\(error)") }
        guard (0...65535).contains(port) else { fail("--port must be between 0 and 65535, not \(port)") }
        guard debounce >= 0 else { fail("--debounce must be 0 or more milliseconds") }
        guard debounceMax > 0 else { fail("--debounce-max must be more than 0 milliseconds") }
        guard let busyPolicy = BusyPolicy(rawValue: onBusy) else { fail("--on-busy takes queue or restart, not \(onBusy)") }
        if let buildTimeout, buildTimeout <= 0 { fail("--build-timeout must be more than 0 seconds") }
        guard holdTimeout >= 0 else { fail("--hold-timeout must be 0 or more seconds") }
        if let poll, poll <= 0 { fail("--poll must be more than 0 milliseconds") }
        if !output.isEmpty && build == nil { fail("--output names what --build writes; give --build too") }
        guard heartbeat > 0 else { fail("--heartbeat must be more than 0 seconds") }
        guard maxClients > 0 else { fail("--max-clients must be 1 or more") }
        guard requestTimeout > 0 else { fail("--request-timeout must be more than 0 seconds") }
        if let cors, !Self.isOrigin(cors) {
            fail("--cors takes one origin such as http://localhost:3000 (scheme://host[:port], no path, not *), not \(cors)")
        }

        let current = FileManager.default.currentDirectoryPath
        let configuration = DevServeConfiguration(
            root: Self.absolute(root, in: current),
            watchFolders: watch.isEmpty ? nil : watch.map { Self.absolute($0, in: current) },
            projectFolder: current,
            buildCommand: build,
            ignore: ignore,
            host: host,
            port: port,
            debounce: .milliseconds(debounce),
            debounceMax: .milliseconds(debounceMax),
            onBusy: busyPolicy,
            buildTimeout: buildTimeout.map { .milliseconds(Int($0 * 1000)) },
            holdTimeout: .milliseconds(Int(holdTimeout * 1000)),
            outputFolders: output.isEmpty ? nil : output.map { Self.absolute($0, in: current) },
            poll: poll.map { .milliseconds($0) },
            useGitignore: !noGitignore,
            heartbeat: .milliseconds(Int(heartbeat * 1000)),
            injectClient: !noInject,
            buildEcho: json ? .standardError : .standardOutput,
            allowedHosts: allowedHosts,
            corsOrigin: cors,
            allowDotfiles: allowDotfiles,
            followSymlinks: followSymlinks,
            maxClients: maxClients,
            requestTimeout: .milliseconds(Int(requestTimeout * 1000)))

        LoggingSystem.bootstrap { _ in OneLineLogHandler() }
        let reporter = Reporter(json: json, color: !json && isatty(1) != 0)
        let logger = Logger(label: "devserve")
        let server = DevServer(configuration: configuration, logger: logger) { url in reporter.listening(url) }
        if !HostPolicy.isLoopback(host) {
            FileHandle.standardError.write(Data("devserve: warning: listening on \(host): your files are reachable from the network\n".utf8))
        }
        do {
            try await withThrowingDiscardingTaskGroup { group in
                let events = server.hub.subscribe()
                group.addTask {
                    for await event in events { reporter.report(event) }
                }
                try await ServiceGroup(
                    services: [server], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger
                ).run()
                group.cancelAll()
            }
        } catch let error as DevServeError {
            fail(error.description)
        } catch let error as WatchError {
            fail(error.description)
        } catch {
            let text = String(describing: error)
            if text.contains("Address already in use") || text.contains("EADDRINUSE") {
                fail("port \(port) is already in use on \(host); pick another with --port, or --port 0 for a free one")
            }
            fail("cannot listen on \(host):\(port): \(text)")
        }
    }

    private func fail(_ message: String) -> Never {
        FileHandle.standardError.write(Data("devserve: error: \(message)\n".utf8))
        Foundation.exit(1)
    }

    private static func absolute(_ path: String, in current: String) -> String {
        let url = path.hasPrefix("/") ? URL(fileURLWithPath: path) : URL(fileURLWithPath: current).appendingPathComponent(path)
        var standardized = url.standardizedFileURL.path
        while standardized.count > 1 && standardized.hasSuffix("/") { standardized.removeLast() }
        return standardized
    }

    private static func isOrigin(_ text: String) -> Bool {
        guard let url = URL(string: text), let scheme = url.scheme, ["http", "https"].contains(scheme),
            let host = url.host, !host.isEmpty
        else { return false }
        return url.path.isEmpty && url.query == nil && url.fragment == nil && url.user == nil && !text.hasSuffix("/")
    }
}
