#if canImport(Glibc)
import Glibc
#endif

/// What `stat(2)` says about a path, reduced to what change detection compares.
struct FileStatus: Equatable, Sendable {
    /// A folder's or file's identity: device and inode.
    struct Identity: Hashable, Sendable {
        let device: UInt64
        let inode: UInt64
    }

    let identity: Identity
    let isDirectory: Bool
    let isSymbolicLink: Bool
    let size: Int64
    /// Modification time in nanoseconds since the epoch.
    let modified: Int64
    /// Status change time in nanoseconds since the epoch.
    let changed: Int64

    /// `stat` (following links) or `lstat`; nil when the path does not exist.
    init?(_ path: String, followLinks: Bool = true) {
        var info = stat()
        guard (followLinks ? stat(path, &info) : lstat(path, &info)) == 0 else { return nil }
        identity = Identity(device: UInt64(info.st_dev), inode: UInt64(info.st_ino))
        isDirectory = (info.st_mode & S_IFMT) == S_IFDIR
        isSymbolicLink = (info.st_mode & S_IFMT) == S_IFLNK
        size = Int64(info.st_size)
        modified = Int64(info.st_mtim.tv_sec) * 1_000_000_000 + Int64(info.st_mtim.tv_nsec)
        changed = Int64(info.st_ctim.tv_sec) * 1_000_000_000 + Int64(info.st_ctim.tv_nsec)
    }

    /// Whether the content may differ from `other`'s: another file, size or modification time.
    /// (A `chmod` changes only the status change time.)
    func contentMayDiffer(from other: FileStatus) -> Bool {
        identity != other.identity || size != other.size || modified != other.modified
            || isDirectory != other.isDirectory
    }

    /// Whether the last attribute change also set the modification time, as `touch` does (and
    /// `chmod` does not): both times are then the same instant.
    var lastChangeTouchedContent: Bool { modified == changed }
}
