import Foundation
import Logging
import Subprocess

/// `--open`: shows the served URL in the default browser with `xdg-open`, once.
enum BrowserOpener {
    /// Runs `xdg-open URL`; a missing `xdg-open` or a failure is one short warning, never fatal:
    /// `could not open a browser (xdg-open failed: …); open http://127.0.0.1:8080/ yourself`.
    static func open(_ url: String, logger: Logger) async {
        if let problem = await problem(opening: url) {
            logger.warning("could not open a browser (\(problem)); open \(url) yourself")
        }
    }

    /// Why `xdg-open` did not open `url`, in a few words; nil when it did.
    static func problem(opening url: String) async -> String? {
        do {
            let result = try await Subprocess.run(
                .name("xdg-open"), arguments: [url], input: .none, output: .discarded, error: .string(limit: 1 << 16))
            if result.terminationStatus.isSuccess { return nil }
            return "xdg-open failed: " + reason(result.standardError, status: result.terminationStatus)
        } catch let error as SubprocessError where error.code == .executableNotFound {
            return "no xdg-open: install xdg-utils"
        } catch {
            return "cannot run xdg-open: " + String(describing: error).split(separator: "\n").joined(separator: " ")
        }
    }

    /// The one line of `xdg-open`'s complaints that says what went wrong. Without a browser it
    /// prints a line per browser it tried (`/usr/bin/xdg-open: 882: www-browser: not found`, six
    /// of them) and its conclusion last (`xdg-open: no method available for opening '…'`), so
    /// the last line it printed is the one kept, without its `xdg-open: `.
    static func reason(_ standardError: String, status: TerminationStatus) -> String {
        let lines = standardError.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
        guard var last = lines.last(where: { !$0.isEmpty }) else {
            if case .exited(let code) = status { return "exit code \(code)" }
            return "\(status)"
        }
        if last.hasPrefix("xdg-open: ") { last.removeFirst("xdg-open: ".count) }
        return last.count > 200 ? String(last.prefix(200)) + "…" : last
    }
}
