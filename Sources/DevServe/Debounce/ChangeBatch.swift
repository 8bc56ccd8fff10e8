/// The changes merged into one build: paths in the order they first changed, each once.
///
/// A path that appeared and disappeared within the batch (an editor's temporary file, written
/// and then renamed over the real one) is left out, so every save style counts as one change of
/// the real file.
public struct ChangeBatch: Sendable, Equatable {
    private struct Entry: Equatable {
        var first: FileChange
        var last: FileChange
        /// Created and gone again within the batch.
        var isTransient: Bool { first == .created && last == .removed }
    }

    /// Paths relative to the project folder (or absolute when outside it), first change first.
    public var paths: [String] { order.filter { entries[$0]?.isTransient == false } }
    /// Set when events were lost (inotify's queue overflowed): anything may have changed.
    public private(set) var everything = false
    private var order: [String] = []
    private var entries: [String: Entry] = [:]

    public init(paths: [String] = [], everything: Bool = false) {
        for path in paths { insert(path) }
        self.everything = everything
    }

    /// Whether there is nothing to build: no change, or only files that came and went.
    public var isEmpty: Bool { !everything && !order.contains { entries[$0]?.isTransient == false } }

    public mutating func insert(_ path: String, _ change: FileChange = .modified) {
        if var entry = entries[path] {
            entry.last = change
            entries[path] = entry
        } else {
            entries[path] = Entry(first: change, last: change)
            order.append(path)
        }
    }

    /// Adds every change of `other` after this batch's.
    public mutating func merge(_ other: ChangeBatch) {
        for path in other.order {
            guard let entry = other.entries[path] else { continue }
            insert(path, entry.first)
            insert(path, entry.last)
        }
        if other.everything { everything = true }
    }

    public mutating func markEverything() { everything = true }

    /// Whether the path's last change removed it.
    public func wasRemoved(_ path: String) -> Bool { entries[path]?.last == .removed }

    /// The list sent to clients: `["."]` when everything may have changed.
    public var reported: [String] { everything ? ["."] + paths : paths }

    public static func == (lhs: ChangeBatch, rhs: ChangeBatch) -> Bool {
        lhs.paths == rhs.paths && lhs.everything == rhs.everything
    }
}
