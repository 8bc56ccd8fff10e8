import Synchronization

/// Keeps a build's own writes from triggering the next build (no rebuild loops).
///
/// From the start of a build until the watcher has reported everything that happened before the
/// build ended (a fence), changes under the output folders are dropped.
final class BuildOutputGate: Sendable {
    private struct State {
        var building = false
        var fence: (number: UInt64, continuation: CheckedContinuation<Void, Never>)?
    }

    private let outputFolders: [String]
    private let state = Mutex(State())

    init(outputFolders: [String]) {
        self.outputFolders = outputFolders.map { $0.hasSuffix("/") ? String($0.dropLast()) : $0 }
    }

    /// Whether a change to `path` (absolute) should be dropped.
    func drops(_ path: String) -> Bool {
        guard !outputFolders.isEmpty, state.withLock({ $0.building }) else { return false }
        return outputFolders.contains { FolderPath.contains($0, path) }
    }

    /// Runs `build`, dropping its writes until `watcher` has delivered all of them.
    func whileBuilding<T>(watcher: any FileWatcher, _ build: () async -> T) async -> T {
        guard !outputFolders.isEmpty else { return await build() }
        state.withLock { $0.building = true }
        let result = await build()
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let cancelled = state.withLock { state -> Bool in
                    if Task.isCancelled { return true }
                    state.fence = (watcher.insertFence(), continuation)
                    return false
                }
                if cancelled { continuation.resume() }
            }
        } onCancel: {
            let fence = state.withLock { state in
                defer { state.fence = nil }
                return state.fence
            }
            fence?.continuation.resume()
        }
        state.withLock { $0.building = false }
        return result
    }

    /// Called with each fence the watcher delivers.
    func fenceArrived(_ number: UInt64) {
        let continuation = state.withLock { state -> CheckedContinuation<Void, Never>? in
            guard let fence = state.fence, fence.number == number else { return nil }
            state.fence = nil
            return fence.continuation
        }
        continuation?.resume()
    }
}
