import Foundation
import Hummingbird
public import Logging
import NIOCore
public import ServiceLifecycle

/// A live-reload development server: watches folders, runs the build after each burst of
/// changes, serves the files with the client injected and streams events on `/__hmr`.
///
/// It is a swift-service-lifecycle `Service`: run it in a `ServiceGroup`, which stops it
/// gracefully (event streams end with a `shutdown` event, the build is stopped) on a signal or
/// on `triggerGracefulShutdown()`.
///
/// ```swift
/// let server = DevServer(configuration: .init(root: "/path/site", projectFolder: "/path")) { url in
///     print(url)
/// }
/// try await ServiceGroup(services: [server], gracefulShutdownSignals: [.sigint], logger: logger).run()
/// ```
public struct DevServer: Service {
    public let configuration: DevServeConfiguration
    /// Where events are published; ``EventHub/subscribe()`` follows them.
    public let hub: EventHub
    private let logger: Logger
    private let onListening: @Sendable (String) async -> Void

    /// - Parameter onListening: called once with the URL served (`http://HOST:PORT/`).
    public init(
        configuration: DevServeConfiguration, logger: Logger = Logger(label: "devserve"),
        onListening: @escaping @Sendable (String) async -> Void = { _ in }
    ) {
        self.configuration = configuration
        self.hub = EventHub(heartbeatInterval: configuration.heartbeat, maxClients: configuration.maxClients)
        self.logger = logger
        self.onListening = onListening
    }

    /// Runs until cancelled or shut down gracefully.
    /// - Throws: ``DevServeError`` for a bad configuration, ``WatchError`` when watching fails,
    ///   and the server's error when it cannot listen.
    public func run() async throws {
        let configuration = self.configuration
        let onListening = self.onListening
        guard
            let resolver = PathResolver(
                root: configuration.root, denyList: DenyList(allowDotfiles: configuration.allowDotfiles),
                followSymlinks: configuration.followSymlinks),
            Self.isFolder(configuration.root)
        else {
            throw DevServeError("the folder to serve does not exist: \(configuration.root)")
        }
        for folder in configuration.watchFolders where !Self.isFolder(folder) {
            throw DevServeError("the folder to watch does not exist: \(folder)")
        }
        let filter = WatchFilter(
            roots: configuration.watchFolders, rules: IgnoreRules(patterns: configuration.ignore),
            projectRules: configuration.useGitignore ? WatchFilter.gitignore(in: configuration.projectFolder) : nil,
            projectFolder: configuration.projectFolder,
            exempt: configuration.buildCommand == nil ? configuration.root : nil)
        let watcher: any FileWatcher =
            if let interval = configuration.poll {
                await PollingWatcher(filter: filter, interval: interval)
            } else {
                try await FallbackWatcher(filter: filter, pollInterval: configuration.fallbackPollInterval)
            }
        let (listening, serverListens) = AsyncStream.makeStream(of: Void.self)
        let activity = BuildActivity()
        let outputs = OutputTracker(servedFolder: resolver.root)
        let pipeline = Pipeline(
            watcher: watcher,
            debouncer: Debouncer(interval: configuration.debounce, maxWait: configuration.debounceMax, clock: ContinuousClock()),
            builder: configuration.buildCommand.map {
                ShellBuildRunner(
                    command: $0, directory: configuration.projectFolder, echo: configuration.buildEcho,
                    timeout: configuration.buildTimeout)
            },
            onBusy: configuration.onBusy,
            gate: BuildOutputGate(outputFolders: configuration.buildOutputFolders),
            activity: activity,
            outputs: outputs,
            diagnostics: DiagnosticParser(projectFolder: configuration.projectFolder),
            hub: hub,
            projectFolder: configuration.projectFolder,
            servedFolder: configuration.root,
            logger: logger,
            listening: listening)

        let app = Application(
            router: makeRouter(resolver: resolver, activity: activity, outputs: outputs),
            server: .originFormHTTP1(configuration: .init(idleTimeout: .init(configuration.requestTimeout))),
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: nil),
            services: [PipelineService(pipeline: pipeline, watcher: watcher, hub: hub)],
            onServerRunning: { channel in
                let port = channel.localAddress?.port ?? configuration.port
                let host = configuration.host.contains(":") ? "[\(configuration.host)]" : configuration.host
                await onListening("http://\(host):\(port)/")
                serverListens.finish()
            },
            logger: logger)
        try await app.run()
    }

    private func makeRouter(resolver: PathResolver, activity: BuildActivity, outputs: OutputTracker) -> Router<BasicRequestContext> {
        let router = Router()
        router.add(
            middleware: SecurityMiddleware(
                hosts: HostPolicy(boundHost: configuration.host, allowedHosts: configuration.allowedHosts),
                fetch: FetchPolicy()))
        let held = BuildHoldMiddleware<BasicRequestContext>.prefixes(
            outputFolders: configuration.buildOutputFolders, root: configuration.root)
        if !held.isEmpty {
            router.add(middleware: BuildHoldMiddleware(activity: activity, prefixes: held, timeout: configuration.holdTimeout))
        }
        if let origin = configuration.corsOrigin {
            router.add(
                middleware: CORSMiddleware(
                    allowOrigin: .custom(origin), allowHeaders: [.accept, .contentType, .range],
                    allowMethods: [.get, .head, .options], allowCredentials: false))
        }
        if configuration.injectClient {
            router.add(
                middleware: HTMLInjectionMiddleware(
                    resolver: resolver, injector: HTMLInjector(), lastGoodPage: { outputs.lastGoodPage($0) }))
        }
        router.add(middleware: RangeRequestGuard(resolver: resolver))
        router.add(
            middleware: FileMiddleware(
                fileProvider: SecureFileProvider(resolver: resolver, logger: logger),
                // Pages are never stored; everything else is revalidated on every use (cheap, with
                // the ETag), so a reload shows changed images and scripts rather than cached ones.
                cacheControl: .init([
                    (MediaType(type: .text, subType: "html"), [.noStore]),
                    (MediaType(type: .any), [.noCache]),
                ]),
                searchForIndexHtml: true))
        HMRRoutes(hub: hub).register(on: router)
        return router
    }

    private static func isFolder(_ path: String) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue
    }
}

/// Runs the pipeline next to the HTTP server, and ends the event streams when it stops.
struct PipelineService: Service {
    let pipeline: Pipeline
    let watcher: any FileWatcher
    let hub: EventHub

    func run() async throws {
        defer {
            hub.shutDown()
            watcher.stop()
        }
        try? await cancelWhenGracefulShutdown { try await pipeline.run() }
    }
}

/// A configuration problem, with a one-line message for the user.
public struct DevServeError: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }
}
