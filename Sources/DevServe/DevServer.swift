import AsyncHTTPClient
import HummingbirdCore
import Foundation
public import Hummingbird
public import Logging
public import NIOCore
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
/// let events = server.events()       // building, built, error, custom
/// try server.publish(custom: "content-updated", detail: ["page": "/blog/"])
/// server.rebuild()                   // build now, as if everything changed
/// try await ServiceGroup(services: [server], gracefulShutdownSignals: [.sigint], logger: logger).run()
/// ```
public struct DevServer: Service {
    /// What the server was made with.
    public let configuration: DevServeConfiguration
    /// Where events are published; ``events()`` follows them.
    public let hub: EventHub
    private let logger: Logger
    private let onListening: @Sendable (String) async -> Void
    private let rebuildRequests: AsyncStream<Void>
    private let rebuildContinuation: AsyncStream<Void>.Continuation

    /// - Parameter onListening: called once with the URL served (`http://HOST:PORT/`, or
    ///   `https://` with ``DevServeConfiguration/tls``).
    public init(
        configuration: DevServeConfiguration, logger: Logger = Logger(label: "devserve"),
        onListening: @escaping @Sendable (String) async -> Void = { _ in }
    ) {
        self.configuration = configuration
        self.hub = EventHub(
            heartbeatInterval: configuration.heartbeat, maxClients: configuration.maxClients,
            forwardConsole: configuration.forwardConsole)
        self.logger = logger
        self.onListening = onListening
        (rebuildRequests, rebuildContinuation) = AsyncStream.makeStream(bufferingPolicy: .bufferingNewest(1))
    }

    /// The events as they are published (`building`, `built`, `error` and custom ones), until
    /// the server stops. Each call is a new, independent sequence; call it before ``run()`` to
    /// see the start-up build.
    public func events() -> AsyncStream<DevServerEvent> { hub.subscribe() }

    /// Publishes a custom event to every page and event-stream client (see
    /// ``EventHub/publish(custom:detail:)``).
    @discardableResult
    public func publish(custom name: String, detail: some Encodable) throws(DevServeError) -> DevServerEvent {
        try hub.publish(custom: name, detail: detail)
    }

    /// Asks for a build as if everything had changed (what `POST /__hmr/rebuild` does). It runs
    /// after the debounce, or after the running build.
    public func rebuild() { rebuildContinuation.yield() }

