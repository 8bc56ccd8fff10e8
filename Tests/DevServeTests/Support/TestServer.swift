import AsyncHTTPClient
import DevServe
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import ServiceLifecycle
import Testing

/// The repository's top folder, for fixtures and `client-js/`.
let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent()

/// A temporary copy of a fixture, removed by `remove()`.
struct FixtureCopy {
    let folder: URL

    init(_ name: String) throws {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("devserve-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: base, withIntermediateDirectories: true)
        folder = base.appendingPathComponent(name)
        try FileManager.default.copyItem(at: repositoryRoot.appendingPathComponent("Fixtures/\(name)"), to: folder)
    }

    /// An empty project folder (named `project`), with `files` written into it; in memory
    /// (`/dev/shm`, where it exists) when asked, for tests that write faster than a disk's
    /// journal allows (on ext4 a truncating write can take a millisecond).
    init(files: [String: String], inMemory: Bool = false) throws {
        let shm = URL(fileURLWithPath: "/dev/shm")
        let temporary = inMemory && FileManager.default.isWritableFile(atPath: shm.path) ? shm : FileManager.default.temporaryDirectory
        let base = temporary.appendingPathComponent("devserve-test-\(UUID().uuidString)")
        folder = base.appendingPathComponent("project")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        for (path, text) in files { try write(path, text) }
    }

    var path: String { folder.resolvingSymlinksInPath().path }

    /// A folder next to the project (outside it), created empty.
    func sibling(_ name: String) throws -> String {
        let url = folder.resolvingSymlinksInPath().deletingLastPathComponent().appendingPathComponent(name)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url.path
    }

    func url(_ relative: String) -> URL { URL(fileURLWithPath: path).appendingPathComponent(relative) }

    func write(_ relative: String, _ text: String) throws {
        let url = url(relative)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: url)
    }

    func read(_ relative: String) throws -> String {
        try String(contentsOf: url(relative), encoding: .utf8)
    }

    func remove() {
        try? FileManager.default.removeItem(at: folder.deletingLastPathComponent())
    }
}

/// A real devserve on a free port, over a fixture copy; stopped by `stop()`.
struct TestServer {
    let server: DevServer
    let url: String
    let group: ServiceGroup
    let task: Task<Void, any Error>

    /// Starts a server and waits (bounded) until it listens.
    static func start(_ configuration: DevServeConfiguration) async throws -> TestServer {
        var configuration = configuration
        configuration.port = 0
        configuration.buildEcho = .none
        let (urls, continuation) = AsyncStream.makeStream(of: String.self)
        let server = DevServer(configuration: configuration) { continuation.yield($0) }
        let group = ServiceGroup(services: [server], logger: Logger(label: "test"))
        let task = Task {
            defer { continuation.finish() }
            try await group.run()
        }
        let url = try await withTimeout(.seconds(30), "the server did not start listening") {
            var iterator = urls.makeAsyncIterator()
            guard let url = await iterator.next() else {
                try await task.value
                throw TestFailure("the server stopped before listening")
            }
            return url
        }
        return TestServer(server: server, url: url, group: group, task: task)
    }

    /// Starts a server, runs `body` with it and stops it, whether `body` succeeds or throws.
    static func with(_ configuration: DevServeConfiguration, _ body: (TestServer) async throws -> Void) async throws {
        let server = try await start(configuration)
        do {
            try await body(server)
        } catch {
            await server.stop()
            throw error
        }
        await server.stop()
    }

    /// Runs `body` with a server over a fresh copy of `Fixtures/site`, configured by `configure`.
    static func withSite(
        _ configure: (inout DevServeConfiguration) -> Void = { _ in },
        _ body: (TestServer, FixtureCopy) async throws -> Void
    ) async throws {
        let site = try FixtureCopy("site")
        defer { site.remove() }
        var configuration = DevServeConfiguration(root: site.path, projectFolder: site.path)
        configure(&configuration)
        try await with(configuration) { try await body($0, site) }
    }

