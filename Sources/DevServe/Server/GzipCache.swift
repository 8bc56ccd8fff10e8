import NIOCore
import Synchronization

/// The gzip bytes of bodies sent lately, keyed by the content tag of the bytes they were made
/// from, so that a reload, which revalidates or refetches every script and stylesheet, does not
/// compress each one again. A key names content, not a path: a changed file has a new tag and so
/// a new entry, and a stale entry is never found (it ages out instead).
///
/// Bounded twice, because a cache that only grows is a leak in a server left running for days:
/// at most ``budget`` bytes of gzip output and ``maxEntries`` entries; past either, the entries
/// used least recently go first. (Only what devserve compresses itself is kept; precompressed
/// siblings are files, in the ``FileCache``.)
final class GzipCache: Sendable {
    /// Bytes of all entries together.
    let budget: Int
    /// Entries at most.
    let maxEntries: Int

    private struct Entry {
        let bytes: ByteBuffer
        var lastUse: UInt64
    }

    private struct State {
        var entries: [String: Entry] = [:]
        var bytes = 0
        /// Counts uses, to order entries by their last one.
        var clock: UInt64 = 0
    }

    private let state = Mutex(State())

    init(budget: Int = 8 << 20, maxEntries: Int = 512) {
        self.budget = budget
        self.maxEntries = maxEntries
    }

    /// The gzip bytes stored for `key`, if any (which makes the entry the most recently used).
    func bytes(for key: String) -> ByteBuffer? {
        state.withLock { state in
            guard var entry = state.entries[key] else { return nil }
            state.clock += 1
            entry.lastUse = state.clock
            state.entries[key] = entry
            return entry.bytes
        }
    }

    /// Keeps `bytes` for `key`, dropping the least recently used entries to stay within both
    /// bounds. Bytes larger than the whole budget are not kept.
    func store(_ bytes: ByteBuffer, for key: String) {
        let size = bytes.readableBytes
        guard size <= budget, maxEntries > 0 else { return }
        state.withLock { state in
            if let old = state.entries.removeValue(forKey: key) { state.bytes -= old.bytes.readableBytes }
            // A scan for the oldest: 512 entries at most, and only when one must go.
            while state.bytes + size > budget || state.entries.count >= maxEntries,
                let victim = state.entries.min(by: { $0.value.lastUse < $1.value.lastUse })?.key
            {
                state.bytes -= state.entries.removeValue(forKey: victim)?.bytes.readableBytes ?? 0
            }
            state.clock += 1
            state.entries[key] = Entry(bytes: bytes, lastUse: state.clock)
            state.bytes += size
        }
    }

    /// How many entries and bytes are kept (for tests).
    var usage: (entries: Int, bytes: Int) {
        state.withLock { ($0.entries.count, $0.bytes) }
    }
}
