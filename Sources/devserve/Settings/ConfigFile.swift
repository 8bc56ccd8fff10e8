import Foundation
import TOMLKit

/// `devserve.toml`: the same keys as the flags of `devserve serve` (without `--`), in TOML.
///
/// ```toml
/// root = "public"
/// build = "make"
/// watch = ["src"]          # or watch = "src": one string is a list of one
/// spa = true
///
/// [proxy]
/// "/api" = "http://127.0.0.1:3000"
/// ```
///
/// `proxy` is a list of `"PREFIX=URL"` strings or a table of prefix = URL. Relative paths are
/// resolved from the file's folder. Every mistake, a syntax error included, is one line that
/// names the file, the line and the key, and says what the key takes:
/// `devserve.toml:3: spa: expected true or false, got yes`.
struct ConfigFile {
    /// The name looked for in the current folder.
    static let defaultName = "devserve.toml"

    /// The file as the user named it, for messages.
    let displayPath: String
    /// Its folder, absolute: relative paths in the file start there.
    let folder: String
    let text: String
    /// The text by lines, for the line numbers TOMLKit's tables do not keep.
    private let lines: ConfigText

    /// Reads the file at `path` (absolute), named `displayPath` in messages.
    init(path: String, displayPath: String) throws(SettingError) {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw SettingError("cannot read the configuration file \(displayPath)")
        }
        self.init(text: String(decoding: data, as: UTF8.self), displayPath: displayPath,
                  folder: URL(fileURLWithPath: path).deletingLastPathComponent().path)
    }

    init(text: String, displayPath: String, folder: String) {
        self.text = text
        self.displayPath = displayPath
        self.folder = folder
        self.lines = ConfigText(text)
    }

    /// The settings the file gives, each with its line.
    func layer() throws(SettingError) -> Settings.Layer {
        let table: TOMLTable
        do {
            table = try TOMLTable(string: text)
        } catch let error as TOMLParseError {
            throw syntaxError(error)
        } catch {
            throw SettingError("\(displayPath): \(error)")
        }
        var layer = Settings.Layer()
        // In the order of the lines, so that the first mistake is the one reported.
        for name in table.keys.sorted(by: { (line(of: $0), $0) < (line(of: $1), $1) }) {
            let line = self.line(of: name)
            guard let key = Setting.named(name), let raw = table[name] else {
                throw unknownKey(name, line: line)
            }
            var value = try convert(raw, for: key, line: line)
            if key.resolvesPaths { value = value.resolvingPaths(in: folder) }
            layer.set(key, value: value, from: .file(displayPath, line: line))
        }
        return layer
    }

    /// The value of `raw` as `key` takes it, or the error that names the line and the key.
    private func convert(_ raw: any TOMLValueConvertible, for key: any AnySettingKey, line: Int) throws(SettingError) -> SettingValue {
        let wrongType = SettingError("\(displayPath):\(line): \(key.name): expected \(key.expected), got \(Self.describe(raw))")
        switch key.kind {
        case .int:
            guard raw.type == .int, let value = raw.int else { throw wrongType }
            return .int(value)
        case .double:
            if raw.type == .int, let value = raw.int { return .double(Double(value)) }
            guard raw.type == .double, let value = raw.double else { throw wrongType }
            return .double(value)
        case .bool:
            guard raw.type == .bool, let value = raw.bool else { throw wrongType }
            return .bool(value)
        case .string:
            guard raw.type == .string, let value = raw.string else { throw wrongType }
            return .string(value)
        case .strings:
            if let entry = key.tableEntry, raw.type == .table, let pairs = raw.table {
                // [proxy] "/api" = "http://…": each entry is one KEY=VALUE.
                return .strings(try pairs.keys.sorted().map { name throws(SettingError) in
                    guard let value = pairs[name], value.type == .string, let text = value.string else {
                        let line = lines.line(of: name, inTable: key.name)
                        let got = pairs[name].map(Self.describe) ?? "nothing"
                        throw SettingError("\(displayPath):\(line): \(key.name).\(SettingValue.quoted(name)): expected \(entry), got \(got)")
                    }
                    return "\(name)=\(text)"
                })
            }
            // One string is a list of one: `watch = "src"` is `watch = ["src"]`.
            if raw.type == .string, let value = raw.string { return .strings([value]) }
            guard raw.type == .array, let array = raw.array else { throw wrongType }
            var strings: [String] = []
            for element in array {
                guard element.type == .string, let value = element.string else {
                    throw SettingError(
                        "\(displayPath):\(line): \(key.name): expected \(key.expected), got \(Self.describe(element)) in the list")
                }
                strings.append(value)
            }
            return .strings(strings)
        }
    }

    /// The first line that sets `key` at the top of the file (or opens the table `[key]`).
    func line(of key: String) -> Int { lines.line(of: key) }

    private func unknownKey(_ name: String, line: Int) -> SettingError {
        let hint = Self.closest(to: name).map { " (did you mean \($0)?)" } ?? ""
        return SettingError("\(displayPath):\(line): unknown key \"\(name)\"\(hint)")
    }

    // MARK: Syntax errors

    /// A TOML syntax error as one line that names the key and what it takes. toml++ reports
    /// the position and its own state ("Error while parsing value: could not determine value
    /// type"); the key is the one whose value holds the position (on its line, or an earlier
    /// one for a list that spans lines), and its setting says what it takes. The parser's
    /// reason is kept, in brackets, where it says more than the type (`leading zeroes are
    /// prohibited`, `unknown escape sequence '\q'`).
    private func syntaxError(_ error: TOMLParseError) -> SettingError {
        let number = max(1, min(error.source.begin.line, max(lines.lines.count, 1)))
        let (scope, reason) = Self.split(error.description)
        let context = lines.context(ofLine: number)
        let statement: (assignment: ConfigText.Assignment, line: Int, continued: Bool)
        if let open = context.continuing {
            statement = (open.assignment, open.line, true)
        } else if let assignment = lines.assignment(onLine: number) {
            statement = (assignment, number, false)
        } else {
            let code = lines.code(ofLine: number)
            if code.hasPrefix("[") {
                return SettingError("\(displayPath):\(number): expected a table header such as [proxy], got \(code)")
            }
            if code.isEmpty {
                return SettingError("\(displayPath):\(number):\(error.source.begin.column): not valid TOML: \(reason)")
            }
            return SettingError("\(displayPath):\(number): expected key = value, got \(code)")
        }
        let key = statement.assignment.key
        // Which setting, and what it takes: a key at the top, or an entry of a table setting.
        let label: String
        let expected: String
        if let table = context.table {
            guard let setting = Setting.named(table.name) else { return unknownKey(table.name, line: table.line) }
            guard let entry = setting.tableEntry else {
                return SettingError("\(displayPath):\(table.line): \(setting.name): expected \(setting.expected), got a table")
            }
            label = "\(setting.name).\(SettingValue.quoted(key))"
            expected = entry
        } else {
            guard let setting = Setting.named(key) else { return unknownKey(key, line: statement.line) }
            label = setting.name
            expected = setting.expected
        }
        if reason.hasPrefix("cannot redefine") {
            let first = lines.line(of: key, inTable: context.table?.name)
            return SettingError("\(displayPath):\(number): \(label) is set twice" + (first < number ? " (first on line \(first))" : ""))
        }
        // What is there: the value on the key's line, or the line of a list that is wrong.
        var got = statement.continued ? lines.code(ofLine: number) : statement.assignment.value
        if statement.continued, got.hasSuffix(",") { got = String(got.dropLast()).trimmingCharacters(in: .whitespaces) }
        let detail: String? =
            if !statement.continued && statement.assignment.openString {
                "the string is not closed"
            } else if reason.hasPrefix("encountered end-of-file") {
                statement.continued || statement.assignment.depth > 0 ? "the list is not closed" : "the file ends inside the value"
            } else if ["value", "boolean", "key-value pair", "root table"].contains(scope) {
                // Only says that the text is no value, or not the one expected: the message does.
                nil
            } else {
                reason
            }
        return SettingError(
            "\(displayPath):\(number): \(label): expected \(expected), got \(got.isEmpty ? "nothing" : got)"
                + (detail.map { " (\($0))" } ?? ""))
    }

    /// toml++'s "Error while parsing SCOPE: REASON", as its scope and reason.
    private static func split(_ description: String) -> (scope: String, reason: String) {
        let prefix = "Error while parsing "
        guard description.hasPrefix(prefix), let colon = description.range(of: ": ") else { return ("", description) }
        let scope = String(description[description.index(description.startIndex, offsetBy: prefix.count)..<colon.lowerBound])
        let reason = String(description[colon.upperBound...]).trimmingCharacters(in: .whitespacesAndNewlines)
        return (scope, reason)
    }

    // MARK: Helpers

    private static func describe(_ raw: any TOMLValueConvertible) -> String {
        switch raw.type {
        case .string: SettingValue.quoted(raw.string ?? "")
        case .int: raw.int.map(String.init) ?? "a number"
        case .double: raw.double.map { String($0) } ?? "a number"
        case .bool: raw.bool.map { String($0) } ?? "a boolean"
        case .array: "a list"
        case .table: "a table"
        default: "a date or time"
        }
    }

    /// The known key nearest to a misspelt one, when it is close.
    private static func closest(to name: String) -> String? {
        let scored = Setting.all.map { ($0.name, distance($0.name, name)) }.min { $0.1 < $1.1 }
        guard let (best, score) = scored, score <= max(2, name.count / 3) else { return nil }
        return best
    }

    /// Edit distance, counting a swap of neighbours as one edit (`prot` is one from `port`).
    private static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        guard !a.isEmpty, !b.isEmpty else { return max(a.count, b.count) }
        var d = [[Int]](repeating: [Int](repeating: 0, count: b.count + 1), count: a.count + 1)
        for i in 0...a.count { d[i][0] = i }
        for j in 0...b.count { d[0][j] = j }
        for i in 1...a.count {
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] { d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1) }
            }
        }
        return d[a.count][b.count]
    }

    static func absolute(_ path: String, in folder: String) -> String {
        let url = path.hasPrefix("/") ? URL(fileURLWithPath: path) : URL(fileURLWithPath: folder).appendingPathComponent(path)
        var standardized = url.standardizedFileURL.path
        while standardized.count > 1 && standardized.hasSuffix("/") { standardized.removeLast() }
        return standardized
    }
}
