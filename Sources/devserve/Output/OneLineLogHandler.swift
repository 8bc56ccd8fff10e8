import Foundation
import Logging

/// Log messages as users read errors: `devserve: warning: message`, one line on stderr.
struct OneLineLogHandler: LogHandler {
    var logLevel: Logger.Level = .warning
    var metadata: Logger.Metadata = [:]

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let text = "\(event.message)".replacingOccurrences(of: "\n", with: " ")
        FileHandle.standardError.write(Data("devserve: \(event.level): \(text)\n".utf8))
    }
}
