import Synchronization

/// Watches with inotify, and polls instead when inotify's watch limit is reached, at start or
/// later (a new folder past the limit), so devserve keeps working instead of dying.
///
/// The switch is announced with a ``WatchEvent/warning(_:)`` naming the limit, followed by
/// ``WatchEvent/overflow`` (changes may have been missed while switching). Fences asked for
/// before the switch are delivered right after it.
public final class FallbackWatcher: FileWatcher {
    private struct State {
        var inner: any FileWatcher
        /// Inner fence number → our fence number, for the current inner watcher.
        var fences: [UInt64: UInt64] = [:]
        var nextFence: UInt64 = 1
    }

    /// The changes, from inotify and then, past its limit, from polling.
    public let events: AsyncStream<WatchEvent>
    private let continuation: AsyncStream<WatchEvent>.Continuation
    private let state: Mutex<State>
    private let filter: WatchFilter
    private let pollInterval: Duration
    private let forwarding = Mutex<Task<Void, Never>?>(nil)

    /// Starts with inotify, or with polling when the limit is reached already.
    /// - Throws: ``WatchError`` when inotify fails for another reason.
    public init(filter: WatchFilter, pollInterval: Duration) async throws {
        (events, continuation) = AsyncStream.makeStream(of: WatchEvent.self, bufferingPolicy: .unbounded)
        self.filter = filter
        self.pollInterval = pollInterval
        var warning: String?
        let inner: any FileWatcher
        do {
            inner = try await InotifyWatcher(filter: filter)
        } catch let error as WatchError where error.isWatchLimit {
            warning = Self.fallbackMessage(error.description, pollInterval)
            inner = await PollingWatcher(filter: filter, interval: pollInterval)
        }
        state = Mutex(State(inner: inner))
        if let warning { continuation.yield(.warning(warning)) }
        forward(inner)
        continuation.onTermination = { [weak self] _ in
            guard let self else { return }
            state.withLock { $0.inner }.stop()
            forwarding.withLock { $0 }?.cancel()
        }
    }

    /// A marker that arrives in `events` after every change seen so far.
    public func insertFence() -> UInt64 {
        state.withLock { state in
            let number = state.nextFence
            state.nextFence += 1
            state.fences[state.inner.insertFence()] = number
            return number
        }
    }

    /// Stops watching and ends `events`.
    public func stop() {
        continuation.finish()
    }

    private func forward(_ inner: any FileWatcher) {
        let task = Task { [self] in
            for await event in inner.events {
                switch event {
                case .fence(let number):
                    if let ours = state.withLock({ $0.fences.removeValue(forKey: number) }) {
                        continuation.yield(.fence(ours))
                    }
                case .limitReached(let message):
                    await switchToPolling(message)
                    return
                default:
                    continuation.yield(event)
                }
            }
        }
        forwarding.withLock { $0 = task }
    }

    private func switchToPolling(_ message: String) async {
        let poller = await PollingWatcher(filter: filter, interval: pollInterval)
        let (old, pending) = state.withLock { state in
            defer {
                state.inner = poller
                state.fences = [:]
            }
            return (state.inner, state.fences.values.sorted())
        }
        old.stop()
        continuation.yield(.warning(Self.fallbackMessage(message, pollInterval)))
        continuation.yield(.overflow)
        for fence in pending { continuation.yield(.fence(fence)) }
        forward(poller)
    }

    private static func fallbackMessage(_ message: String, _ interval: Duration) -> String {
        "\(message); polling every \(Int(interval / .milliseconds(1))) ms instead"
    }
}
