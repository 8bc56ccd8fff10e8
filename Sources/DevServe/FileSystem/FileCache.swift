#if canImport(Glibc)
import Glibc
#endif
import NIOCore
import Synchronization

/// Small files' bytes kept in memory for serving, checked against `stat(2)` on every use.
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

    private struct Entry {
        let status: FileStatus
        let bytes: ByteBuffer
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

    /// The bytes of the regular file at `path`, whose status is `status`; nil when it cannot be
    /// read or is too large.
    func bytes(_ path: String, status: FileStatus) -> ByteBuffer? {
        guard !status.isDirectory, status.size <= maxFileSize else { return nil }
        if let entry = state.withLock({ $0.entries[path] }), entry.status == status {
            return entry.bytes
        }
        // A size other than stat's means the file is being written: the caller streams it instead.
        guard let read = FileBytes.read(path), read.count == status.size else { return nil }
        let bytes = ByteBuffer(bytes: read)
        if Self.now() - status.changed > Self.settleNanoseconds, FileStatus(path) == status {
            store(Entry(status: status, bytes: bytes), at: path)
        }
        return bytes
    }

    private func store(_ entry: Entry, at path: String) {
        state.withLock { state in
            if let old = state.entries.removeValue(forKey: path) { state.bytes -= old.bytes.readableBytes }
            while state.bytes + entry.bytes.readableBytes > budget, let victim = state.entries.keys.first {
                state.bytes -= state.entries.removeValue(forKey: victim)?.bytes.readableBytes ?? 0
            }
            state.entries[path] = entry
            state.bytes += entry.bytes.readableBytes
        }
    }

    private static func now() -> Int64 {
        var time = timespec()
        clock_gettime(CLOCK_REALTIME, &time)
        return Int64(time.tv_sec) * 1_000_000_000 + Int64(time.tv_nsec)
    }
}
