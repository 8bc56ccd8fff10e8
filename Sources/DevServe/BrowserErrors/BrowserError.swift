/// An error a page reported (`POST /__hmr/error`): what `browser-error` events carry, and what
/// devserve prints in the terminal.
public struct BrowserError: Sendable, Codable, Equatable {
    /// One frame of the error's stack: a file (relative to the project folder when devserve knows
    /// it, mapped through a source map where there is one; else the URL path), 1-based line and
    /// column.
    public struct Frame: Sendable, Codable, Equatable {
        public var file: String
        public var line: Int
        public var column: Int

        public init(file: String, line: Int, column: Int) {
            self.file = file
            self.line = line
            self.column = column
        }
    }

    /// `error` (uncaught), `rejection` (unhandled), `module` (a script or module that failed to
    /// load), `console-error`, `console-warn` (with `--forward-console`).
    public var kind: String
    public var message: String
    public var stack: [Frame]
    /// The page's URL path and query.
    public var page: String

    public init(kind: String, message: String, stack: [Frame], page: String) {
        self.kind = kind
        self.message = message
        self.stack = stack
        self.page = page
    }

    /// The largest report taken (`POST /__hmr/error`).
    public static let reportLimit = 16 * 1024

    /// The kinds a page may report.
    public static let kinds: Set<String> = ["error", "rejection", "module", "console-error", "console-warn"]

    /// The terminal's line: `browser error · MESSAGE · src/app.ts:3:5 (page /index.html)`, on one
    /// line (the message's first line, at most 300 characters).
    public var line: String {
        let label =
            switch kind {
            case "console-error": "browser console.error"
            case "console-warn": "browser console.warn"
            case "rejection": "browser unhandled rejection"
            case "module": "browser load error"
            default: "browser error"
            }
        var text = String(message.prefix { $0 != "\n" && $0 != "\r" }.prefix(300))
        if text.isEmpty { text = "(no message)" }
        let place = stack.first.map { " · \($0.file):\($0.line):\($0.column)" } ?? ""
        return "\(label) · \(text)\(place) (page \(page))"
    }
}
