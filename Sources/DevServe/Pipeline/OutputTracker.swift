import Synchronization

/// What the build changed in the served folder, by content: the list `built` carries, the
/// content a build started from (for ``BuildWindow``), and the last good copy of every page for
/// while the build is broken.
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
    }

    /// Bytes of pages kept from the last good build, at most.
    static let pageMemoryLimit = 32 << 20

    private let paths: ProjectPaths
    private let skip = IgnoreRules(patterns: [])
    private let state = Mutex(State())

    init(paths: ProjectPaths) {
        self.paths = paths
    }

    /// Hashes every file under the served folder (version-control and dependency folders aside).
    func snapshot() -> Snapshot {
        let root = paths.served
        var files: [(String, FileStatus)] = []
        DirectoryWalker(skip: { [skip] path, isDirectory in
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
            guard let cached = Self.hash(path, status: status, cache: cache[path]) else { continue }
            fresh[path] = cached
            snapshot[path] = cached.hash
        }
        state.withLock { $0.cache = fresh }
        return snapshot
    }

    /// The content hash of one file now (anywhere), or nil when it is not a readable file.
    func contentHash(_ path: String) -> Int? {
        guard let status = FileStatus(path), !status.isDirectory else { return nil }
        let known = state.withLock { $0.cache[path] }
        return Self.hash(path, status: status, cache: known)?.hash
    }

    private static func hash(_ path: String, status: FileStatus, cache: Cached?) -> Cached? {
        if let cache, !cache.status.contentMayDiffer(from: status) { return cache }
        return FileBytes.read(path).map { Cached(status: status, hash: hash($0)) }
    }

    /// URL paths (`/app.js`) of files created, changed or removed between two snapshots.
    func changes(from before: Snapshot, to after: Snapshot) -> [String] {
        var changed = Set<String>()
        for (path, hash) in after where before[path] != hash { changed.insert(path) }
        for path in before.keys where after[path] == nil { changed.insert(path) }
        return changed.compactMap(paths.urlPath).sorted()
    }

    /// Records a successful build: its pages become the last good ones.
    func buildSucceeded(_ snapshot: Snapshot) {
        var pages: [String: [UInt8]] = [:]
        var total = 0
        for path in snapshot.keys.sorted() where HTMLText.isPage(path) {
            guard let bytes = FileBytes.read(path), total + bytes.count <= Self.pageMemoryLimit else { continue }
            total += bytes.count
            pages[path] = bytes
        }
        state.withLock { $0.goodPages = pages }
    }

    /// The copy of the page at `path` (absolute) from the last successful build.
    func lastGoodPage(_ path: String) -> [UInt8]? {
        state.withLock { $0.goodPages[path] }
    }


    private static func hash(_ bytes: [UInt8]) -> Int {
        Int(truncatingIfNeeded: ContentHash.of(bytes))
    }
}
