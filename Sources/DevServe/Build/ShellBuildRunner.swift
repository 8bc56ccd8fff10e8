import Subprocess
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Runs a command with `/bin/sh -c` from the project folder.
///
/// The build runs in a session (and process group) of its own, so stopping devserve — or
/// cancelling the build — terminates the shell and everything it started: `SIGTERM` to the whole
/// group, then `SIGKILL` after a grace period. Output is echoed as it arrives and kept for the
/// `error` event: its first 256 KiB and its last 768 KiB (``KeptOutput``).
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

    /// The shell command (`/bin/sh -c`).
    public let command: String
    /// The folder it runs in.
    public let directory: String
    /// Where its output is echoed while it runs.
    public let echo: Echo
    /// How long a stopped build gets between SIGTERM and SIGKILL.
    public let gracePeriod: Duration
    /// A build still running after this long is stopped (its whole process group) and reported
    /// as failed, with its output so far. Nil: no limit.
    public let timeout: Duration?

    /// A runner for `command` in `directory`.
    public init(command: String, directory: String, echo: Echo, gracePeriod: Duration = .seconds(2), timeout: Duration? = nil) {
        self.command = command
        self.directory = directory
        self.echo = echo
        self.gracePeriod = gracePeriod
        self.timeout = timeout
    }

    /// Runs the build once; cancelling stops its whole process group.
    public func run() async -> BuildResult {
        let clock = ContinuousClock()
        let start = clock.now
        let gracePeriod = self.gracePeriod
        var options = PlatformOptions()
        options.createSession = true
        options.teardownSequence = [
            .gracefulShutDown(toProcessGroup: true, allowedDurationToNextStep: gracePeriod),
            .send(signal: .kill, toProcessGroup: true, allowedDurationToNextStep: .milliseconds(100)),
        ]
        let echo = self.echo.descriptor
        let processGroup = Atomic<Int32>(0)
        let timeout = self.timeout
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
                let group = execution.processIdentifier.value
                processGroup.store(group, ordering: .relaxed)
                return try await withThrowingTaskGroup(of: Captured?.self) { tasks in
                    tasks.addTask { try await Self.capture(execution.standardOutput, echo: echo) }
                    if let timeout {
                        tasks.addTask {
                            try await Task.sleep(for: timeout)
                            _ = killpg(group, SIGTERM)
                            try await Task.sleep(for: gracePeriod)
                            _ = killpg(group, SIGKILL)
                            return nil
                        }
                    }
                    // The output ends when the build (and whatever holds its output) has ended:
                    // by itself, or stopped by the timer.
                    while let next = try await tasks.next() {
                        guard var captured = next else { continue }
                        tasks.cancelAll()
                        captured.timedOut = timeout.map { clock.now - start >= $0 } ?? false
                        return captured
                    }
                    return Captured()
                }
            }
            var output = result.closureResult.output.text
            let exitCode: Int32? =
                switch result.terminationStatus {
                case .exited(let code): code
                case .signaled: nil
                }
            if result.closureResult.timedOut, let timeout {
                output += "\n[devserve: build timed out after \(Self.seconds(timeout)) and was stopped]\n"
                return BuildResult(exitCode: nil, output: output, duration: clock.now - start, timedOut: true)
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

    /// `1 s`, `2.5 s`.
    private static func seconds(_ duration: Duration) -> String {
        let tenths = Int(duration / .milliseconds(100))
        return tenths % 10 == 0 ? "\(tenths / 10) s" : "\(Double(tenths) / 10) s"
    }

    /// Output kept from a build.
    private struct Captured: Sendable {
        var output = KeptOutput()
        var timedOut = false
    }

    /// Reads the build's output to its end, echoing it and keeping its head and tail.
    private static func capture(_ output: SubprocessOutputSequence, echo: Int32?) async throws -> Captured {
        var captured = Captured()
        for try await chunk in output {
            chunk.withUnsafeBytes { bytes in
                if let echo { _ = write(echo, bytes.baseAddress, bytes.count) }
                captured.output.append(bytes)
            }
        }
        return captured
    }
}
