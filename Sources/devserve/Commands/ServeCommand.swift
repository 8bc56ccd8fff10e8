import ArgumentParser
import DevServe
import Foundation
import Logging
import ServiceLifecycle

/// `devserve serve [ROOT] [options]` (the default command): serve ROOT with live reload.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve a folder with live reload (the default command).",
        discussion: """
            Events stream as Server-Sent Events on /__hmr; every HTML page gets /__hmr/client.js. \
            Settings come from the flags, then the PORT and HOST environment variables, then \
            devserve.toml in the current folder (or --config).
            """)

    @Argument(Setting.root) var root: String?
    @Option(help: ArgumentHelp("A configuration file (default: devserve.toml in the current folder, if there is one).", valueName: "PATH"))
    var config: String?
    @Option(Setting.port) var port: Int?
    @Option(Setting.host) var host: String?
    @Option(Setting.build) var build: String?
    @Option(Setting.watch) var watch: [String] = []
    @Option(Setting.ignore) var ignore: [String] = []
    @Option(Setting.debounce) var debounce: Int?
    @Option(Setting.debounceMax) var debounceMax: Int?
    @Option(Setting.onBusy) var onBusy: String?
    @Option(Setting.buildTimeout) var buildTimeout: Double?
    @Option(Setting.holdTimeout) var holdTimeout: Double?
    @Option(Setting.output) var output: [String] = []
    @Option(Setting.poll) var poll: Int?
    @Flag(Setting.gitignore) var gitignore: Bool?
    @Option(Setting.heartbeat) var heartbeat: Double?
    @Flag(Setting.json) var json: Bool?
    @Flag(Setting.inject) var inject: Bool?
    @Flag(Setting.hot) var hot: Bool?
    @Flag(Setting.forwardConsole) var forwardConsole: Bool?
    @Flag(Setting.compress) var compress: Bool?
    @Option(Setting.allowedHost) var allowedHosts: [String] = []
    @Option(Setting.cors) var cors: String?
    @Flag(Setting.allowDotfiles) var allowDotfiles: Bool?
    @Flag(Setting.followSymlinks) var followSymlinks: Bool?
    @Option(Setting.maxClients) var maxClients: Int?
    @Option(Setting.requestTimeout) var requestTimeout: Double?
    @Flag(Setting.spa) var spa: Bool?
    @Option(Setting.fallback) var fallback: String?
    @Option(Setting.proxy) var proxy: [String] = []
    @Flag(Setting.https) var https: Bool?
    @Option(Setting.cert) var cert: String?
    @Option(Setting.key) var key: String?
    @Option(Setting.headers) var headers: [String] = []
    @Option(Setting.editor) var editor: String?
    @Flag(Setting.open) var open: Bool?
    @Option(Setting.openPath) var openPath: String?

    func run() async throws {
        // The inotify handle first: libinotifytools uses select(), so its descriptor must stay
        // below 1024, before the server opens any socket.
        if case .failure(let error) = InotifyWatcher.prepare() { fail("\(error)") }
        let current = FileManager.default.currentDirectoryPath
        let settings: Settings
        let configuration: DevServeConfiguration
        do {
            settings = try loadSettings(current: current, environment: ProcessInfo.processInfo.environment)
            var made = try Self.configuration(from: settings, current: current)
            made.tls = Self.identity(settings, host: made.host, allowedHosts: made.allowedHosts)
            configuration = made
        } catch {
            fail(error.description)
        }

        let json = settings[Setting.json]
        LoggingSystem.bootstrap { _ in OneLineLogHandler() }
        let reporter = Reporter(json: json, color: !json && isatty(1) != 0, buildEchoed: !json)
        let logger = Logger(label: "devserve")
        let openBrowser = settings[Setting.open]
        let openPath = settings[Setting.openPath]
        let server = DevServer(configuration: configuration, logger: logger) { url in
            let served = URL(string: url)
            let urls = ServedURLs(
                scheme: served?.scheme ?? "http", host: configuration.host, port: served?.port ?? configuration.port,
                addresses: HostPolicy.isLoopback(configuration.host) ? [] : ServedURLs.interfaceAddresses())
            reporter.listening(urls)
            if openBrowser { await BrowserOpener.open(urls.page(openPath), logger: logger) }
        }
        if let identity = configuration.tls { Self.describe(identity) }
        if !HostPolicy.isLoopback(configuration.host) {
            FileHandle.standardError.write(
                Data("devserve: warning: listening on \(configuration.host): your files are reachable from the network\n".utf8))
        }
        do {
            try await withThrowingDiscardingTaskGroup { group in
                let events = server.events()
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
            let (host, port) = (configuration.host, configuration.port)
            if text.contains("Address already in use") || text.contains("EADDRINUSE") {
                fail("port \(port) is already in use on \(host); pick another with --port, or --port 0 for a free one")
            }
            fail("cannot listen on \(host):\(port): \(text)")
        }
    }

    /// The certificate HTTPS serves: the user's (`--cert`, `--key`), or devserve's own for
    /// every name this server answers to (`--https`); nil for plain HTTP. Fails with one line.
    private static func identity(_ settings: Settings, host: String, allowedHosts: [String]) -> ServerIdentity? {
        do throws(DevServeError) {
            if let cert = settings[Setting.cert], let key = settings[Setting.key] {
                return try ServerIdentity.load(certificate: cert, key: key)
            }
            guard settings[Setting.https] else { return nil }
            guard let folder = ServerIdentity.defaultFolder(environment: ProcessInfo.processInfo.environment) else {
                fail("--https keeps its certificates in ~/.cache/devserve/tls, and neither HOME nor XDG_CACHE_HOME is set")
            }
            // ServerIdentity adds localhost and the loopback addresses itself.
            var names: [String] = []
            if !HostPolicy.isLoopback(host), !["0.0.0.0", "::", "[::]"].contains(host) { names.append(host) }
            if !HostPolicy.isLoopback(host) { names += ServedURLs.interfaceAddresses().compactMap(\.ipAddress) }
            names += allowedHosts.flatMap { $0.hasPrefix(".") ? [String($0.dropFirst()), "*" + $0] : [$0] }
            return try ServerIdentity.local(in: folder, hosts: names)
        } catch {
            fail(error.description)
        }
    }

    /// The certificate's fingerprint, and, the first time devserve made its CA, how to trust it.
    private static func describe(_ identity: ServerIdentity) {
        var lines = ["devserve: TLS certificate SHA-256 \(identity.fingerprint)"]
        if identity.madeAuthority, let authority = identity.authorityPath {
            lines += [
                "devserve: made a local certificate authority: \(authority)",
                "  Browsers warn until they trust it (once per machine; its key never leaves \((authority as NSString).deletingLastPathComponent)):",
                "  Chromium, Firefox (NSS, from libnss3-tools):  certutil -d sql:$HOME/.pki/nssdb -A -t C,, -n devserve -i \(authority)",
                "  the system store:  sudo cp \(authority) /usr/local/share/ca-certificates/devserve.crt && sudo update-ca-certificates",
                "  a phone: open the CA file on it and install it as a trusted certificate.",
            ]
        }
        FileHandle.standardError.write(Data((lines.joined(separator: "\n") + "\n").utf8))
    }

    /// devserve.toml (or `--config`), then `PORT`/`HOST`, then the flags.
    func loadSettings(current: String, environment: [String: String]) throws(SettingError) -> Settings {
        try Settings.load(config: config, current: current, environment: environment, flags: flagLayer(current: current))
    }

    /// The flags given on the command line: one line per setting, each typed by its key (a
    /// flag of the wrong type, or a misspelt key, does not compile; a test checks that no
    /// setting is left out).
    private func flagLayer(current: String) -> Settings.Layer {
        var layer = Settings.Layer()
        layer.flag(Setting.root, root, current: current)
        layer.flag(Setting.port, port, current: current)
        layer.flag(Setting.host, host, current: current)
        layer.flag(Setting.build, build, current: current)
        layer.flag(Setting.watch, watch, current: current)
        layer.flag(Setting.ignore, ignore, current: current)
        layer.flag(Setting.debounce, debounce, current: current)
        layer.flag(Setting.debounceMax, debounceMax, current: current)
        layer.flag(Setting.onBusy, onBusy, current: current)
        layer.flag(Setting.buildTimeout, buildTimeout, current: current)
        layer.flag(Setting.holdTimeout, holdTimeout, current: current)
        layer.flag(Setting.output, output, current: current)
        layer.flag(Setting.poll, poll, current: current)
        layer.flag(Setting.gitignore, gitignore, current: current)
        layer.flag(Setting.heartbeat, heartbeat, current: current)
        layer.flag(Setting.json, json, current: current)
        layer.flag(Setting.inject, inject, current: current)
        layer.flag(Setting.hot, hot, current: current)
        layer.flag(Setting.forwardConsole, forwardConsole, current: current)
        layer.flag(Setting.compress, compress, current: current)
        layer.flag(Setting.allowedHost, allowedHosts, current: current)
        layer.flag(Setting.cors, cors, current: current)
        layer.flag(Setting.allowDotfiles, allowDotfiles, current: current)
        layer.flag(Setting.followSymlinks, followSymlinks, current: current)
        layer.flag(Setting.maxClients, maxClients, current: current)
        layer.flag(Setting.requestTimeout, requestTimeout, current: current)
        layer.flag(Setting.spa, spa, current: current)
        layer.flag(Setting.fallback, fallback, current: current)
        layer.flag(Setting.proxy, proxy, current: current)
        layer.flag(Setting.https, https, current: current)
        layer.flag(Setting.cert, cert, current: current)
        layer.flag(Setting.key, key, current: current)
        layer.flag(Setting.headers, headers, current: current)
        layer.flag(Setting.editor, editor, current: current)
        layer.flag(Setting.open, open, current: current)
        layer.flag(Setting.openPath, openPath, current: current)
        return layer
    }

    /// The engine's configuration for merged settings: each setting applied in turn (see
    /// ``Setting``), then the one rule that joins two of them.
    static func configuration(from settings: Settings, current: String) throws(SettingError) -> DevServeConfiguration {
        var configuration = DevServeConfiguration(root: current, projectFolder: current)
        for key in Setting.all { key.apply(settings, to: &configuration) }
        if !settings[Setting.output].isEmpty && settings[Setting.build] == nil {
            throw SettingError("output names what build writes; give build (--build) too")
        }
        if (settings[Setting.cert] == nil) != (settings[Setting.key] == nil) {
            throw SettingError("cert and key go together: give both (--cert FILE --key FILE), or neither for devserve's own")
        }
        return configuration
    }
}

/// Prints `devserve: error: MESSAGE` on stderr and exits with `code`.
func fail(_ message: String, code: Int32 = 1) -> Never {
    FileHandle.standardError.write(Data("devserve: error: \(message)\n".utf8))
    Foundation.exit(code)
}
