import Foundation
import NIOCore
import Synchronization

/// Publishes pipeline events to every `/__hmr` client and local subscriber: the fourth stage.
///
/// Each event is encoded once and written to every client by its connection's event loop, one
/// task per loop (``EventStreamClient``). A bounded history lets a client that reconnects with
/// `Last-Event-ID` catch up; a client that falls too far behind (more than 64 KiB unsent) is
/// disconnected (its browser reconnects and catches up from the history) rather than buffered
/// without bound.
public final class EventHub: Sendable {
    /// New on every start: a client that sees another instance knows the server restarted.
    public let instance: String
    /// How often clients get a `heartbeat` event.
    public let heartbeatInterval: Duration
    /// Events kept for `Last-Event-ID` replay.
    public let historyLimit: Int
    /// The reconnection delay suggested to browsers (`retry:`), in milliseconds.
    public static let retryMilliseconds = 1000
    /// At most this much of a failed build's output rides in `hello` (its tail): every new tab
    /// gets a `hello`, and a long log made it megabytes. `GET /__hmr/status` has all of it.
    public static let helloOutputLimit = 16 << 10
    /// Clients connected at once; past it, `/__hmr` answers 503.
    public let maxClients: Int
    /// Whether pages forward `console.error` and `console.warn` (`--forward-console`), as
    /// `hello` tells them.
    public let forwardConsole: Bool

    private struct State {
        var lastID = 0
        var history: [(id: Int, message: ByteBuffer)] = []
        var status = BuildStatus.idle
        /// The clients of each event loop, so a broadcast is one task per loop.
        var loops: [ObjectIdentifier: LoopClients] = [:]
        var clientCount = 0
        var subscribers: [Int: AsyncStream<DevServerEvent>.Continuation] = [:]
        var nextToken = 0
        var isShutDown = false
    }

    /// The clients served by one event loop.
    private struct LoopClients {
        let loop: any EventLoop
        var clients: [Int: any EventStreamClient] = [:]
    }

    private let state = Mutex(State())
    private static let heartbeatMessage = ByteBuffer(string: SSEMessage(event: "heartbeat", data: "{}").encoded)
    private static let shutdownMessage = ByteBuffer(string: SSEMessage(event: "shutdown", data: "{}").encoded)

    /// A hub with no clients; `maxClients` bounds `/__hmr` streams.
    public init(
        heartbeatInterval: Duration = .seconds(5), historyLimit: Int = 256, maxClients: Int = 1024, forwardConsole: Bool = false
    ) {
        self.instance = UUID().uuidString.lowercased()
        self.heartbeatInterval = heartbeatInterval
        self.historyLimit = historyLimit
        self.maxClients = maxClients
        self.forwardConsole = forwardConsole
    }

    /// The status as the published events tell it (what `hello` and `/__hmr/status` say; the
    /// running build itself is ``BuildWindow``'s to know). Its `error` is set from a failed
    /// build until one succeeds: the one record of "the last build failed".
    public var status: BuildStatus { state.withLock { $0.status } }

    /// Whether the last build failed (and none has succeeded since).
    var lastBuildFailed: Bool { state.withLock { $0.status.error != nil } }

    /// The number of connected `/__hmr` clients.
    public var clientCount: Int { state.withLock { $0.clientCount } }

    /// Publishes an event, giving it the next id, and returns it.
    @discardableResult
    public func publish(
        _ kind: DevServerEvent.Kind, changed: [String], durationMs: Int? = nil, exitCode: Int32? = nil,
        output: String? = nil, outputs: [String]? = nil, diagnostics: [Diagnostic]? = nil, hot: HotUpdate? = nil
    ) -> DevServerEvent {
        publish { id in
            DevServerEvent(
                kind: kind, id: id, changed: changed, durationMs: durationMs, exitCode: exitCode, output: output,
                outputs: outputs, diagnostics: diagnostics, hot: hot)
        }
    }

