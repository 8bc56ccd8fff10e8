import Synchronization

/// Merges a burst of changes into one batch, due a fixed interval after the last change in it
/// (a trailing debounce), or at the latest `maxWait` after the first one, so a writer that never
/// pauses cannot starve the build.
///
/// With `maxWait`, a batch with a file still open for writing (``FileChange/written`` not yet
/// followed by ``FileChange/closed``) waits for the close, up to `maxWait`: an editor that
/// `fsync`s before closing (vim, Foundation's `Data.write`) can pause longer than the interval
/// in the middle of one save, and that save must be one build, not two.
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
        /// Files written and not closed yet.
        var writing: Set<String> = []
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
        record(writing: path, change) { $0.insert(path, change) }
    }

    /// Records that anything may have changed (events were lost).
    public func addEverything() {
        record { $0.markEverything() }
    }

    /// Asks for one more build even if nothing changes (see ``ChangeBatch/rerun``).
    public func addRerun() {
        record { $0.markRerun() }
    }

    private func record(writing path: String? = nil, _ kind: FileChange = .modified, _ change: (inout ChangeBatch) -> Void) {
        let now = clock.now
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            change(&state.batch)
            if let path {
                if kind == .written { state.writing.insert(path) } else { state.writing.remove(path) }
            }
            if state.latest == nil, let maxWait { state.latest = now.advanced(by: maxWait) }
            var deadline = now.advanced(by: interval)
            if let latest = state.latest, latest < deadline || !state.writing.isEmpty { deadline = latest }
            let earlier = state.deadline.map { deadline < $0 } ?? true
            state.deadline = deadline
            // The consumer sleeps until the old deadline: wake it only if this one is earlier
            // (the first change, or a close that ends a save).
            guard earlier else { return nil }
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
            let now = clock.now
            let (deadline, batch) = state.withLock { state -> (C.Instant?, ChangeBatch?) in
                guard let deadline = state.deadline, deadline <= now else { return (state.deadline, nil) }
                defer { state = State() }
                return (deadline, state.batch)
            }
            if let batch { return batch }
            await sleep(until: deadline)
        }
    }

    /// Sleeps until `deadline` (forever when nil), or until a change sets an earlier one.
    private func sleep(until deadline: C.Instant?) async {
        await withTaskGroup(of: Void.self) { group in
            if let deadline {
                group.addTask { try? await self.clock.sleep(until: deadline, tolerance: nil) }
            }
            group.addTask { await self.waitForEarlierDeadline(than: deadline) }
            await group.next()
            group.cancelAll()
        }
    }

    private func waitForEarlierDeadline(than deadline: C.Instant?) async {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let resumeNow = state.withLock { state in
                    if state.deadline != deadline || Task.isCancelled { return true }
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
