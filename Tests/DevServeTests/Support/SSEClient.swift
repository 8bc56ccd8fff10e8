import AsyncHTTPClient
import DevServe
import Foundation
import NIOCore
import Synchronization

/// One parsed Server-Sent Event.
struct SSEEvent: Sendable, Equatable {
    var event: String
    var data: String
    var id: String?

    /// The data as a JSON object.
    var json: [String: any Sendable] {
        (try? JSONSerialization.jsonObject(with: Data(data.utf8))) as? [String: any Sendable] ?? [:]
    }

    var changed: [String] { json["changed"] as? [String] ?? [] }

    static func == (lhs: SSEEvent, rhs: SSEEvent) -> Bool {
        lhs.event == rhs.event && lhs.data == rhs.data && lhs.id == rhs.id
    }
}

/// A streaming `/__hmr` client over real HTTP, parsing the wire format as a browser does.
final class SSEClient: Sendable {
    let response: HTTPClientResponse
    private let stream: AsyncThrowingStream<SSEEvent, any Error>
    private let iterator: Mutex<AsyncThrowingStream<SSEEvent, any Error>.AsyncIterator?>
    private let reader: Task<Void, Never>
    /// The `retry:` value seen, if any.
    let retry = Locked<Int?>(nil)

    private init(response: HTTPClientResponse) {
        self.response = response
        let (stream, continuation) = AsyncThrowingStream.makeStream(of: SSEEvent.self)
        self.stream = stream
        self.iterator = Mutex(stream.makeAsyncIterator())
        let retry = self.retry
        self.reader = Task {
            var parser = SSEParser()
            do {
                for try await buffer in response.body {
                    let events = parser.feed(String(buffer: buffer))
                    // Before the events, so that whoever has an event also sees the `retry:` before it.
                    if let value = parser.retry { retry.set(value) }
                    for event in events { continuation.yield(event) }
                }
                continuation.finish()
            } catch {
                continuation.finish(throwing: error)
            }
        }
    }

    static func connect(_ url: String, lastEventID: String?) async throws -> SSEClient {
        var request = HTTPClientRequest(url: url)
        if let lastEventID { request.headers.add(name: "Last-Event-ID", value: lastEventID) }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        return SSEClient(response: response)
    }

    /// The next event (heartbeats included), or nil when the stream ended.
    func next(within limit: Duration = .seconds(20), _ what: String = "an event") async throws -> SSEEvent? {
        let box = UnsafeIterator(iterator: iterator.withLock { $0.take() })
        defer { iterator.withLock { $0 = box.iterator } }
        return try await withTimeout(limit, "waiting for \(what) on /__hmr") {
            try await box.next()
        }
    }

    /// The next event other than a heartbeat, or nil when the stream ended. A heartbeat can come
    /// at any moment on a loaded machine (a clean CI clone once got one in place of `built`).
    func nextSkippingHeartbeats(within limit: Duration = .seconds(20), _ what: String = "an event") async throws -> SSEEvent? {
        let deadline = ContinuousClock.now + limit
        while true {
            guard let event = try await next(within: deadline - .now, what) else { return nil }
            if event.event != "heartbeat" { return event }
        }
    }

    /// The next event named `name`, skipping heartbeats; fails on any other event.
    func expect(_ name: String, within limit: Duration = .seconds(20)) async throws -> SSEEvent {
        let deadline = ContinuousClock.now + limit  // for the whole wait, heartbeats included
        while true {
            guard let event = try await next(within: deadline - .now, "`\(name)`") else {
                throw TestFailure("/__hmr ended while waiting for `\(name)`")
            }
            if event.event == "heartbeat" { continue }
            guard event.event == name else {
                throw TestFailure("expected `\(name)` on /__hmr, got `\(event.event)`: \(event.data)")
            }
            return event
        }
    }

    /// The next event named `name`, skipping heartbeats and the events named in `skipping`
    /// (for example a build started by a trailing event of an earlier write); fails on any other.
    func expect(_ name: String, skipping: Set<String>, within limit: Duration = .seconds(20)) async throws -> SSEEvent {
        let deadline = ContinuousClock.now + limit
        while true {
            guard let event = try await next(within: deadline - .now, "`\(name)`") else {
                throw TestFailure("/__hmr ended while waiting for `\(name)`")
            }
            if event.event == name { return event }
            if event.event == "heartbeat" || skipping.contains(event.event) { continue }
            throw TestFailure("expected `\(name)` on /__hmr, got `\(event.event)`: \(event.data)")
        }
    }

    /// Waits for one whole build (`building`, then `built`) and returns the `built` event.
    func expectBuild(within limit: Duration = .seconds(20)) async throws -> SSEEvent {
        _ = try await expect("building", within: limit)
        return try await expect("built", within: limit)
    }

    /// Collects the changed paths of successive builds until `wanted` have all been seen (or
    /// `limit` passes), and waits for that build to end; returns every path seen and the number
    /// of builds.
    func collectChanges(until wanted: Set<String>, within limit: Duration = .seconds(20)) async throws -> (Set<String>, Int) {
        var seen = Set<String>()
        var builds = 0
        while !wanted.isSubset(of: seen) {
            do {
                let building = try await expect("building", skipping: ["built", "error"], within: limit)
                seen.formUnion(building.changed)
                builds += 1
            } catch {
                throw TestFailure("\(error); never reported: \(wanted.subtracting(seen).sorted())")
            }
        }
        _ = try await expect("built", skipping: ["error"], within: limit)
        return (seen, builds)
    }

    func close() { reader.cancel() }
}

/// Lets the single test task own the iterator across the timeout helper's child task.
private final class UnsafeIterator: @unchecked Sendable {
    var iterator: AsyncThrowingStream<SSEEvent, any Error>.AsyncIterator?
    init(iterator: AsyncThrowingStream<SSEEvent, any Error>.AsyncIterator?) { self.iterator = iterator }
    func next() async throws -> SSEEvent? { try await iterator?.next() }
}

/// The `text/event-stream` parser of the WHATWG spec, enough for tests.
struct SSEParser {
    private var pending = ""
    private var event = ""
    private var data: [String] = []
    private var id: String?
    private(set) var retry: Int?
    private(set) var comments: [String] = []

    mutating func feed(_ text: String) -> [SSEEvent] {
        pending += text
        var events: [SSEEvent] = []
        while let newline = pending.firstIndex(of: "\n") {
            let line = String(pending[..<newline])
            pending = String(pending[pending.index(after: newline)...])
            if line.isEmpty {
                if !data.isEmpty {
                    events.append(SSEEvent(event: event.isEmpty ? "message" : event, data: data.joined(separator: "\n"), id: id))
                }
                event = ""
                data = []
                continue
            }
            if line.hasPrefix(":") {
                comments.append(String(line.dropFirst()))
                continue
            }
            let (field, value) = line.firstIndex(of: ":").map { index -> (String, String) in
                var value = line[line.index(after: index)...]
                if value.first == " " { value = value.dropFirst() }
                return (String(line[..<index]), String(value))
            } ?? (line, "")
            switch field {
            case "event": event = value
            case "data": data.append(value)
            case "id": id = value
            case "retry": retry = Int(value)
            default: break
            }
        }
        return events
    }
}

/// A value shared between tasks of a test.
final class Locked<Value: Sendable>: Sendable {
    private let mutex: Mutex<Value>
    init(_ value: Value) { mutex = Mutex(value) }
    var value: Value { mutex.withLock { $0 } }
    func set(_ value: Value) { mutex.withLock { $0 = value } }
}
