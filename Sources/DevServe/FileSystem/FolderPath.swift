/// Component-wise tests on absolute paths (`/srv/site-x` is not inside `/srv/site`).
enum FolderPath {
    /// Whether `path` is `folder` or lies below it. A trailing `/` on `folder` is allowed.
    static func contains(_ folder: String, _ path: String) -> Bool {
        let folder = folder.count > 1 && folder.hasSuffix("/") ? String(folder.dropLast()) : folder
        return folder == "/" || path == folder || path.hasPrefix(folder + "/")
    }
}
