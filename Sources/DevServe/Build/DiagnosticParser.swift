/// Finds diagnostics in a build's output, in the forms common tools print:
///
/// - `file:line:col: error|warning|note: message` (swiftc, clang, gcc, tsc `--pretty false`,
///   esbuild's and sass's one-line forms, rustc `--error-format=short`; the column may be
///   missing);
/// - `file:line:col - error TS2322: message` (tsc `--pretty`);
/// - `file(line,col): error TS2322: message` (tsc's default form);
/// - `./main.go:3:2: message` (go build, go test; `vet: ` may come first, and `go.mod:4: message`
///   has no column), an error;
/// - Hugo's quoted `"/abs/layouts/_default/single.html:9:1": message`, anywhere in the line (an
///   error, a warning on a `WARN` line);
/// - `  Liquid Exception: message in about.md` (Jekyll; the line is the message's `(line N)`,
///   which Liquid counts from the end of the front matter, else 1);
/// - esbuild's `✘ [ERROR] message` with the location on a following line;
/// - dart-sass's `Error: message` with `  file line:col  root stylesheet` below it;
/// - libsass's (sassc's) `Error: message` or `WARNING: message` with `  on line 5:15 of file`
///   below it (the `from line …` lines of imports that follow are not repeated);
/// - rustc's and cargo's `error[E0425]: message` (or `warning: …`) with ` --> file:line:col`
///   below it;
/// - Python tracebacks (mkdocs and other generators): the innermost `File "x.py", line 3` frame
///   that names a real file, with the exception line that closes the traceback as message;
/// - eslint's "stylish" form: a file name line, then `  line:col  error  message  rule` lines.
///
/// Colour codes are removed first. Paths under the project folder become relative to it. A path
/// a tool prints bare (not quoted, not after a fixed marker such as `-->` or `of`) never takes
/// in what precedes it on the line: control characters, bytes that were not UTF-8, indentation,
/// or words before a space (a space may appear only inside the project folder's own path).
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
        /// A message waiting for its location (esbuild, sass, libsass, rustc), or the current eslint file.
        var pending: (severity: Diagnostic.Severity, message: String)?
        var eslintFile: String?
        /// The innermost real frame of the Python traceback being read, if one is being read.
        var frame: (file: Substring, line: Int)?
        var inTraceback = false
        // "\r\n" is one Character, so it is a separator of its own.
        let lines = Self.stripColours(output).split(
            omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" })
        for rawLine in lines {
            guard found.count < Self.limit else { break }
            let line = rawLine.hasSuffix("\r") ? rawLine.dropLast() : rawLine
            guard line.count < 4096 else { continue }
            // A Python traceback: its frames, their indented source lines, then the exception.
            if line.drop(while: \.isWhitespace).hasPrefix("File \""), let match = line.wholeMatch(of: forms.pythonFrame) {
                inTraceback = true
                if !match.1.hasPrefix("<") { frame = (match.1, Int(match.2) ?? 0) }
                continue
            }
            if inTraceback {
                if let first = line.first, first.isWhitespace { continue }
                let innermost = frame
                inTraceback = false
                frame = nil
                if let innermost, line.wholeMatch(of: forms.pythonException) != nil {
                    found.append(Diagnostic(
                        file: relative(innermost.file), line: innermost.line, column: nil, severity: .error,
                        message: String(line)))
                    continue
                }
            }
            // Cheap tests first: most lines of a long log match no form at all.
            let hasDigit = line.contains(where: \.isNumber)
            if hasDigit, line.contains(":"), let match = line.wholeMatch(of: forms.compilerForm) {
                if let diagnostic = make(match.1, match.2, match.3, match.4, match.5) { found.append(diagnostic) }
                pending = nil
            } else if hasDigit, line.contains("go"), let match = line.wholeMatch(of: forms.goForm) {
                if let diagnostic = make(match.1, match.2, match.3, "error", match.4) { found.append(diagnostic) }
                pending = nil
            } else if hasDigit, line.contains("TS"),
                let match = line.wholeMatch(of: forms.tscPrettyForm) ?? line.wholeMatch(of: forms.tscForm)
            {
                if let diagnostic = make(match.1, match.2, match.3, match.4, match.5) { found.append(diagnostic) }
                pending = nil
            } else if hasDigit, line.contains("\":"), let match = line.firstMatch(of: forms.hugoForm) {
                found.append(Diagnostic(
                    file: relative(match.1), line: Int(match.2) ?? 0, column: Int(match.3),
                    severity: line.hasPrefix("WARN") ? .warning : .error, message: String(match.4)))
                pending = nil
            } else if line.contains("Liquid "), let match = line.wholeMatch(of: forms.liquidForm) {
                let stated = match.2.firstMatch(of: forms.liquidLine).flatMap { Int($0.1) }
                found.append(Diagnostic(
                    file: relative(match.3), line: stated ?? 1, column: nil,
                    severity: match.1 == "Warning" ? .warning : .error, message: String(match.2)))
                pending = nil
            } else if line.contains("["), let match = line.wholeMatch(of: forms.esbuildHeader) {
                pending = (match.1.lowercased() == "error" ? .error : .warning, String(match.2))
            } else if line.first == "E" || line.first == "W" || line.first == "D",
                let match = line.wholeMatch(of: forms.sassHeader)
            {
                pending = (match.1 == "Error" ? .error : .warning, String(match.2))
            } else if line.first == "e" || line.first == "w" || line.first == "n",
                let match = line.wholeMatch(of: forms.rustHeader)
            {
                let severity: Diagnostic.Severity = match.1 == "error" ? .error : match.1 == "warning" ? .warning : .note
                pending = (severity, String(match.3))
            } else if hasDigit, let waiting = pending,
                let match = line.wholeMatch(of: forms.rustLocation) ?? line.wholeMatch(of: forms.esbuildLocation)
                    ?? line.wholeMatch(of: forms.sassLocation)
            {
                found.append(Diagnostic(
                    file: relative(match.1), line: Int(match.2) ?? 0, column: Int(match.3),
                    severity: waiting.severity, message: waiting.message))
                pending = nil
            } else if hasDigit, let waiting = pending, let match = line.wholeMatch(of: forms.libsassLocation) {
                found.append(Diagnostic(
                    file: relative(match.3), line: Int(match.1) ?? 0, column: match.2.flatMap { Int($0) },
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

    /// A diagnostic at a bare path (see `barePath(_:)`); nil when nothing of the path is left.
    private func make(
        _ file: Substring, _ line: Substring, _ column: Substring?, _ severity: Substring, _ message: Substring
    ) -> Diagnostic? {
        let path = relative(barePath(file))
        guard !path.isEmpty else { return nil }
        let lowered = severity.lowercased()
        let kind: Diagnostic.Severity = lowered.hasSuffix("error") ? .error : lowered == "warning" ? .warning : .note
        return Diagnostic(
            file: path, line: Int(line) ?? 0, column: column.flatMap { Int($0) }, severity: kind,
            message: String(message))
    }

    /// The path that ends `text`, as a tool prints a path bare at the start of its line: without
    /// whatever came before it on the line (control characters, bytes that were not UTF-8,
    /// indentation, a progress counter). Such a path has no spaces, except inside the project
    /// folder's own path when the path starts with it.
    private func barePath(_ text: Substring) -> Substring {
        var path = text
        if let junk = path.lastIndex(where: Self.isJunk) { path = path[path.index(after: junk)...] }
        path = path.drop(while: \.isWhitespace)
        guard let lastSpace = path.lastIndex(where: \.isWhitespace) else { return path }
        if projectFolder != "/" {
            let folder = projectFolder + "/"
            var start = path.startIndex
            while start < lastSpace {
                if start == path.startIndex || path[path.index(before: start)].isWhitespace, path[start...].hasPrefix(folder) {
                    return path[start...]
                }
                start = path.index(after: start)
            }
        }
        return path[path.index(after: lastSpace)...]
    }

    /// Whether `character` can be in no path a tool prints: a control character, or U+FFFD, which
    /// stands for bytes that were not UTF-8.
    private static func isJunk(_ character: Character) -> Bool {
        character == "\u{FFFD}" || character.unicodeScalars.contains { $0.properties.generalCategory == .control }
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
        // Bare paths (the first group of the first four) take in what precedes them; `barePath` cuts it off.
        let compilerForm =
        #/([^:]+?):(\d+)(?::(\d+))?:\s*(fatal error|error|warning|note|remark|info)(?:\[[^\]]*\])?:\s*(.*)/#
        let goForm = #/(?:vet: )?([^:]+?\.go|[^:]*?go\.(?:mod|work)):(\d+)(?::(\d+))?:\s+(.+)/#
        let tscPrettyForm = #/([^:]+?):(\d+):(\d+)\s+-\s+(error|warning|message)\s+(TS\d+:\s*.*)/#
        let tscForm = #/([^(]+?)\((\d+),(\d+)\):\s*(error|warning|message)\s+(TS\d+:\s*.*)/#
        let hugoForm = #/"([^"\p{Cc}]+?):(\d+):(\d+)":\s*(.+)/#
        let liquidForm = #/\s*Liquid (Exception|Error|Warning):\s+(.+) in (\S.*?)\s*/#
        let liquidLine = #/\(line (\d+)\)/#
        let esbuildHeader = #/\s*[✘▲X!]?\s*\[(ERROR|WARNING|error|warning)\]\s+(.*)/#
        let esbuildLocation = #/\s+([^\s:][^:]*?):(\d+):(\d+):\s*/#
        let sassHeader = #/(Error|Warning|WARNING|Deprecation Warning):\s+(.*)/#
        let sassLocation = #/\s+(\S+)\s+(\d+):(\d+)\s+.*/#
        let libsassLocation = #/\s+on line (\d+)(?::(\d+))? of ([^\p{Cc}]+?)\s*/#
        let rustHeader = #/(error|warning|note)(?:\[([A-Z]+\d+)\])?:\s+(.+)/#
        let rustLocation = #/\s*-->\s+([^\p{Cc}]+?):(\d+):(\d+)\s*/#
        let pythonFrame = #/\s*File "([^"\p{Cc}]+)", line (\d+)(?:, in .*)?/#
        let pythonException = #/[A-Za-z_][\w.]*(?::.*)?/#
        let eslintFileLine = #/(?:/|[A-Za-z]:\\|\.{1,2}/)?[^\s:][^:]*\.[A-Za-z0-9]+/#
        let eslintEntry = #/\s+(\d+):(\d+)\s+(error|warning)\s+(.+?)(?:\s{2,}\S+)?\s*/#
    }

    /// The text without ANSI escape sequences (colours, cursor moves, hyperlinks).
    static func stripColours(_ text: String) -> String {
        guard text.contains("\u{1B}") else { return text }
        return text.replacing(#/\x1B(?:\[[0-?]*[ -\/]*[@-~]|\][^\x07\x1B]*(?:\x07|\x1B\\)?|[@-Z\\-_])/#, with: "")
    }
}
