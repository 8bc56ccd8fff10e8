/// The changes merged into one build: paths in the order they first changed, each once.
public struct ChangeBatch: Sendable, Equatable {
    /// Paths relative to the project folder (or absolute when outside it).
    public private(set) var paths: [String] = []
    /// Set when events were lost (inotify's queue overflowed): anything may have changed.
    public private(set) var everything = false
    private var seen: Set<String> = []

    public init(paths: [String] = [], everything: Bool = false) {
        for path in paths { insert(path) }
        self.everything = everything
    }

    public var isEmpty: Bool { paths.isEmpty && !everything }

    public mutating func insert(_ path: String) {
        if seen.insert(path).inserted { paths.append(path) }
    }

    public mutating func markEverything() { everything = true }

    /// The list sent to clients: `["."]` when everything may have changed.
    public var reported: [String] { everything ? ["."] + paths : paths }

    public static func == (lhs: ChangeBatch, rhs: ChangeBatch) -> Bool {
        lhs.paths == rhs.paths && lhs.everything == rhs.everything
    }
}
