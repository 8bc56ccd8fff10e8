import Subprocess
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Runs a command with `/bin/sh -c` from the project folder.
///
/// The build runs in a session (and process group) of its own, so stopping devserve — or
/// cancelling the build — terminates the shell and everything it started: `SIGTERM` to the whole
/// group, then `SIGKILL` after a grace period. Output is echoed as it arrives and captured for the
/// `error` event.
public struct ShellBuildRunner: BuildRunner {
    /// Where build output is echoed while it runs.
    public enum Echo: Sendable {
        case standardOutput, standardError, none

        var descriptor: Int32? {
            switch self {
            case .standardOutput: 1
            case .standardError: 2
            case .none: nil
            }
        }
    }

    /// Output kept for the `error` event; the rest is dropped with a note.
    public static let outputLimit = 1 << 20

    public let command: String
    public let directory: String
    public let echo: Echo
    public let gracePeriod: Duration

    public init(command: String, directory: String, echo: Echo, gracePeriod: Duration = .seconds(2)) {
        self.command = command
        self.directory = directory
        self.echo = echo
        self.gracePeriod = gracePeriod
    }

    public func run() async -> BuildResult {
        let clock = ContinuousClock()
        let start = clock.now
        var options = PlatformOptions()
        options.createSession = true
        options.teardownSequence = [
            .gracefulShutDown(toProcessGroup: true, allowedDurationToNextStep: gracePeriod),
            .send(signal: .kill, toProcessGroup: true, allowedDurationToNextStep: .milliseconds(100)),
        ]
        let echo = self.echo.descriptor
        let processGroup = Atomic<Int32>(0)
        defer {
            // The shell led a session of its own, so its pid is the group's id.
            let group = processGroup.load(ordering: .relaxed)
            if group > 0 { _ = killpg(group, SIGKILL) }
        }
        do {
            let result = try await Subprocess.run(
                .path("/bin/sh"),
                arguments: ["-c", command],
                workingDirectory: .init(directory),
                platformOptions: options,
                input: .none,
                output: .sequence,
                error: .combinedWithOutput
            ) { execution in
                processGroup.store(execution.processIdentifier.value, ordering: .relaxed)
                var captured = [UInt8]()
                var truncated = false
                for try await chunk in execution.standardOutput {
                    chunk.withUnsafeBytes { bytes in
                        if let echo { _ = write(echo, bytes.baseAddress, bytes.count) }
                        let room = Self.outputLimit - captured.count
                        if bytes.count > room { truncated = true }
                        captured.append(contentsOf: bytes.prefix(max(room, 0)))
                    }
                }
                return (captured, truncated)
            }
            var output = String(decoding: result.closureResult.0, as: UTF8.self)
            if result.closureResult.1 { output += "\n[devserve: output truncated after \(Self.outputLimit) bytes]\n" }
            let exitCode: Int32? =
                switch result.terminationStatus {
                case .exited(let code): code
                case .signaled: nil
                }
            if case .signaled(let signal) = result.terminationStatus {
                output += "\n[devserve: build killed by signal \(signal)]\n"
            }
            return BuildResult(exitCode: exitCode, output: output, duration: clock.now - start)
        } catch {
            let reason = Task.isCancelled ? "build cancelled" : "cannot run /bin/sh -c \(command) in \(directory): \(error)"
            return BuildResult(exitCode: nil, output: reason, duration: clock.now - start)
        }
    }
}
