/// What a watcher watches: its folders, and which paths under them it leaves alone.
///
/// Two sets of rules apply: the defaults plus `--ignore` patterns, relative to each watched
/// folder, and the project's `.gitignore`, relative to the project folder. The `.gitignore` never
/// hides ``exempt`` (the served folder when there is no build command: it is then usually the
/// output of a watcher outside devserve, and often listed in `.gitignore`).
public struct WatchFilter: Sendable {
    /// Absolute paths of the watched folders, without a trailing `/`.
    public let roots: [String]
    /// Rules relative to each watched folder.
    public let rules: IgnoreRules
    /// Rules relative to ``projectFolder`` (its `.gitignore`), if any.
    public let projectRules: IgnoreRules?
    /// `.gitignore` patterns are relative to it.
    public let projectFolder: String
    /// A folder the project rules never apply to (nor to anything below it).
    public let exempt: String?
    /// Whether symbolic links to folders are followed (each folder is watched once, so cycles
    /// cannot trap the watcher).
    public let followSymlinks: Bool

    /// A filter for `roots`.
    public init(
        roots: [String], rules: IgnoreRules, projectRules: IgnoreRules? = nil, projectFolder: String = "/",
        exempt: String? = nil, followSymlinks: Bool = true
    ) {
        self.roots = roots.map(FolderPath.trimmed)
        self.rules = rules
        self.projectRules = projectRules
        self.projectFolder = FolderPath.trimmed(projectFolder)
        self.exempt = exempt.map(FolderPath.trimmed)
        self.followSymlinks = followSymlinks
    }

    /// Reads `.gitignore` in `projectFolder`, if there is one.
    public static func gitignore(in projectFolder: String) -> IgnoreRules? {
        let path = FolderPath.trimmed(projectFolder) + "/.gitignore"
        guard let bytes = FileBytes.read(path) else { return nil }
        return IgnoreRules(gitignore: String(decoding: bytes, as: UTF8.self))
    }

    /// A walker over the watched tree that skips ignored paths and follows links as configured.
    var walker: DirectoryWalker {
        DirectoryWalker(skip: { ignores($0, isDirectory: $1) }, followSymlinks: followSymlinks)
    }

    /// Whether an absolute path under one of the roots is ignored.
    public func ignores(_ path: String, isDirectory: Bool) -> Bool {
        for root in roots where FolderPath.contains(root, path) {
            if rules.ignores(path.dropFirst(root.count), isDirectory: isDirectory) { return true }
            break
        }
        guard let projectRules, FolderPath.contains(projectFolder, path) else { return false }
        if let exempt, FolderPath.contains(exempt, path) || FolderPath.contains(path, exempt) { return false }
        return projectRules.ignores(path.dropFirst(projectFolder.count), isDirectory: isDirectory)
    }
}
