import DevServe
import Foundation

/// Prints what happens, in a form both people and editors read:
///
/// ```text
/// building · src/app.js changed
/// src/app.js:2:3: error: Unexpected token
/// error in 35 ms (exit code 1) · src/app.js changed · 1 error
/// ```
///
/// Every build starts with a `building` line and ends with a `built in` or `error in` line
/// (the begin and end patterns of an editor's background task), and each problem in between is
/// one `file:line:col: severity: message` line, as problem matchers and `errorformat` expect.
/// An error a page reported is one `browser error · MESSAGE · file:line:col (page /x.html)` line.
/// With `--json`, one JSON object per event instead.
struct Reporter: Sendable {
    let json: Bool
    let color: Bool
    /// Whether the build's output was echoed on the same stdout as it ran (`devserve serve`).
    /// When it was not (`devserve events`, `rebuild`: the build ran in another process), an
    /// `error` shows the end of its output, which is where a build says what went wrong. Either
    /// way, problems already printed in the `file:line:col` form are not printed again.
    var buildEchoed = false

    /// How many of the last lines of a failed build's output are shown when it was not echoed.
    static let outputTailLines = 20

    /// The URL served on its own line (the first a script reads), then one `Network:` line per
    /// address other machines reach it at; with `--json`, one object with both.
    func listening(_ urls: ServedURLs) {
        if json {
            let network = urls.network.map { "\"\($0)\"" }.joined(separator: ",")
            emit(#"{"type":"listening","url":"\#(urls.local)","network":[\#(network)]}"#)
        } else {
            emit(urls.local)
            for url in urls.network { emit("  Network: \(url)") }
        }
    }

    func report(_ event: DevServerEvent) {
        if json {
            emit(Self.typed(event.kind.rawValue, event.json))
        } else {
            for line in lines(for: event) { emit(line) }
        }
    }

    /// An event followed from a running devserve (`devserve events`).
    func report(_ event: RemoteEvent, from server: RemoteServer) {
        switch event {
        case .build(let build):
            report(build)
        case .hello(let state, let payload):
            emit(json ? Self.typed("hello", payload) : "connected to \(server.url) · \(state)")
        case .custom(let payload):
            if json {
                emit(Self.typed("custom", payload))
            } else {
                let object = (try? JSONSerialization.jsonObject(with: Data(payload.utf8))) as? [String: Any]
                emit("custom event \(object?["name"] as? String ?? "?")")
            }
        }
    }

    /// `devserve status`: one line, then the last error's problems.
    func status(_ status: RemoteStatus) {
        let clients = status.clients == 1 ? "1 client" : "\(status.clients) clients"
        switch status.state {
        case "building":
            emit("building · \(Self.describe(status.changed)) · \(clients)")
        case "error":
            if let error = status.error {
                for diagnostic in error.diagnostics ?? [] { emit(diagnostic.formatted) }
                emit("error · the last build failed" + (error.exitCode.map { " (exit code \($0))" } ?? "")
                     + " · \(Self.describe(error.changed)) · \(clients)")
            } else {
                emit("error · the last build failed · \(clients)")
            }
        default:
            emit("\(status.state) · \(clients)")
        }
    }

    /// A line about the connection, for people.
    func note(_ text: String) { emit(text) }

    /// One whole line on stdout, written at once (unbuffered), so followers see it immediately.
    private func emit(_ line: String) {
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }

    /// `{"type":"TYPE",…}` from a JSON object payload.
    private static func typed(_ type: String, _ payload: String) -> String {
        #"{"type":"\#(type)","# + payload.drop { $0 != "{" }.dropFirst()
    }

    /// The begin line; or the problems, then the end line.
    private func lines(for event: DevServerEvent) -> [String] {
        let changed = Self.describe(event.changed)
        let took = " in \(event.durationMs ?? 0) ms"
        switch event.kind {
        case .building:
            return ["building · \(changed)"]
        case .built:
            var end = ["built" + took, changed]
            if let outputs = event.outputs {
                end.append(outputs.isEmpty ? "output unchanged" : outputs.count == 1 ? "\(outputs[0]) updated" : "\(outputs.count) outputs updated")
            }
            let diagnostics = event.diagnostics ?? []
            if !diagnostics.isEmpty { end.append(paint(Self.count(diagnostics), 33)) }
            return diagnostics.map(\.formatted) + [end.joined(separator: " · ")]
        case .error:
            let diagnostics = event.diagnostics ?? []
            let output = Self.lines(of: event.output ?? "")
            let tail = buildEchoed ? [] : tailLines(of: output)
            // A problem the build already printed in this exact form, above, is not printed twice.
            let printed = Set((buildEchoed ? output : tail).map(Self.plain))
            let problems = diagnostics.map(\.formatted).filter { !printed.contains($0) }
            let summary = !diagnostics.isEmpty ? Self.count(diagnostics) : output.isEmpty ? "no output" : "see the output above"
            let end = ["error" + took + " " + paint("(exit code \(event.exitCode ?? -1))", 31), changed, paint(summary, 31)]
            return tail + problems + [end.joined(separator: " · ")]
        case .custom:
            return []
        case .browserError:
            return event.browserError.map { [paint($0.line, $0.kind == "console-warn" ? 33 : 31)] } ?? []
        }
    }

    /// The last ``outputTailLines`` lines of a build's output, after a line that says how many
    /// are left out; without colour codes unless this prints in colour.
    private func tailLines(of lines: [String]) -> [String] {
        let shown = lines.suffix(Self.outputTailLines).map { color ? $0 : Self.withoutEscapes($0) }
        let cut = lines.count - shown.count
        guard cut > 0 else { return shown }
        return ["… \(cut) earlier line\(cut == 1 ? "" : "s") of output not shown (--json has them)"] + shown
    }

    /// The lines of a build's output, without line ends and without the empty lines at its end.
    private static func lines(of output: String) -> [String] {
        var lines = output.split(separator: "\n", omittingEmptySubsequences: false).map {
            String($0.hasSuffix("\r") ? $0.dropLast() : $0)
        }
        while lines.last?.allSatisfy(\.isWhitespace) == true { lines.removeLast() }
        return lines
    }

    /// `2 errors, 1 warning`.
    private static func count(_ diagnostics: [Diagnostic]) -> String {
        let errors = diagnostics.filter { $0.severity == .error }.count
        let warnings = diagnostics.filter { $0.severity == .warning }.count
        var parts: [String] = []
        if errors > 0 { parts.append(errors == 1 ? "1 error" : "\(errors) errors") }
        if warnings > 0 { parts.append(warnings == 1 ? "1 warning" : "\(warnings) warnings") }
        return parts.isEmpty ? (diagnostics.count == 1 ? "1 note" : "\(diagnostics.count) notes") : parts.joined(separator: ", ")
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

    /// A line without its ANSI escape sequences and surrounding blanks, for comparing.
    private static func plain(_ line: String) -> String {
        withoutEscapes(line).trimmingCharacters(in: .whitespaces)
    }

    /// A line without its ANSI escape sequences (colours), which a pipe or a file should not get.
    private static func withoutEscapes(_ line: String) -> String {
        line.replacingOccurrences(of: "\u{1B}\\[[0-9;]*[A-Za-z]", with: "", options: .regularExpression)
    }

    private func paint(_ text: String, _ code: Int) -> String {
        color ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text
    }
}
