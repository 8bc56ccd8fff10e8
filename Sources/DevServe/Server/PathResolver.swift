#if canImport(Glibc)
import Glibc
#endif

/// Maps a decoded URL path to a file under the served folder, and nothing outside it.
///
/// The decision is made on the final path after symbolic links are resolved (`realpath`), by
/// path components: `/srv/site-secrets` is not inside `/srv/site`. Paths with `..`, NUL or a
/// backslash are refused before touching the file system.
public struct PathResolver: Sendable {
    /// The served folder, resolved (no symbolic links, no trailing `/`).
    public let root: String

    /// - Parameter root: the served folder; it must exist.
    public init?(root: String) {
        guard let resolved = Self.realPath(root) else { return nil }
        self.root = resolved
    }

    /// The resolved absolute path for a URL path (already percent-decoded), or nil when it does
    /// not exist or lies outside the root.
    public func resolve(_ urlPath: String) -> String? {
        guard !urlPath.contains("\0"), !urlPath.contains("\\") else { return nil }
        let components = urlPath.split(separator: "/", omittingEmptySubsequences: true)
        guard !components.contains("..") else { return nil }
        let candidate = components.filter { $0 != "." }.reduce(root) { "\($0)/\($1)" }
        guard let resolved = Self.realPath(candidate), contains(resolved) else { return nil }
        return resolved
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
