/// Finds diagnostics in a build's output, in the forms common tools print:
///
/// - `file:line:col: error|warning|note: message` (swiftc, clang, gcc, tsc `--pretty false`,
///   esbuild's and sass's one-line forms; the column may be missing);
/// - `file:line:col - error TS2322: message` (tsc `--pretty`);
/// - `file(line,col): error TS2322: message` (tsc's default form);
/// - esbuild's `✘ [ERROR] message` with the location on a following line;
/// - dart-sass's `Error: message` with `  file line:col  root stylesheet` below it;
/// - eslint's "stylish" form: a file name line, then `  line:col  error  message  rule` lines.
///
/// Colour codes are removed first. Paths under the project folder become relative to it.
public struct DiagnosticParser: Sendable {
    /// The most diagnostics kept from one build.
    public static let limit = 100

    /// Paths under it are reported relative to it.
    public let projectFolder: String

    /// A parser that makes paths relative to `projectFolder`.
    public init(projectFolder: String) {
        self.projectFolder = FolderPath.trimmed(projectFolder)
    }

    /// The problems `output` reports, in order (at most 100).
    public func parse(_ output: String) -> [Diagnostic] {
        let forms = Forms()
        var found: [Diagnostic] = []
        /// A message waiting for its location (esbuild, sass), or the current eslint file.
        var pending: (severity: Diagnostic.Severity, message: String)?
        var eslintFile: String?
        for rawLine in Self.stripColours(output).split(separator: "\n", omittingEmptySubsequences: false) {
            guard found.count < Self.limit else { break }
            let line = rawLine.hasSuffix("\r") ? rawLine.dropLast() : rawLine
            guard line.count < 4096 else { continue }
            // Cheap tests first: most lines of a long log match no form at all.
            let hasDigit = line.contains(where: \.isNumber)
            if hasDigit, line.contains(":"), let match = line.wholeMatch(of: forms.compilerForm) {
                found.append(make(match.1, match.2, match.3, match.4, match.5))
                pending = nil
            } else if hasDigit, line.contains("TS"),
                let match = line.wholeMatch(of: forms.tscPrettyForm) ?? line.wholeMatch(of: forms.tscForm)
            {
                found.append(make(match.1, match.2, match.3, match.4, match.5))
                pending = nil
            } else if line.contains("["), let match = line.wholeMatch(of: forms.esbuildHeader) {
                pending = (match.1.lowercased() == "error" ? .error : .warning, String(match.2))
            } else if line.first == "E" || line.first == "W" || line.first == "D",
                let match = line.wholeMatch(of: forms.sassHeader)
            {
                pending = (match.1 == "Error" ? .error : .warning, String(match.2))
            } else if hasDigit, let waiting = pending,
                let match = line.wholeMatch(of: forms.esbuildLocation) ?? line.wholeMatch(of: forms.sassLocation)
            {
                found.append(Diagnostic(
                    file: relative(match.1), line: Int(match.2) ?? 0, column: Int(match.3),
                    severity: waiting.severity, message: waiting.message))
                pending = nil
            } else if hasDigit, let file = eslintFile, let match = line.wholeMatch(of: forms.eslintEntry) {
                found.append(Diagnostic(
                    file: relative(file[...]), line: Int(match.1) ?? 0, column: Int(match.2),
                    severity: match.3 == "error" ? .error : .warning, message: String(match.4)))
            } else if let first = line.first, !first.isWhitespace, line.contains("."),
                line.wholeMatch(of: forms.eslintFileLine) != nil
            {
                eslintFile = String(line)
            } else if line.isEmpty {
                eslintFile = nil
            }
        }
        return found
    }

    private func make(_ file: Substring, _ line: Substring, _ column: Substring?, _ severity: Substring, _ message: Substring) -> Diagnostic {
        let lowered = severity.lowercased()
        let kind: Diagnostic.Severity = lowered.hasSuffix("error") ? .error : lowered == "warning" ? .warning : .note
        return Diagnostic(
            file: relative(file), line: Int(line) ?? 0, column: column.flatMap { Int($0) }, severity: kind,
            message: String(message))
    }

    private func relative(_ file: Substring) -> String {
        var path = String(file.trimmingPrefix(while: { $0 == " " }))
        if path.hasPrefix("file://") { path.removeFirst("file://".count) }
        if path.hasPrefix(projectFolder + "/") { return String(path.dropFirst(projectFolder.count + 1)) }
        while path.hasPrefix("./") { path.removeFirst(2) }
        return path
    }

    // MARK: Forms

    /// The patterns, made per parse (`Regex` is not `Sendable`).
    private struct Forms {
        let compilerForm =
        #/([^\s:][^:]*?):(\d+)(?::(\d+))?:\s*(fatal error|error|warning|note|remark|info)(?:\[[^\]]*\])?:\s*(.*)/#
        let tscPrettyForm = #/([^\s:][^:]*?):(\d+):(\d+)\s+-\s+(error|warning|message)\s+(TS\d+:\s*.*)/#
        let tscForm = #/([^\s(][^(]*?)\((\d+),(\d+)\):\s*(error|warning|message)\s+(TS\d+:\s*.*)/#
        let esbuildHeader = #/\s*[✘▲X!]?\s*\[(ERROR|WARNING|error|warning)\]\s+(.*)/#
        let esbuildLocation = #/\s+([^\s:][^:]*?):(\d+):(\d+):\s*/#
        let sassHeader = #/(Error|Warning|Deprecation Warning):\s+(.*)/#
        let sassLocation = #/\s+(\S+)\s+(\d+):(\d+)\s+.*/#
        let eslintFileLine = #/(?:/|[A-Za-z]:\\|\.{1,2}/)?[^\s:][^:]*\.[A-Za-z0-9]+/#
        let eslintEntry = #/\s+(\d+):(\d+)\s+(error|warning)\s+(.+?)(?:\s{2,}\S+)?\s*/#
    }

    /// The text without ANSI escape sequences (colours, cursor moves, hyperlinks).
    static func stripColours(_ text: String) -> String {
        guard text.contains("\u{1B}") else { return text }
        return text.replacing(#/\x1B(?:\[[0-?]*[ -\/]*[@-~]|\][^\x07\x1B]*(?:\x07|\x1B\\)?|[@-Z\\-_])/#, with: "")
    }
}
