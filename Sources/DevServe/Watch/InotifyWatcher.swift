import Synchronization

/// Watches folders recursively through inotify (libinotifytools).
///
/// New folders are watched as they appear and everything already in them is reported, renamed
/// folders keep reporting under their new name, removed folders are forgotten, and a queue
/// overflow is reported as ``WatchEvent/overflow``. Ignored paths (see ``WatchFilter``) are never
/// watched or reported. Symbolic links to folders are followed, each folder once.
public final class InotifyWatcher: FileWatcher {
    private static let nextID = Atomic<Int>(1)

    /// The changes under the watched folders.
    public let events: AsyncStream<WatchEvent>
    private let id: Int
    private let hub: InotifyHub
    private let fences = Atomic<UInt64>(0)
    private let continuation: AsyncStream<WatchEvent>.Continuation

    /// Starts watching the filter's folders. Returns once every folder is watched.
    /// - Throws: ``WatchError`` when inotify cannot be used or the watch limit is reached.
    public init(filter: WatchFilter) async throws {
        self.hub = try InotifyHub.shared.get()
        self.id = Self.nextID.wrappingAdd(1, ordering: .relaxed).oldValue
        let (stream, continuation) = AsyncStream.makeStream(of: WatchEvent.self, bufferingPolicy: .unbounded)
        self.events = stream
        self.continuation = continuation
        let subscription = WatchSubscription(id: id, filter: filter, continuation: continuation)
        let hub = self.hub
        let id = self.id
        // However the stream ends (stop(), or its consumer going away), the hub drops the watches.
        continuation.onTermination = { _ in hub.send(.remove(subscriptionID: id)) }
        try await withCheckedThrowingContinuation { (reply: CheckedContinuation<Void, any Error>) in
            hub.send(.add(subscription, reply: { reply.resume(with: $0.mapError { $0 as any Error }) }))
        }
    }

    /// Creates the process's inotify handle now. Call it before opening sockets or files: the
    /// library waits with `select()`, which cannot handle descriptors of 1024 and above.
    @discardableResult
    public static func prepare() -> Result<Void, WatchError> {
        InotifyHub.prepare().map { _ in () }
    }

    /// A marker that arrives in `events` after every change seen so far.
    public func insertFence() -> UInt64 {
        let number = fences.wrappingAdd(1, ordering: .relaxed).newValue
        hub.send(.fence(subscriptionID: id, number: number))
        return number
    }

    /// Stops watching and ends `events`.
    public func stop() {
        continuation.finish()
    }
}
