/// What happened to a path.
public enum FileChange: String, Sendable, Equatable {
    /// Created, or moved in.
    case created
    /// Its content may have changed (a write seen by polling, or `touch`).
    case modified
    /// Data was written, and the writer may still be writing: its save ends with ``closed``.
    case written
    /// Closed after being opened for writing: a save is complete. Alone (opened for writing,
    /// closed without writing) it is not a change.
    case closed
    /// Deleted, or moved away.
    case removed
}

/// What a ``FileWatcher`` reports.
public enum WatchEvent: Sendable, Equatable {
    /// A file or folder at this absolute path was created, written, removed or renamed.
    case changed(String, FileChange)
    /// The kernel dropped events (`IN_Q_OVERFLOW`), or the watcher changed: anything under the
    /// watched folders may have changed.
    case overflow
    /// Everything that happened before ``FileWatcher/insertFence()`` returned this number has
    /// been reported.
    case fence(UInt64)
    /// Something the user should know about.
    case warning(String)
    /// inotify's watch limit was reached while watching a new folder; the message names the
    /// limit. ``FallbackWatcher`` answers it by polling instead.
    case limitReached(String)
}

/// A source of file-system changes: the first stage of the pipeline.
///
/// The seam lets tests and other file systems (polling, for example) stand in for inotify.
public protocol FileWatcher: Sendable {
    /// The changes, in the order they happened. Finishes when the watcher stops.
    var events: AsyncStream<WatchEvent> { get }
    /// Asks for a ``WatchEvent/fence(_:)`` that is delivered after every change that happened
    /// before this call, and returns its number.
    func insertFence() -> UInt64
    /// Stops watching and finishes ``events``.
    func stop()
}
