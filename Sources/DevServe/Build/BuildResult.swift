/// How a build ended.
public struct BuildResult: Sendable, Equatable {
    /// The exit code, or `nil` when the build was killed by a signal or could not start.
    public var exitCode: Int32?
    /// Standard output and standard error, interleaved as written (capped, see
    /// ``ShellBuildRunner/outputLimit``).
    public var output: String
    public var duration: Duration

    public init(exitCode: Int32?, output: String, duration: Duration) {
        self.exitCode = exitCode
        self.output = output
        self.duration = duration
    }

    public var succeeded: Bool { exitCode == 0 }
}