    /// Runs until cancelled or shut down gracefully.
    /// - Throws: ``DevServeError`` for a bad configuration, ``WatchError`` when watching fails,
    ///   and the server's error when it cannot listen.
    public func run() async throws {
        let configuration = self.configuration
        let onListening = self.onListening
        let paths = try Self.paths(of: configuration)
        guard
            let resolver = PathResolver(
                root: paths.served, denyList: DenyList(allowDotfiles: configuration.allowDotfiles),
                followSymlinks: configuration.followSymlinks)
        else {
            throw DevServeError("the folder to serve cannot be read: \(configuration.root)")
        }
        var watchFolders: [String] = []
        for folder in configuration.watchFolders {
            guard Self.isFolder(folder), let real = ProjectPaths.realPath(folder) else {
                throw DevServeError("the folder to watch does not exist: \(folder)")
            }
            watchFolders.append(real)
        }
        let filter = WatchFilter(
            roots: watchFolders, rules: IgnoreRules(patterns: configuration.ignore),
            projectRules: configuration.useGitignore ? WatchFilter.gitignore(in: paths.project) : nil,
            projectFolder: paths.project,
            exempt: configuration.buildCommand == nil ? paths.served : nil)
        let watcher: any FileWatcher =
            if let interval = configuration.poll {
                await PollingWatcher(filter: filter, interval: interval)
            } else {
                try await FallbackWatcher(filter: filter, pollInterval: configuration.fallbackPollInterval)
            }
        let (listening, serverListens) = AsyncStream.makeStream(of: Void.self)
        let outputs = OutputTracker(paths: paths)
        let files = FileCache()
        let modules = ModuleGraph(paths: paths, cache: files)
        let window = BuildWindow(
            declaredOutputs: configuration.buildOutputFolders.map { ProjectPaths.realPath($0) ?? $0 },
            contentHash: { outputs.contentHash($0) }, logger: logger)
        let pipeline = Pipeline(
            watcher: watcher,
            debouncer: Debouncer(interval: configuration.debounce, maxWait: configuration.debounceMax, clock: ContinuousClock()),
            builder: configuration.buildCommand.map {
                ShellBuildRunner(
                    command: $0, directory: paths.project, echo: configuration.buildEcho,
                    timeout: configuration.buildTimeout)
            },
            onBusy: configuration.onBusy,
            window: window,
            outputs: outputs,
            modules: modules,
            diagnostics: DiagnosticParser(projectFolder: paths.project),
            hub: hub,
            paths: paths,
            logger: logger,
            listening: listening,
            rebuildRequests: rebuildRequests)
        let proxyClient = configuration.proxies.isEmpty ? nil : Self.makeProxyClient()
        let editor: EditorLauncher?
        if let template = configuration.editorCommand {
            guard
                let project = PathResolver(
                    root: configuration.projectFolder, denyList: DenyList(allowDotfiles: configuration.allowDotfiles))
            else {
                throw DevServeError("the project folder does not exist: \(configuration.projectFolder)")
            }
            editor = EditorLauncher(command: try EditorCommand(template), project: project)
        } else {
            editor = nil
        }

        let screen = RequestScreen(
            hosts: HostPolicy(boundHost: configuration.host, allowedHosts: configuration.allowedHosts), fetch: FetchPolicy())
        let hub = self.hub
        let webSockets =
            configuration.proxies.isEmpty
            ? nil
            : WebSocketTunnel.Configuration(
                routes: configuration.proxies, screen: screen, handshakeTimeout: configuration.requestTimeout,
                extraHeaders: configuration.responseHeaders)
        let eventStream: @Sendable () -> EventStreamHandler = { [headers = configuration.responseHeaders] in
            EventStreamHandler(hub: hub, screen: screen, extraHeaders: headers)
        }
        let server: HTTPServerBuilder =
            if let identity = configuration.tls {
                try .devServeTLS(
                    identity: identity, requestTimeout: configuration.requestTimeout, eventStream: eventStream, webSockets: webSockets)
            } else {
                .devServe(
                    configuration: .init(idleTimeout: .init(configuration.requestTimeout)),
                    requestTimeout: configuration.requestTimeout, eventStream: eventStream, webSockets: webSockets)
            }
        let scheme = configuration.tls == nil ? "http" : "https"
        let app = Application(
            router: makeRouter(
                screen: screen, resolver: resolver, paths: paths, window: window, outputs: outputs, files: files,
                modules: modules, proxyClient: proxyClient, editor: editor),
            server: server,
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: nil),
            services: [PipelineService(pipeline: pipeline, watcher: watcher, hub: hub)],
            onServerRunning: { channel in
                let port = channel.localAddress?.port ?? configuration.port
                let host = configuration.host.contains(":") ? "[\(configuration.host)]" : configuration.host
                await onListening("\(scheme)://\(host):\(port)/")
                serverListens.finish()
            },
            logger: logger)
        do {
            try await withGracefulShutdownHandler {
                try await app.run()
            } onGracefulShutdown: {
                // Ends the event streams and proxied responses, which would otherwise keep the
                // server from stopping (a backend's event stream may stay open for good).
                hub.shutDown()
                proxyClient?.shutdown { _ in }
            }
        } catch {
            try? await proxyClient?.shutdown()
            throw error
        }
        try? await proxyClient?.shutdown()
    }

    /// The client that forwards proxied requests.
    private static func makeProxyClient() -> HTTPClient {
        HTTPClient(eventLoopGroupProvider: .singleton, configuration: proxyClientConfiguration)
    }

    /// No redirects followed, no timeout on reading (a backend's event stream may stay quiet for
    /// long), 5 s to connect, and a refused connection is not tried again: the HTTP client's
    /// default retries it until the connect timeout, so a backend that is down took 5 s to get
    /// its 502, where it is known at once (and a backend still starting is not helped by a retry
    /// that gives up anyway).
    static var proxyClientConfiguration: HTTPClient.Configuration {
        var configuration = HTTPClient.Configuration()
        configuration.redirectConfiguration = .disallow
        configuration.timeout = .init(connect: .seconds(5), read: nil)
        configuration.decompression = .disabled
        configuration.connectionPool.retryConnectionEstablishment = false
        return configuration
    }

    private func makeRouter(
        screen: RequestScreen, resolver: PathResolver, paths: ProjectPaths, window: BuildWindow, outputs: OutputTracker,
        files: FileCache, modules: ModuleGraph, proxyClient: HTTPClient?, editor: EditorLauncher?
    ) -> Router<DevServeRequestContext> {
        let router = Router(context: DevServeRequestContext.self)
        router.add(middleware: SecurityMiddleware(screen: screen, extraHeaders: configuration.responseHeaders))
        if let proxyClient {
            router.add(middleware: ProxyMiddleware(routes: configuration.proxies, client: proxyClient))
        }
        if configuration.buildCommand != nil {
            router.add(middleware: BuildHoldMiddleware(window: window, paths: paths, timeout: configuration.holdTimeout))
        }
        if let origin = configuration.corsOrigin {
            router.add(
                middleware: CORSMiddleware(
                    allowOrigin: .custom(origin), allowHeaders: [.accept, .contentType, .range],
                    allowMethods: [.get, .head, .options], allowCredentials: false))
        }
        // One for the three responders, so their gzip bytes share one bounded cache.
        let compression = ResponseCompression(isEnabled: configuration.compress)
        let pages = PageResponder(
            injector: configuration.injectClient ? HTMLInjector() : nil,
            lastGoodPage: { [hub] in hub.lastBuildFailed ? outputs.lastGoodPage($0) : nil }, paths: paths,
            compression: compression)
        if let fallback = configuration.fallbackPage {
            let page = "/" + fallback.drop { $0 == "/" }
            router.add(middleware: SPAFallbackMiddleware(page: page, resolver: resolver, pages: pages))
        }
        if configuration.injectClient {
            router.add(middleware: HTMLInjectionMiddleware(resolver: resolver, pages: pages))
        }
        if configuration.directoryListing {
            router.add(middleware: DirectoryListingMiddleware(resolver: resolver, pages: pages))
        }
        if configuration.hotModules {
            router.add(middleware: ModuleResponder(resolver: resolver, cache: files, graph: modules, compression: compression))
        }
        router.add(middleware: FileResponder(resolver: resolver, cache: files, compression: compression))
        let rebuild = rebuildContinuation
        HMRRoutes(
            hub: hub, rebuild: { rebuild.yield() }, editor: editor,
            frames: FrameMapper(resolver: resolver, paths: paths, cache: files), reports: ReportBudget()
        ).register(on: router)
        return router
    }

    /// The project's folders, resolved. With a build command, a served folder that does not
    /// exist yet is created (the build makes it: `devserve public --build "hugo -d public"` on a
    /// fresh checkout); without one, it is an error naming the folder.
    private static func paths(of configuration: DevServeConfiguration) throws(DevServeError) -> ProjectPaths {
        if configuration.buildCommand != nil, !FileManager.default.fileExists(atPath: configuration.root) {
            do {
                try FileManager.default.createDirectory(atPath: configuration.root, withIntermediateDirectories: true)
            } catch {
                throw DevServeError("the folder to serve does not exist and could not be made: \(configuration.root)")
            }
        }
        guard Self.isFolder(configuration.root) else {
            if FileManager.default.fileExists(atPath: configuration.root) {
                throw DevServeError("the folder to serve is a file, not a folder: \(configuration.root)")
            }
            throw DevServeError(
                "the folder to serve does not exist: \(configuration.root) (with --build, the build may make it)")
        }
        guard let paths = ProjectPaths.resolving(project: configuration.projectFolder, served: configuration.root) else {
            throw DevServeError("the project folder does not exist: \(configuration.projectFolder)")
        }
        return paths
    }

    private static func isFolder(_ path: String) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue
    }
}

/// Runs the pipeline next to the HTTP server, and ends the event streams when it stops.
struct PipelineService<C: Clock>: Service where C.Duration == Duration {
    let pipeline: Pipeline<C>
    let watcher: any FileWatcher
    let hub: EventHub

    func run() async throws {
        defer {
            hub.shutDown()
            watcher.stop()
        }
        try? await cancelWhenGracefulShutdown {
            try await withThrowingDiscardingTaskGroup { group in
                group.addTask { try await pipeline.run() }
                group.addTask { try await hub.sendHeartbeats() }
            }
        }
    }
}

/// The request context of devserve's router: Hummingbird's basics plus the client's address
/// (for `X-Forwarded-For`).
public struct DevServeRequestContext: RemoteAddressRequestContext {
    /// Hummingbird's per-request storage.
    public var coreContext: CoreRequestContextStorage
    /// The address of the connection's other end.
    public let remoteAddress: SocketAddress?

    /// The context of one request on one connection.
    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
    }
}

/// A configuration problem, with a one-line message for the user.
public struct DevServeError: Error, CustomStringConvertible, Sendable {
    /// The message.
    public let description: String
    /// An error with a one-line message.
    public init(_ description: String) { self.description = description }
}
