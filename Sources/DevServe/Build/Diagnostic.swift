/// One problem a build reported, where it is and what it says.
public struct Diagnostic: Sendable, Codable, Equatable {
    /// How bad a problem is, as the tool said.
    public enum Severity: String, Sendable, Codable {
        case error, warning, note
    }

    /// Relative to the project folder when the file lies in it, else as the build printed it.
    public var file: String
    /// 1-based.
    public var line: Int
    /// 1-based; nil when the tool gave no column.
    public var column: Int?
    /// Error, warning or note.
    public var severity: Severity
    /// What the tool said, on one line.
    public var message: String

    /// A problem at a place.
    public init(file: String, line: Int, column: Int?, severity: Severity, message: String) {
        self.file = file
        self.line = line
        self.column = column
        self.severity = severity
        self.message = message
    }

    /// `file:line:col: severity: message`, the form compilers print and editors parse.
    public var formatted: String {
        "\(file):\(line):" + (column.map { "\($0):" } ?? "") + " \(severity.rawValue): \(message)"
    }
}
