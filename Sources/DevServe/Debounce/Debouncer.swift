import Synchronization

/// Merges a burst of changes into one batch, due a fixed interval after the last change in it
/// (a trailing debounce), or at the latest `maxWait` after the first one, so a writer that never
/// pauses cannot starve the build.
///
/// Changes go in with ``add(_:)`` from any task; the one consumer pulls batches with ``next()``.
/// Because batches are pulled, changes that arrive while the consumer is busy (building) pile up
/// into a single batch that is ready as soon as the consumer asks again: no change is lost and no
/// two builds overlap.
public final class Debouncer<C: Clock>: Sendable where C.Duration == Duration {
    private struct State {
        var batch = ChangeBatch()
        var deadline: C.Instant?
        var latest: C.Instant?
        var waiter: CheckedContinuation<Void, Never>?
    }

    private let interval: Duration
    private let maxWait: Duration?
    private let clock: C
    private let state = Mutex(State())

    /// - Parameters:
    ///   - interval: how long after the last change a batch is due.
    ///   - maxWait: how long after its first change a batch is due at the latest; nil: no limit.
    ///   - clock: the clock to wait on; tests pass a manual one.
    public init(interval: Duration, maxWait: Duration? = nil, clock: C) {
        self.interval = interval
        self.maxWait = maxWait.map { max($0, interval) }
        self.clock = clock
    }

    /// Adds a change and pushes the batch's deadline back to `interval` from now (but not past
    /// `maxWait` after the batch's first change).
    public func add(_ path: String, _ change: FileChange = .modified) {
        record { $0.insert(path, change) }
    }

    /// Records that anything may have changed (events were lost).
    public func addEverything() {
        record { $0.markEverything() }
    }

    private func record(_ change: (inout ChangeBatch) -> Void) {
        let now = clock.now
        let waiter = state.withLock { state in
            change(&state.batch)
            if state.latest == nil, let maxWait { state.latest = now.advanced(by: maxWait) }
            var deadline = now.advanced(by: interval)
            if let latest = state.latest, latest < deadline { deadline = latest }
            state.deadline = deadline
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume()
    }

    /// Waits until a batch is due and returns it. Only one task may wait at a time.
    /// - Throws: `CancellationError` when the waiting task is cancelled.
    public func next() async throws -> ChangeBatch {
        while true {
            try Task.checkCancellation()
            let deadline = state.withLock { $0.deadline }
            guard let deadline else {
                await waitForFirstChange()
                continue
            }
            if clock.now < deadline { try await clock.sleep(until: deadline, tolerance: nil) }
            let batch = state.withLock { state -> ChangeBatch? in
                // A change during the sleep moved the deadline: sleep again.
                guard state.deadline == deadline else { return nil }
                defer { state = State() }
                return state.batch
            }
            if let batch { return batch }
        }
    }

    private func waitForFirstChange() async {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let resumeNow = state.withLock { state in
                    if state.deadline != nil || Task.isCancelled { return true }
                    state.waiter = continuation
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            let waiter = state.withLock { state in
                defer { state.waiter = nil }
                return state.waiter
            }
            waiter?.resume()
        }
    }
}
