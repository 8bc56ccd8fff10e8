/// The changes merged into one build: paths in the order they first changed, each once.
///
/// A path that appeared and disappeared within the batch (an editor's temporary file, written
/// and then renamed over the real one) is left out, so every save style counts as one change of
/// the real file; so is a file that was only opened for writing and closed.
public struct ChangeBatch: Sendable, Equatable {
    private struct Entry: Equatable {
        /// The first and last change, `closed` aside.
        var first: FileChange?
        var last: FileChange?
        /// Not a change: created and gone again within the batch, or only closed.
        var isTransient: Bool { first == nil || (first == .created && last == .removed) }

        mutating func record(_ change: FileChange) {
            guard change != .closed else { return }
            if first == nil { first = change }
            last = change
        }
    }

    /// Paths relative to the project folder (or absolute when outside it), first change first.
    public var paths: [String] { order.filter { entries[$0]?.isTransient == false } }
    /// Set when events were lost (inotify's queue overflowed): anything may have changed.
    public private(set) var everything = false
    /// Set when the build must run again though no change of the user's is known: the last
    /// build wrote files it was not known to write (see `BuildWindow`).
    public private(set) var rerun = false
    private var order: [String] = []
    private var entries: [String: Entry] = [:]

    /// A batch of `paths`, each modified.
    public init(paths: [String] = [], everything: Bool = false) {
        for path in paths { insert(path) }
        self.everything = everything
    }

    /// Whether there is nothing to build: no change, or only files that came and went.
    public var isEmpty: Bool { !everything && !rerun && !order.contains { entries[$0]?.isTransient == false } }

    /// Records a change of `path`.
    public mutating func insert(_ path: String, _ change: FileChange = .modified) {
        if entries[path] == nil { order.append(path) }
        entries[path, default: Entry()].record(change)
    }

    /// Adds every change of `other` after this batch's.
    public mutating func merge(_ other: ChangeBatch) {
        for path in other.order {
            guard let entry = other.entries[path] else { continue }
            insert(path, entry.first ?? .closed)
            insert(path, entry.last ?? .closed)
        }
        if other.everything { everything = true }
        if other.rerun { rerun = true }
    }

    /// Takes `path` out of the batch, as if it had not changed.
    public mutating func remove(_ path: String) {
        guard entries.removeValue(forKey: path) != nil else { return }
        order.removeAll { $0 == path }
    }

    /// Marks the batch as "anything may have changed".
    public mutating func markEverything() { everything = true }

    /// Marks the batch as one to build even with no change in it.
    public mutating func markRerun() { rerun = true }

    /// The list sent to clients: `["."]` when everything may have changed.
    public var reported: [String] { everything ? ["."] + paths : paths }

    /// Equal when they report the same paths and flag.
    public static func == (lhs: ChangeBatch, rhs: ChangeBatch) -> Bool {
        lhs.paths == rhs.paths && lhs.everything == rhs.everything
    }
}
