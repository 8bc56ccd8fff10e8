import Foundation
import TOMLKit

/// `devserve.toml`: the same keys as the flags of `devserve serve` (without `--`), in TOML.
///
/// ```toml
/// root = "public"
/// build = "make"
/// watch = ["src"]
/// spa = true
///
/// [proxy]
/// "/api" = "http://127.0.0.1:3000"
/// ```
///
/// `proxy` is a list of `"PREFIX=URL"` strings or a table of prefix = URL. Relative paths are
/// resolved from the file's folder. An unknown key, a value of the wrong type or a bad value
/// is a one-line error naming the file, the line and the key.
struct ConfigFile {
    /// The name looked for in the current folder.
    static let defaultName = "devserve.toml"

    /// The file as the user named it, for messages.
    let displayPath: String
    /// Its folder, absolute: relative paths in the file start there.
    let folder: String
    let text: String

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
    }

    /// The settings the file gives, each with its line.
    func layer() throws(SettingError) -> Settings.Layer {
        let table: TOMLTable
        do {
            table = try TOMLTable(string: text)
        } catch let error as TOMLParseError {
            throw SettingError("\(displayPath):\(error.source.begin.line): \(error.description)")
        } catch {
            throw SettingError("\(displayPath): \(error)")
        }
        var layer = Settings.Layer()
        for name in table.keys {
            let line = self.line(of: name)
            guard let key = SettingKey.all.first(where: { $0.name == name }), let raw = table[name] else {
                let hint = Self.closest(to: name).map { " (did you mean \($0)?)" } ?? ""
                throw SettingError("\(displayPath):\(line): unknown key \"\(name)\"\(hint)")
            }
            let value = try convert(raw, for: key, line: line)
            layer[name] = (value, .file(displayPath, line: line))
        }
        return layer
    }

    private func convert(_ raw: any TOMLValueConvertible, for key: SettingKey, line: Int) throws(SettingError) -> SettingValue {
        let wrongType = SettingError(
            "\(displayPath):\(line): \(key.name) must be \(key.kind.expected), not \(Self.describe(raw))")
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
        case .path:
            guard raw.type == .string, let value = raw.string else { throw wrongType }
            return .string(Self.absolute(value, in: folder))
        case .strings, .paths:
            if key.name == "proxy", raw.type == .table, let routes = raw.table {
                // [proxy] "/api" = "http://…": each entry is one PREFIX=URL.
                return .strings(try routes.keys.sorted().map { prefix throws(SettingError) in
                    guard let url = routes[prefix]?.string else {
                        throw SettingError("\(displayPath):\(self.line(of: prefix)): proxy \(prefix) must be a URL string")
                    }
                    return "\(prefix)=\(url)"
                })
            }
            guard raw.type == .array, let array = raw.array else { throw wrongType }
            var strings: [String] = []
            for element in array {
                guard element.type == .string, let value = element.string else { throw wrongType }
                strings.append(key.kind == .paths ? Self.absolute(value, in: folder) : value)
            }
            return .strings(strings)
        }
    }

    /// The first line that sets `key` (`key =`, `"key" =`, or the `[key]` table header); 1 when
    /// none is found.
    func line(of key: String) -> Int {
        let escaped = NSRegularExpression.escapedPattern(for: key)
        let pattern = #"^\s*(?:"\#(escaped)"|'\#(escaped)'|\#(escaped))\s*=|^\s*\[\s*"?\#(escaped)"?\s*\]"#
        guard let regex = try? NSRegularExpression(pattern: pattern) else { return 1 }
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = String(line)
            if regex.firstMatch(in: line, range: NSRange(line.startIndex..., in: line)) != nil { return index + 1 }
        }
        return 1
    }

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
        let scored = SettingKey.all.map { ($0.name, distance($0.name, name)) }.min { $0.1 < $1.1 }
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