    /// Publishes a custom event: pages receive `detail` through `devserve.on(name, fn)` (and a
    /// `devserve:NAME` window event), editors and ``subscribe()`` see it as a `custom` event. It
    /// does not change the build status.
    /// - Parameters:
    ///   - name: lowercase letters, digits and `-`, starting with a letter or digit, and not one
    ///     of the built-in event names (``reservedNames``).
    ///   - detail: any value JSON can encode.
    /// - Throws: ``DevServeError`` for a bad name.
    @discardableResult
    public func publish(custom name: String, detail: some Encodable) throws(DevServeError) -> DevServerEvent {
        guard name.wholeMatch(of: /[a-z0-9][a-z0-9-]*/) != nil, !Self.reservedNames.contains(name) else {
            throw DevServeError(
                "a custom event name is lowercase letters, digits and -, and not one of \(Self.reservedNames.sorted().joined(separator: ", ")); not \(name)")
        }
        let detail = JSON.encode(detail)
        return publish { id in DevServerEvent(kind: .custom, id: id, changed: [], name: name, detail: detail) }
    }

    /// Publishes an error a page reported: every stream gets a `browser-error` event (editors
    /// follow it; pages ignore it). It does not change the build status.
    @discardableResult
    func publish(_ browserError: BrowserError) -> DevServerEvent {
        publish { id in DevServerEvent(kind: .browserError, id: id, changed: [], browserError: browserError) }
    }

    /// Names a custom event cannot take: the events of the stream and of the page API.
    public static let reservedNames: Set<String> = [
        "hello", "heartbeat", "shutdown", "building", "built", "error", "custom", "connected", "disconnected", "message", "open",
        "browser-error",
    ]

    private func publish(_ make: (Int) -> DevServerEvent) -> DevServerEvent {
        state.withLock { state in
            state.lastID += 1
            let event = make(state.lastID)
            let message = ByteBuffer(
                string: SSEMessage(event: event.kind.rawValue, data: event.json, id: eventID(event.id)).encoded)
            state.status = state.status.applying(event)
            state.history.append((event.id, message))
            if state.history.count > historyLimit { state.history.removeFirst(state.history.count - historyLimit) }
            broadcast(message, in: state)
            for subscriber in state.subscribers.values { subscriber.yield(event) }
            return event
        }
    }

    /// Sends a heartbeat to every client.
    public func sendHeartbeat() {
        state.withLock { broadcast(Self.heartbeatMessage, in: $0) }
    }

    /// Sends a heartbeat every ``heartbeatInterval`` until cancelled, so clients (and proxies
    /// between them and devserve) can tell a quiet stream from a dead one.
    func sendHeartbeats() async throws {
        while true {
            try await Task.sleep(for: heartbeatInterval)
            sendHeartbeat()
        }
    }

    /// Events as they are published, for editors, the command line and embedders.
    public func subscribe() -> AsyncStream<DevServerEvent> {
        let (stream, continuation) = AsyncStream.makeStream(of: DevServerEvent.self)
        let token = state.withLock { state -> Int? in
            guard !state.isShutDown else { return nil }
            state.nextToken += 1
            state.subscribers[state.nextToken] = continuation
            return state.nextToken
        }
        guard let token else {
            continuation.finish()
            return stream
        }
        continuation.onTermination = { [weak self] _ in
            self?.state.withLock { _ = $0.subscribers.removeValue(forKey: token) }
        }
        return stream
    }

