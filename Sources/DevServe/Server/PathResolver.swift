#if canImport(Glibc)
import Glibc
#endif

/// Maps a decoded URL path to a file under the served folder, and nothing outside it.
///
/// The decision is made on the final path after symbolic links are resolved (`realpath`), by
/// path components: `/srv/site-secrets` is not inside `/srv/site`. Paths with `..`, NUL or a
/// backslash are refused before touching the file system, and the ``DenyList`` is checked on the
/// URL path and again on the resolved path. Every route that names a file goes through here.
public struct PathResolver: Sendable {
    /// The served folder, resolved (no symbolic links, no trailing `/`).
    public let root: String
    /// Files never served.
    public let denyList: DenyList
    /// Whether symbolic links under the root may point outside it (`--follow-symlinks`).
    public let followSymlinks: Bool

    /// - Parameter root: the served folder; it must exist.
    public init?(root: String, denyList: DenyList = DenyList(), followSymlinks: Bool = false) {
        guard let resolved = Self.realPath(root) else { return nil }
        self.root = resolved
        self.denyList = denyList
        self.followSymlinks = followSymlinks
    }

    /// The resolved absolute path for a URL path (already percent-decoded), or nil when it does
    /// not exist, is denied, or lies outside the root.
    public func resolve(_ urlPath: String) -> String? {
        guard !urlPath.contains("\0"), !urlPath.contains("\\"), !denyList.denies(urlPath) else { return nil }
        let components = urlPath.split(separator: "/", omittingEmptySubsequences: true)
        guard !components.contains("..") else { return nil }
        let candidate = components.filter { $0 != "." }.reduce(root) { "\($0)/\($1)" }
        guard let resolved = Self.realPath(candidate) else { return nil }
        if contains(resolved) {
            return denyList.denies(resolved.dropFirst(root.count)) ? nil : resolved
        }
        // Outside the root: only through a symbolic link, only when allowed, and the whole
        // target path must pass the deny list (a link to ~/.ssh/ is still refused).
        return followSymlinks && !denyList.denies(resolved) ? resolved : nil
    }

    /// Whether a resolved absolute path is the root or below it.
    public func contains(_ resolved: String) -> Bool {
        resolved == root || resolved.hasPrefix(root == "/" ? "/" : root + "/")
    }

    private static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }
}

extension PathResolver {
    /// The resolved path of a regular file (not a folder) for a URL path, or nil. (A symlink
    /// named `x.html` may resolve to any regular file inside the root; it is served as the page
    /// its name says.)
    func regularFile(_ urlPath: String) -> String? {
        guard let resolved = resolve(urlPath) else { return nil }
        var info = stat()
        guard stat(resolved, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return nil }
        return resolved
    }

    /// The resolved path of a folder for a URL path, or nil.
    func folder(_ urlPath: String) -> String? {
        guard let resolved = resolve(urlPath) else { return nil }
        var info = stat()
        guard stat(resolved, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR else { return nil }
        return resolved
    }
}
