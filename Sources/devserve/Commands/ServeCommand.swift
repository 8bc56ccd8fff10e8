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

    @Argument(help: SettingKey.help("root")) var root: String?
    @Option(help: ArgumentHelp("A configuration file (default: devserve.toml in the current folder, if there is one).", valueName: "PATH"))
    var config: String?
    @Option(help: SettingKey.help("port")) var port: Int?
    @Option(help: SettingKey.help("host")) var host: String?
    @Option(help: SettingKey.help("build")) var build: String?
    @Option(help: SettingKey.help("watch")) var watch: [String] = []
    @Option(help: SettingKey.help("ignore")) var ignore: [String] = []
    @Option(help: SettingKey.help("debounce")) var debounce: Int?
    @Option(help: SettingKey.help("debounce-max")) var debounceMax: Int?
    @Option(help: SettingKey.help("on-busy")) var onBusy: String?
    @Option(help: SettingKey.help("build-timeout")) var buildTimeout: Double?
    @Option(help: SettingKey.help("hold-timeout")) var holdTimeout: Double?
    @Option(help: SettingKey.help("output")) var output: [String] = []
    @Option(help: SettingKey.help("poll")) var poll: Int?
    @Flag(inversion: .prefixedNo, help: SettingKey.help("gitignore")) var gitignore: Bool?
    @Option(help: SettingKey.help("heartbeat")) var heartbeat: Double?
    @Flag(inversion: .prefixedNo, help: SettingKey.help("json")) var json: Bool?
    @Flag(inversion: .prefixedNo, help: SettingKey.help("inject")) var inject: Bool?
    @Option(name: .customLong("allowed-host"), help: SettingKey.help("allowed-host")) var allowedHosts: [String] = []
    @Option(help: SettingKey.help("cors")) var cors: String?
    @Flag(inversion: .prefixedNo, help: SettingKey.help("allow-dotfiles")) var allowDotfiles: Bool?
    @Flag(inversion: .prefixedNo, help: SettingKey.help("follow-symlinks")) var followSymlinks: Bool?
    @Option(help: SettingKey.help("max-clients")) var maxClients: Int?
    @Option(help: SettingKey.help("request-timeout")) var requestTimeout: Double?
    @Flag(inversion: .prefixedNo, help: SettingKey.help("spa")) var spa: Bool?
    @Option(help: SettingKey.help("fallback")) var fallback: String?
    @Option(help: SettingKey.help("proxy")) var proxy: [String] = []
    @Option(help: SettingKey.help("editor")) var editor: String?
    @Flag(inversion: .prefixedNo, help: SettingKey.help("open")) var open: Bool?

    func run() async throws {
        // The inotify handle first: libinotifytools uses select(), so its descriptor must stay
        // below 1024, before the server opens any socket.
        if case .failure(let error) = InotifyWatcher.prepare() { fail("\(error)") }
        let current = FileManager.default.currentDirectoryPath
        let settings: Settings
        let configuration: DevServeConfiguration
        do {
            settings = try loadSettings(current: current, environment: ProcessInfo.processInfo.environment)
            configuration = try Self.configuration(from: settings, current: current)
        } catch {
            fail(error.description)
        }

        let json = settings.bool("json")
        LoggingSystem.bootstrap { _ in OneLineLogHandler() }
        let reporter = Reporter(json: json, color: !json && isatty(1) != 0, buildEchoed: !json)
        let logger = Logger(label: "devserve")
        let openBrowser = settings.bool("open")
        let server = DevServer(configuration: configuration, logger: logger) { url in
            reporter.listening(url)
            if openBrowser { await BrowserOpener.open(url, logger: logger) }
        }
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

    /// devserve.toml (or `--config`), then `PORT`/`HOST`, then the flags.
    func loadSettings(current: String, environment: [String: String]) throws(SettingError) -> Settings {
        try Settings.load(config: config, current: current, environment: environment, flags: flagLayer(current: current))
    }

    /// The flags given on the command line.
    private func flagLayer(current: String) -> Settings.Layer {
        let paths = { (paths: [String]) in paths.map { ConfigFile.absolute($0, in: current) } }
        let given: [(String, SettingValue?)] = [
            ("root", root.map { .string(ConfigFile.absolute($0, in: current)) }),
            ("port", port.map(SettingValue.int)),
            ("host", host.map(SettingValue.string)),
            ("build", build.map(SettingValue.string)),
            ("watch", watch.isEmpty ? nil : .strings(paths(watch))),
            ("ignore", ignore.isEmpty ? nil : .strings(ignore)),
            ("debounce", debounce.map(SettingValue.int)),
            ("debounce-max", debounceMax.map(SettingValue.int)),
            ("on-busy", onBusy.map(SettingValue.string)),
            ("build-timeout", buildTimeout.map(SettingValue.double)),
            ("hold-timeout", holdTimeout.map(SettingValue.double)),
            ("output", output.isEmpty ? nil : .strings(paths(output))),
            ("poll", poll.map(SettingValue.int)),
            ("gitignore", gitignore.map(SettingValue.bool)),
            ("heartbeat", heartbeat.map(SettingValue.double)),
            ("json", json.map(SettingValue.bool)),
            ("inject", inject.map(SettingValue.bool)),
            ("allowed-host", allowedHosts.isEmpty ? nil : .strings(allowedHosts)),
            ("cors", cors.map(SettingValue.string)),
            ("allow-dotfiles", allowDotfiles.map(SettingValue.bool)),
            ("follow-symlinks", followSymlinks.map(SettingValue.bool)),
            ("max-clients", maxClients.map(SettingValue.int)),
            ("request-timeout", requestTimeout.map(SettingValue.double)),
            ("spa", spa.map(SettingValue.bool)),
            ("fallback", fallback.map(SettingValue.string)),
            ("proxy", proxy.isEmpty ? nil : .strings(proxy)),
            ("editor", editor.map(SettingValue.string)),
            ("open", open.map(SettingValue.bool)),
        ]
        var layer = Settings.Layer()
        for case let (name, value?) in given { layer[name] = (value, .flag) }
        return layer
    }

    /// The engine's configuration for merged settings.
    static func configuration(from settings: Settings, current: String) throws(SettingError) -> DevServeConfiguration {
        let build = settings.string("build")
        if !settings.strings("output").isEmpty && build == nil {
            throw SettingError("output names what build writes; give build (--build) too")
        }
        let milliseconds = { (seconds: Double) in Duration.milliseconds(Int(seconds * 1000)) }
        let root = settings.source("root") == nil ? current : settings.string("root")!
        let watch = settings.strings("watch")
        let output = settings.strings("output")
        let fallback = settings.string("fallback") ?? (settings.bool("spa") ? "index.html" : nil)
        return DevServeConfiguration(
            root: root,
            watchFolders: watch.isEmpty ? nil : watch,
            projectFolder: current,
            buildCommand: build,
            ignore: settings.strings("ignore"),
            host: settings.string("host")!,
            port: settings.int("port")!,
            debounce: .milliseconds(settings.int("debounce")!),
            debounceMax: .milliseconds(settings.int("debounce-max")!),
            onBusy: BusyPolicy(rawValue: settings.string("on-busy")!)!,
            buildTimeout: settings.double("build-timeout").map(milliseconds),
            holdTimeout: milliseconds(settings.double("hold-timeout")!),
            outputFolders: output.isEmpty ? nil : output,
            poll: settings.int("poll").map { .milliseconds($0) },
            useGitignore: settings.bool("gitignore"),
            heartbeat: milliseconds(settings.double("heartbeat")!),
            injectClient: settings.bool("inject"),
            buildEcho: settings.bool("json") ? .standardError : .standardOutput,
            allowedHosts: settings.strings("allowed-host"),
            corsOrigin: settings.string("cors"),
            allowDotfiles: settings.bool("allow-dotfiles"),
            followSymlinks: settings.bool("follow-symlinks"),
            maxClients: settings.int("max-clients")!,
            requestTimeout: milliseconds(settings.double("request-timeout")!),
            fallbackPage: fallback,
            proxies: settings.strings("proxy").compactMap { try? ProxyRoute(parsing: $0) },
            editorCommand: settings.string("editor") ?? EditorCommand.fromEnvironment(ProcessInfo.processInfo.environment))
    }
}

/// Prints `devserve: error: MESSAGE` on stderr and exits with `code`.
func fail(_ message: String, code: Int32 = 1) -> Never {
    FileHandle.standardError.write(Data("devserve: error: \(message)\n".utf8))
    Foundation.exit(code)
}
