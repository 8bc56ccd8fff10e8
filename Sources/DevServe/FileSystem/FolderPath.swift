/// Component-wise tests on absolute paths (`/srv/site-x` is not inside `/srv/site`), and the one
/// rule for trailing slashes.
enum FolderPath {
    /// `path` without trailing `/`s; `/` stays `/` (never the empty string, which would make
    /// every path look relative).
    static func trimmed(_ path: String) -> String {
        var path = path
        while path.count > 1 && path.hasSuffix("/") { path.removeLast() }
        return path
    }

    /// Whether `path` is `folder` or lies below it. A trailing `/` on `folder` is allowed.
    static func contains(_ folder: String, _ path: String) -> Bool {
        let folder = trimmed(folder)
        return folder == "/" || path == folder || path.hasPrefix(folder + "/")
    }
}
