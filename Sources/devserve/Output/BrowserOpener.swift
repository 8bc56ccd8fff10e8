import Foundation
import Logging
import Subprocess

/// `--open`: shows the served URL in the default browser with `xdg-open`, once.
enum BrowserOpener {
    /// Runs `xdg-open URL`; a missing `xdg-open` or a failure is a warning, never fatal.
    static func open(_ url: String, logger: Logger) async {
        do {
            let result = try await Subprocess.run(
                .name("xdg-open"), arguments: [url], input: .none, output: .discarded, error: .string(limit: 4096))
            if !result.terminationStatus.isSuccess {
                let reason = result.standardError.trimmingCharacters(in: .whitespacesAndNewlines)
                logger.warning("--open: xdg-open \(url) failed\(reason.isEmpty ? "" : ": \(reason)")")
            }
        } catch {
            logger.warning("--open: cannot run xdg-open (install xdg-utils, or open \(url) yourself)")
        }
    }
}
