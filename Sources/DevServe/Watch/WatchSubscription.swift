/// One watcher's share of the hub: its folders, its ignore rules and where its events go.
struct WatchSubscription: Sendable {
    let id: Int
    /// Absolute paths of the watched folders, without a trailing `/`.
    let roots: [String]
    let ignore: IgnoreRules
    let continuation: AsyncStream<WatchEvent>.Continuation

    /// Whether an absolute path under one of the roots is ignored.
    func ignores(_ path: String) -> Bool {
        for root in roots where path == root || path.hasPrefix(root + "/") {
            return ignore.ignores(path.dropFirst(root.count))
        }
        return false
    }
}
