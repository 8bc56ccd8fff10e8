/// One watcher's share of the hub: its folders, its ignore rules and where its events go.
struct WatchSubscription: Sendable {
    let id: Int
    let filter: WatchFilter
    let continuation: AsyncStream<WatchEvent>.Continuation

    var roots: [String] { filter.roots }

    func ignores(_ path: String, isDirectory: Bool) -> Bool {
        filter.ignores(path, isDirectory: isDirectory)
    }

    func report(_ path: String, _ change: FileChange) {
        continuation.yield(.changed(path, change))
    }

    /// A folder that could not be watched: the watch limit (polling takes over), or a warning.
    func report(_ error: WatchError) {
        continuation.yield(error.isWatchLimit ? .limitReached(error.description) : .warning(error.description))
    }
}
