#if canImport(Glibc)
import Glibc
#endif

/// The project's two folders and every conversion between the three ways a file is named: an
/// absolute path (what watchers report and files are read by), a path relative to the project
/// folder (what `building`/`built` carry in `changed`), and a URL path under the served folder
/// (what `built` carries in `outputs`, and what requests ask for).
///
/// Both folders are real paths (no symbolic links, no trailing `/`), so a watcher's paths, the
/// served files' paths and a request's file always compare equal when they name one file. (The
/// trap it closes: a served folder given through a link was `/tmp/site` to the pipeline and
/// `/private/tmp/site` to the resolver, and no change was ever an output.)
public struct ProjectPaths: Sendable, Equatable {
    /// The folder the build runs in; changed paths are reported relative to it.
    public let project: String
    /// The folder served over HTTP.
    public let served: String

    /// Paths taken as they are (only trailing `/`s removed); for folders already resolved.
    public init(project: String, served: String) {
        self.project = FolderPath.trimmed(project)
        self.served = FolderPath.trimmed(served)
    }

    /// Both folders resolved with `realpath`; nil when either does not exist.
    public static func resolving(project: String, served: String) -> ProjectPaths? {
        guard let project = realPath(project), let served = realPath(served) else { return nil }
        return ProjectPaths(project: project, served: served)
    }

    /// `path` with symbolic links resolved, or nil when it does not exist.
    static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    /// An absolute path relative to the project folder, or unchanged when it lies outside (or is
    /// the project folder itself).
    public func relative(_ absolute: String) -> String {
        guard absolute != project, FolderPath.contains(project, absolute) else { return absolute }
        return String(absolute.dropFirst(project == "/" ? 1 : project.count + 1))
    }

    /// A path as ``relative(_:)`` gives it, made absolute again.
    public func absolute(_ path: String) -> String {
        if path.hasPrefix("/") { return path }
        return project == "/" ? "/" + path : project + "/" + path
    }

    /// The URL path (`/app.js`) of an absolute path under the served folder; nil outside it.
    public func urlPath(_ absolute: String) -> String? {
        guard FolderPath.contains(served, absolute) else { return nil }
        return served == "/" ? absolute : "/" + absolute.dropFirst(served.count + 1)
    }

    /// The absolute path a URL path (already percent-decoded) names under the served folder, with
    /// a folder's `index.html` for a path ending in `/`. Not a security check (``PathResolver``
    /// is): `..` is not resolved.
    public func file(forURL urlPath: String) -> String {
        let relative = urlPath.drop { $0 == "/" }
        let file = relative.isEmpty || relative.hasSuffix("/") ? relative + "index.html" : relative
        return served == "/" ? "/" + file : served + "/" + file
    }
}