    /// Adds a `/__hmr` client. Call it on the client's event loop, then write the response head
    /// at once: the client is sent `hello` with `retry:` (or the events it missed, when
    /// `lastEventID` names one still in the history) right after the head, then every event.
    /// Returns the client's token for ``remove(_:)``, or nil when ``maxClients`` are connected.
    func connect(_ connection: some EventStreamClient, lastEventID: String?) -> Int? {
        state.withLock { state -> Int? in
            guard state.clientCount < maxClients else { return nil }
            // `retry:` rides in hello's own block: a block of its own is an empty message to
            // some clients (httpx-sse yields it as an event).
            let hello = JSON.encode(
                HelloPayload(
                    instance: instance, heartbeatMs: Int(heartbeatInterval / .milliseconds(1)),
                    state: state.status.withOutputTail(Self.helloOutputLimit), forwardConsole: forwardConsole))
            var first = ByteBuffer()
            if let missed = replay(after: lastEventID, in: state) {
                first.writeString(SSEMessage(event: "hello", data: hello, retry: Self.retryMilliseconds).encoded)
                for message in missed { first.writeImmutableBuffer(message) }
            } else {
                first.writeString(
                    SSEMessage(event: "hello", data: hello, id: eventID(state.lastID), retry: Self.retryMilliseconds).encoded)
            }
            let isShutDown = state.isShutDown
            if isShutDown { first.writeImmutableBuffer(Self.shutdownMessage) }
            // Queued while the lock is held, so it reaches the loop before any later broadcast, and
            // after the head the caller writes in the meantime.
            let greeting = first
            connection.eventLoop.execute {
                _ = connection.send(greeting)
                if isShutDown { connection.finish() }
            }
            state.nextToken += 1
            if !isShutDown {
                let key = ObjectIdentifier(connection.eventLoop)
                state.loops[key, default: LoopClients(loop: connection.eventLoop)].clients[state.nextToken] = connection
                state.clientCount += 1
            }
            return state.nextToken
        }
    }

    /// Forgets a client whose connection has closed.
    func remove(_ token: Int) {
        state.withLock { state in
            // Over a copy of the keys: iterating the dictionary's own `keys` would keep its storage
            // shared, and the removal would copy the loop's whole client list.
            for key in Array(state.loops.keys) where state.loops[key]?.clients.removeValue(forKey: token) != nil {
                state.clientCount -= 1
                return
            }
        }
    }

    /// Ends every stream with a `shutdown` event and refuses new subscribers. A client that
    /// connects afterwards gets `hello` and `shutdown` at once, and its browser knows to wait
    /// for the restart.
    public func shutDown() {
        let subscribers = state.withLock { state in
            state.isShutDown = true
            for group in state.loops.values where !group.clients.isEmpty {
                let clients = group.clients
                group.loop.execute {
                    for client in clients.values {
                        _ = client.send(Self.shutdownMessage)
                        client.finish()
                    }
                }
            }
            defer {
                state.loops = [:]
                state.clientCount = 0
                state.subscribers = [:]
            }
            return state.subscribers.values
        }
        for subscriber in subscribers { subscriber.finish() }
    }

    // MARK: Helpers

    private func eventID(_ number: Int) -> String { "\(instance)-\(number)" }

    /// The messages after `lastEventID`, or nil when it is missing, from another instance, or
    /// older than the history.
    private func replay(after lastEventID: String?, in state: State) -> [ByteBuffer]? {
        guard let lastEventID, let dash = lastEventID.lastIndex(of: "-"),
            lastEventID[..<dash] == instance, let number = Int(lastEventID[lastEventID.index(after: dash)...]),
            number <= state.lastID
        else { return nil }
        if number == state.lastID { return [] }
        guard let oldest = state.history.first?.id, number >= oldest - 1 else { return nil }
        return state.history.filter { $0.id > number }.map(\.message)
    }

    /// Sends `message` to every client: one task per event loop writes it to that loop's clients
    /// and closes those too slow to take it. Their handlers then remove them, and their
    /// browsers reconnect and replay what they missed from the history. Called with the lock held,
    /// so each loop gets the messages in the order of their ids.
    private func broadcast(_ message: ByteBuffer, in state: State) {
        for group in state.loops.values where !group.clients.isEmpty {
            let clients = group.clients  // copy-on-write: no copy unless a client comes or goes meanwhile
            group.loop.execute {
                for client in clients.values where !client.send(message) {
                    client.close()
                }
            }
        }
    }
}

/// The data of the `hello` event.
struct HelloPayload: Encodable {
    var instance: String
    var heartbeatMs: Int
    var state: BuildStatus
    /// Whether the page should report `console.error` and `console.warn` too.
    var forwardConsole: Bool
}
