import Synchronization

/// Whether a build is running, for requests that must wait for it to end (so a browser never
/// loads a half-written file).
public final class BuildActivity: Sendable {
    private struct State {
        var building = false
        var waiters: [Int: CheckedContinuation<Void, Never>] = [:]
        var nextWaiter = 0
    }

    private let state = Mutex(State())

    /// Nothing building yet.
    public init() {}

    /// Whether a build is running now.
    public var isBuilding: Bool { state.withLock { $0.building } }

    /// Runs `build`, marked as building, and releases every waiting request when it ends.
    func whileBuilding<T>(_ build: () async -> T) async -> T {
        state.withLock { $0.building = true }
        let result = await build()
        let waiters = state.withLock { state in
            state.building = false
            defer { state.waiters = [:] }
            return state.waiters.values
        }
        for waiter in waiters { waiter.resume() }
        return result
    }

    /// Waits until no build runs, for at most `limit`.
    /// - Returns: false when the build was still running at the limit (or the wait was cancelled).
    public func waitUntilIdle(atMost limit: Duration) async -> Bool {
        await withTaskGroup(of: Bool.self) { group in
            group.addTask {
                await self.waitUntilIdle()
                return !Task.isCancelled
            }
            group.addTask {
                try? await Task.sleep(for: limit)
                return false
            }
            defer { group.cancelAll() }
            return await group.next() ?? false
        }
    }

    private func waitUntilIdle() async {
        let token = state.withLock { state in
            defer { state.nextWaiter += 1 }
            return state.nextWaiter
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let resumeNow = state.withLock { state in
                    if !state.building || Task.isCancelled { return true }
                    state.waiters[token] = continuation
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            state.withLock { $0.waiters.removeValue(forKey: token) }?.resume()
        }
    }
}
