import Synchronization

/// What the build changed in the served folder, by content: the list `built` carries, and the
/// last good copy of every page for while the build is broken.
///
/// A snapshot hashes every file under the served folder, reusing the hash of a file whose size,
/// modification time and inode did not change, so a snapshot of an unchanged tree costs one
/// `stat` per file.
final class OutputTracker: Sendable {
    /// Content hashes by absolute path.
    typealias Snapshot = [String: Int]

    private struct Cached {
        var status: FileStatus
        var hash: Int
    }

    private struct State {
        var cache: [String: Cached] = [:]
        /// Pages of the last successful build, by absolute path.
        var goodPages: [String: [UInt8]] = [:]
        var lastBuildFailed = false
    }

    /// Bytes of pages kept from the last good build, at most.
    static let pageMemoryLimit = 32 << 20

    private let root: String
    private let skip = IgnoreRules(patterns: [])
    private let state = Mutex(State())

    init(servedFolder: String) {
        self.root = servedFolder.count > 1 && servedFolder.hasSuffix("/") ? String(servedFolder.dropLast()) : servedFolder
    }

    /// Hashes every file under the served folder (version-control and dependency folders aside).
    func snapshot() -> Snapshot {
        var files: [(String, FileStatus)] = []
        DirectoryWalker(skip: { [skip, root] path, isDirectory in
            skip.ignores(path.dropFirst(root.count), isDirectory: isDirectory)
        }).walk(
            root, visitFolder: { _ in true },
            visitFile: { path in
                if let status = FileStatus(path), !status.isDirectory { files.append((path, status)) }
            })
        let cache = state.withLock { $0.cache }
        var fresh: [String: Cached] = [:]
        var snapshot: Snapshot = [:]
        for (path, status) in files {
            if let known = cache[path], !known.status.contentMayDiffer(from: status) {
                fresh[path] = known
            } else if let bytes = FileBytes.read(path) {
                fresh[path] = Cached(status: status, hash: Self.hash(bytes))
            } else {
                continue
            }
            snapshot[path] = fresh[path]?.hash
        }
        state.withLock { $0.cache = fresh }
        return snapshot
    }

    /// URL paths (`/app.js`) of files created, changed or removed between two snapshots.
    func changes(from before: Snapshot, to after: Snapshot) -> [String] {
        var changed = Set<String>()
        for (path, hash) in after where before[path] != hash { changed.insert(path) }
        for path in before.keys where after[path] == nil { changed.insert(path) }
        return changed.map { String($0.dropFirst(root == "/" ? 0 : root.count)) }.sorted()
    }

    /// Records a successful build: its pages become the last good ones.
    func buildSucceeded(_ snapshot: Snapshot) {
        var pages: [String: [UInt8]] = [:]
        var total = 0
        for path in snapshot.keys.sorted() where Self.isPage(path) {
            guard let bytes = FileBytes.read(path), total + bytes.count <= Self.pageMemoryLimit else { continue }
            total += bytes.count
            pages[path] = bytes
        }
        state.withLock { state in
            state.goodPages = pages
            state.lastBuildFailed = false
        }
    }

    /// Records a failed build: pages are served from the last good build until one succeeds.
    func buildFailed() {
        state.withLock { $0.lastBuildFailed = true }
    }

    /// The last good copy of the page at `path` (absolute) while the last build failed.
    func lastGoodPage(_ path: String) -> [UInt8]? {
        state.withLock { $0.lastBuildFailed ? $0.goodPages[path] : nil }
    }

    private static func isPage(_ path: String) -> Bool {
        let lowered = path.lowercased()
        return lowered.hasSuffix(".html") || lowered.hasSuffix(".htm")
    }

    private static func hash(_ bytes: [UInt8]) -> Int {
        var hasher = Hasher()
        hasher.combine(bytes.count)
        bytes.withUnsafeBytes { hasher.combine(bytes: $0) }
        return hasher.finalize()
    }
}
