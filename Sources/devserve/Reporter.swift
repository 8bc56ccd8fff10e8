import DevServe
import Foundation

/// Prints what happens: one line per build (what changed, how long it took, the first
/// diagnostic), or one JSON object per event with `--json`.
struct Reporter: Sendable {
    let json: Bool
    let color: Bool

    func listening(_ url: String) {
        emit(json ? #"{"type":"listening","url":"\#(url)"}"# : url)
    }

    func report(_ event: DevServerEvent) {
        // With --json the payload is a JSON object: add the type in front.
        if json {
            emit(#"{"type":"\#(event.kind.rawValue)","# + event.json.dropFirst())
        } else if let line = line(for: event) {
            emit(line)
        }
    }

    /// One whole line on stdout, written at once (unbuffered), so followers see it immediately.
    private func emit(_ line: String) {
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }

    /// `built in 35 ms · src/app.js changed · 2 outputs`, or
    /// `error in 35 ms · src/app.js changed · src/app.js:2:3: error: … (+1 more)`; nil for `building`.
    private func line(for event: DevServerEvent) -> String? {
        let took = " in \(event.durationMs ?? 0) ms"
        var parts: [String]
        switch event.kind {
        case .building:
            return nil
        case .built:
            parts = [paint("built", 32) + took]
        case .error:
            parts = [paint("error", 31) + took + " (exit code \(event.exitCode ?? -1))"]
        }
        parts.append(Self.describe(event.changed))
        if let outputs = event.outputs {
            parts.append(outputs.isEmpty ? "output unchanged" : outputs.count == 1 ? "\(outputs[0]) updated" : "\(outputs.count) outputs updated")
        }
        let diagnostics = event.diagnostics ?? []
        if let first = diagnostics.first(where: { $0.severity == .error }) ?? diagnostics.first {
            let more = diagnostics.count > 1 ? " (+\(diagnostics.count - 1) more)" : ""
            parts.append(paint(first.formatted, first.severity == .error ? 31 : 33) + more)
        }
        return parts.joined(separator: " · ")
    }

    private static func describe(_ changed: [String]) -> String {
        if changed.first == "." { return "everything may have changed" }
        switch changed.count {
        case 0: return "start-up build"
        case 1: return "\(changed[0]) changed"
        case 2: return "\(changed[0]) and \(changed[1]) changed"
        default: return "\(changed[0]) and \(changed.count - 1) more changed"
        }
    }

    private func paint(_ text: String, _ code: Int) -> String {
        color ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text
    }
}
