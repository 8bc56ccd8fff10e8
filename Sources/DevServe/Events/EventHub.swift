import Foundation
import NIOCore
import Synchronization

/// Publishes pipeline events to every `/__hmr` client and local subscriber: the fourth stage.
///
/// Each event is encoded once and handed to every client. A bounded history lets a client that
/// reconnects with `Last-Event-ID` catch up; a client that falls too far behind is disconnected
/// (its browser reconnects and catches up from the history) rather than buffered without bound.
public final class EventHub: Sendable {
    /// New on every start: a client that sees another instance knows the server restarted.
    public let instance: String
    /// How often clients get a `heartbeat` event.
    public let heartbeatInterval: Duration
    /// Messages a slow client may have queued before it is disconnected.
    public static let clientBufferLimit = 256
    /// Events kept for `Last-Event-ID` replay.
    public let historyLimit: Int
    /// The reconnection delay suggested to browsers (`retry:`), in milliseconds.
    public static let retryMilliseconds = 1000
    /// Clients connected at once; past it, `/__hmr` answers 503.
    public let maxClients: Int

    private struct State {
        var lastID = 0
        var history: [(id: Int, message: ByteBuffer)] = []
        var status = BuildStatus.idle
        var clients: [Int: AsyncStream<ByteBuffer>.Continuation] = [:]
        var subscribers: [Int: AsyncStream<DevServerEvent>.Continuation] = [:]
        var nextToken = 0
        var isShutDown = false
    }

    private let state = Mutex(State())
    private static let heartbeatMessage = ByteBuffer(string: SSEMessage(event: "heartbeat", data: "{}").encoded)
    private static let shutdownMessage = ByteBuffer(string: SSEMessage(event: "shutdown", data: "{}").encoded)

    /// A hub with no clients; `maxClients` bounds `/__hmr` streams.
    public init(heartbeatInterval: Duration = .seconds(5), historyLimit: Int = 256, maxClients: Int = 1024) {
        self.instance = UUID().uuidString.lowercased()
        self.heartbeatInterval = heartbeatInterval
        self.historyLimit = historyLimit
        self.maxClients = maxClients
    }

    /// The current status.
    public var status: BuildStatus { state.withLock { $0.status } }

    /// The number of connected `/__hmr` clients.
    public var clientCount: Int { state.withLock { $0.clients.count } }

    /// Publishes an event, giving it the next id, and returns it.
    @discardableResult
    public func publish(
        _ kind: DevServerEvent.Kind, changed: [String], durationMs: Int? = nil, exitCode: Int32? = nil,
        output: String? = nil, outputs: [String]? = nil, diagnostics: [Diagnostic]? = nil
    ) -> DevServerEvent {
        publish { id in
            DevServerEvent(
                kind: kind, id: id, changed: changed, durationMs: durationMs, exitCode: exitCode, output: output,
                outputs: outputs, diagnostics: diagnostics)
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

    /// Names a custom event cannot take: the events of the stream and of the page API.
    public static let reservedNames: Set<String> = [
        "hello", "heartbeat", "shutdown", "building", "built", "error", "custom", "connected", "disconnected", "message", "open",
    ]

    private func publish(_ make: (Int) -> DevServerEvent) -> DevServerEvent {
        let (event, dropped) = state.withLock { state in
            state.lastID += 1
            let event = make(state.lastID)
            let message = ByteBuffer(
                string: SSEMessage(event: event.kind.rawValue, data: event.json, id: eventID(event.id)).encoded)
            state.status = state.status.applying(event)
            state.history.append((event.id, message))
            if state.history.count > historyLimit { state.history.removeFirst(state.history.count - historyLimit) }
            let dropped = broadcast(message, in: &state)
            for subscriber in state.subscribers.values { subscriber.yield(event) }
            return (event, dropped)
        }
        for client in dropped { client.finish() }
        return event
    }

    /// Sends a heartbeat to every client.
    public func sendHeartbeat() {
        let dropped = state.withLock { broadcast(Self.heartbeatMessage, in: &$0) }
        for client in dropped { client.finish() }
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

    /// A new `/__hmr` client: what to send first (`retry:`, `hello`, and the events it missed when
    /// `lastEventID` names one still in the history) and the stream of what follows; nil when
    /// ``maxClients`` are connected already.
    func connect(lastEventID: String?) -> (first: ByteBuffer, rest: AsyncStream<ByteBuffer>, token: Int)? {
        let (stream, continuation) = AsyncStream.makeStream(
            of: ByteBuffer.self, bufferingPolicy: .bufferingOldest(Self.clientBufferLimit))
        let accepted = state.withLock { state -> (ByteBuffer, Int)? in
            guard state.clients.count < maxClients else { return nil }
            var text = "retry: \(Self.retryMilliseconds)\n\n"
            let hello = HelloPayload(instance: instance, heartbeatMs: Int(heartbeatInterval / .milliseconds(1)), state: state.status)
            var first = ByteBuffer()
            if let missed = replay(after: lastEventID, in: state) {
                text += SSEMessage(event: "hello", data: JSON.encode(hello)).encoded
                first.writeString(text)
                for message in missed { first.writeImmutableBuffer(message) }
            } else {
                text += SSEMessage(event: "hello", data: JSON.encode(hello), id: eventID(state.lastID)).encoded
                first.writeString(text)
            }
            state.nextToken += 1
            if state.isShutDown {
                first.writeImmutableBuffer(Self.shutdownMessage)
                continuation.finish()
            } else {
                state.clients[state.nextToken] = continuation
            }
            return (first, state.nextToken)
        }
        guard let (first, token) = accepted else {
            continuation.finish()
            return nil
        }
        continuation.onTermination = { [weak self] _ in
            self?.state.withLock { _ = $0.clients.removeValue(forKey: token) }
        }
        return (first, stream, token)
    }

    /// Ends one client's stream with a `shutdown` event (the server is stopping).
    func disconnect(_ token: Int) {
        let client = state.withLock { $0.clients.removeValue(forKey: token) }
        client?.yield(Self.shutdownMessage)
        client?.finish()
    }

    /// Ends every stream with a `shutdown` event and refuses new subscribers.
    public func shutDown() {
        let (clients, subscribers) = state.withLock { state in
            state.isShutDown = true
            defer {
                state.clients = [:]
                state.subscribers = [:]
            }
            return (state.clients.values, state.subscribers.values)
        }
        for client in clients {
            client.yield(Self.shutdownMessage)
            client.finish()
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

    /// Sends `message` to every client and returns the clients too slow to take it, removed from
    /// the state: the caller finishes them once the lock is released (finishing runs their
    /// termination handler, which takes the lock). Their browsers reconnect and replay what they
    /// missed from the history.
    private func broadcast(_ message: ByteBuffer, in state: inout State) -> [AsyncStream<ByteBuffer>.Continuation] {
        var dropped: [AsyncStream<ByteBuffer>.Continuation] = []
        for (token, client) in state.clients {
            if case .dropped = client.yield(message) {
                dropped.append(client)
                state.clients[token] = nil
            }
        }
        return dropped
    }
}

/// The data of the `hello` event.
struct HelloPayload: Encodable {
    var instance: String
    var heartbeatMs: Int
    var state: BuildStatus
}