    /// Stops the server gracefully, as SIGTERM does; cancels it if that takes too long.
    func stop() async {
        await group.triggerGracefulShutdown()
        let task = self.task
        do {
            // Awaiting a task's value ignores cancellation: at the time limit, cancel the server
            // itself, so a server that does not stop fails the test instead of hanging it.
            _ = try await withTimeout(.seconds(10), "the server did not stop gracefully") {
                try await withTaskCancellationHandler { try await task.value } onCancel: { task.cancel() }
            }
        } catch {
            Issue.record(error)
        }
    }

    /// GET (or another method) with optional headers; the whole body.
    func fetch(_ path: String, method: HTTPMethod = .GET, headers: [(String, String)] = []) async throws -> (HTTPClientResponse, String) {
        var request = HTTPClientRequest(url: url + path.drop(while: { $0 == "/" }))
        request.method = method
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        let body = try await response.body.collect(upTo: 16 << 20)
        return (response, String(buffer: body))
    }

    /// Opens `/__hmr`.
    func events(lastEventID: String? = nil) async throws -> SSEClient {
        try await SSEClient.connect(url + "__hmr", lastEventID: lastEventID)
    }
}

struct TestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Runs `operation`, failing with `message` if it takes longer than `limit`.
func withTimeout<T: Sendable>(
    _ limit: Duration, _ message: String, _ operation: @escaping @Sendable () async throws -> T
) async throws -> T {
    try await withThrowingTaskGroup(of: T.self) { group in
        group.addTask { try await operation() }
        group.addTask {
            try await Task.sleep(for: limit)
            throw TestFailure("timed out after \(limit): \(message)")
        }
        defer { group.cancelAll() }
        return try await group.next()!
    }
}

/// Waits (bounded, polling every 10 ms) until `condition` holds; for states no event announces.
func waitUntil(_ what: String, within limit: Duration = .seconds(10), _ condition: @escaping @Sendable () -> Bool) async throws {
    _ = try await withTimeout(limit, what) {
        while !condition() { try await Task.sleep(for: .milliseconds(10)) }
    }
}

extension TestServer {
    /// A server over a new project made of `files`: it serves `dist/`, watches the whole project
    /// and runs `build` (a shell command, run in the project). `body` gets an event stream
    /// connected after the start-up build (whose last event, `built` or `error`, is returned in
    /// `startup`).
    static func withProject(
        files: [String: String], build: String, inMemory: Bool = false,
        _ configure: (inout DevServeConfiguration, FixtureCopy) -> Void = { _, _ in },
        _ body: (_ server: TestServer, _ project: FixtureCopy, _ events: SSEClient, _ startup: SSEEvent) async throws -> Void
    ) async throws {
        let project = try FixtureCopy(files: files, inMemory: inMemory)
        defer { project.remove() }
        try FileManager.default.createDirectory(at: project.url("dist"), withIntermediateDirectories: true)
        var configuration = DevServeConfiguration(
            root: project.path + "/dist", watchFolders: [project.path], projectFolder: project.path, buildCommand: build)
        configure(&configuration, project)
        try await with(configuration) { server in
            // Everything after event 0 replays the start-up build, whether it ended yet or not.
            let events = try await server.events(lastEventID: "\(server.server.hub.instance)-0")
            defer { events.close() }
            _ = try await events.expect("hello")
            _ = try await events.expect("building")
            guard let startup = try await events.nextSkippingHeartbeats(within: .seconds(30), "the start-up build's end") else {
                throw TestFailure("/__hmr ended during the start-up build")
            }
            try await body(server, project, events, startup)
        }
    }
}

/// Whether a process is gone (or a zombie, which no longer runs).
func processIsGone(_ pid: Int32) -> Bool {
    guard let status = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8) else { return true }
    guard let close = status.lastIndex(of: ")") else { return true }
    return status[status.index(close, offsetBy: 2)...].hasPrefix("Z")
}
