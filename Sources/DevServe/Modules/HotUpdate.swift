/// What a tab needs to apply a change of ES modules in place: the `hot` field of `built`.
///
/// Every tab decides for itself, from the modules it has loaded, where the update is accepted
/// (`import.meta.hot.accept`), so one event serves every tab on the one shared stream.
public struct HotUpdate: Sendable, Codable, Equatable {
    /// The version the changed modules and their importers now carry (`?t=VERSION` in the
    /// imports of served modules); milliseconds since 1970, so it never repeats across restarts.
    public var version: Int64
    /// URL paths of the changed modules.
    public var changed: [String]
    /// For every changed module and each of its importers, transitively: the modules that import
    /// it, as devserve last served them.
    public var importers: [String: [String]]
    /// Modules nothing imports any more after this change.
    public var pruned: [String]

    /// An update.
    public init(version: Int64, changed: [String], importers: [String: [String]], pruned: [String]) {
        self.version = version
        self.changed = changed
        self.importers = importers
        self.pruned = pruned
    }
}
