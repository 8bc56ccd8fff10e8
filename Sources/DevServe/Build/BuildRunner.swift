/// Runs the project's build command: the third stage of the pipeline.
///
/// The seam lets tests and embedders run builds their own way.
public protocol BuildRunner: Sendable {
    /// Runs one build to completion. A build that cannot start is a failed result, not an error.
    /// Cancelling the calling task stops the build and everything it started.
    func run() async -> BuildResult
}
