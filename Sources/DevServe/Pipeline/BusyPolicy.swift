/// What a batch of changes that arrives while a build runs does.
public enum BusyPolicy: String, Sendable, CaseIterable {
    /// Exactly one follow-up build runs after the current one, with every change that arrived
    /// meanwhile.
    case queue
    /// The running build is stopped (its whole process group) and starts over with the changes
    /// merged.
    case restart
}
