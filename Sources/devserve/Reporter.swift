import DevServe
import Foundation

/// Prints what happens: one line per event, or one JSON object per line with `--json`.
struct Reporter: Sendable {
    let json: Bool
    let color: Bool

    func listening(_ url: String) {
        emit(json ? #"{"type":"listening","url":"\#(url)"}"# : url)
    }

    func report(_ event: DevServerEvent) {
        // With --json the payload is a JSON object: add the type in front.
        emit(json ? #"{"type":"\#(event.kind.rawValue)","# + event.json.dropFirst() : line(for: event))
    }

    /// One whole line on stdout, written at once (unbuffered), so followers see it immediately.
    private func emit(_ line: String) {
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }

    private func line(for event: DevServerEvent) -> String {
        let changed = event.changed.count == 1 ? event.changed[0] : "\(event.changed.count) files"
        switch event.kind {
        case .building:
            return paint("building", 33) + " (\(changed) changed)"
        case .built:
            return paint("built", 32) + " in \(event.durationMs ?? 0) ms"
        case .error:
            return paint("error", 31) + ": build failed with exit code \(event.exitCode ?? -1) in \(event.durationMs ?? 0) ms"
        }
    }

    private func paint(_ text: String, _ code: Int) -> String {
        color ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text
    }
}
