#if canImport(Glibc)
import Glibc
#endif
import NIOCore
import Synchronization

/// Small files' bytes kept in memory for serving, checked against `stat(2)` on every use, with
/// the `ETag` of those bytes.
///
/// The tag of a file read whole is its ``ContentHash``: it changes whenever the bytes change,
/// however the file was written (two same-size saves in one second, `cp -p`). A file too large
/// to read whole gets a tag from its status instead (``tag(for:)``).
///
/// A copy is kept only of a file whose status last changed more than a second before it was read
/// (the "racy git" rule): any later write sets the status-change time to a later instant, and
/// nothing can set it back, so a changed file never matches its stale copy, even when its size
/// and modification time do. Reads are ``FileBytes`` reads on the caller's thread: for files
/// this small that is faster than a hop to a thread pool and back.
final class FileCache: Sendable {
    /// Files larger than this are not cached (they are streamed).
    let maxFileSize: Int
    /// Bytes of all copies together; past it, older copies are dropped.
    let budget: Int

    /// A file's bytes and their tag.
    struct Copy {
        let bytes: ByteBuffer
        let tag: EntityTag
    }

    private struct Entry {
        let status: FileStatus
        let copy: Copy
    }

    private struct State {
        var entries: [String: Entry] = [:]
        var bytes = 0
    }

    private let state = Mutex(State())
    private static let settleNanoseconds: Int64 = 1_000_000_000

    init(maxFileSize: Int = 4 << 20, budget: Int = 32 << 20) {
        self.maxFileSize = maxFileSize
        self.budget = budget
    }

    /// The bytes of the regular file at `path`, whose status is `status`, and their tag; nil
    /// when it cannot be read, is too large, or is being written.
    func read(_ path: String, status: FileStatus) -> Copy? {
        guard !status.isDirectory, status.size <= maxFileSize else { return nil }
        if let entry = state.withLock({ $0.entries[path] }), entry.status == status {
            return entry.copy
        }
        // A size other than stat's means the file is being written: the caller streams it instead.
        guard let read = FileBytes.read(path), read.count == status.size else { return nil }
        let copy = Copy(bytes: ByteBuffer(bytes: read), tag: EntityTag(opaque: String(ContentHash.of(read), radix: 16)))
        if Self.now() - status.changed > Self.settleNanoseconds, FileStatus(path) == status {
            store(Entry(status: status, copy: copy), at: path)
        }
        return copy
    }

    /// The tag of a file that is not read whole: its inode, size, and modification and status
    /// change times to the nanosecond. Every write sets the status change time, and nothing can
    /// set it back (`cp -p` and `touch -d` set only the modification time), so the tag changes
    /// with every write. (Two writes in one tick of the kernel's clock, a few milliseconds,
    /// would share it; only small files are ever saved that fast, and they get a content tag.)
    static func tag(for status: FileStatus) -> EntityTag {
        let parts = [UInt64(status.identity.inode), UInt64(status.size), UInt64(status.modified), UInt64(status.changed)]
        return EntityTag(opaque: "s" + parts.map { String($0, radix: 16) }.joined(separator: "-"))
    }

    private func store(_ entry: Entry, at path: String) {
        state.withLock { state in
            if let old = state.entries.removeValue(forKey: path) { state.bytes -= old.copy.bytes.readableBytes }
            while state.bytes + entry.copy.bytes.readableBytes > budget, let victim = state.entries.keys.first {
                state.bytes -= state.entries.removeValue(forKey: victim)?.copy.bytes.readableBytes ?? 0
            }
            state.entries[path] = entry
            state.bytes += entry.copy.bytes.readableBytes
        }
    }

    private static func now() -> Int64 {
        var time = timespec()
        clock_gettime(CLOCK_REALTIME, &time)
        return Int64(time.tv_sec) * 1_000_000_000 + Int64(time.tv_nsec)
    }
}
