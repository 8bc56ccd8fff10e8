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
}
