/// How a build ended.
public struct BuildResult: Sendable, Equatable {
    /// The exit code, or `nil` when the build was killed by a signal or could not start.
    public var exitCode: Int32?
    /// Standard output and standard error, interleaved as written (its head and tail, see
    /// ``KeptOutput``).
    public var output: String
    /// How long the build ran.
    public var duration: Duration
    /// Whether the build was stopped for taking longer than its timeout.
    public var timedOut: Bool

    /// A finished (or stopped) build.
    public init(exitCode: Int32?, output: String, duration: Duration, timedOut: Bool = false) {
        self.exitCode = exitCode
        self.output = output
        self.duration = duration
        self.timedOut = timedOut
    }

    /// Whether the build exited with code 0.
    public var succeeded: Bool { exitCode == 0 }
}
