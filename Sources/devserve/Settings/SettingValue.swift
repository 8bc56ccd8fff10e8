/// A setting's value, as a flag, an environment variable or `devserve.toml` gave it.
enum SettingValue: Equatable, Sendable {
    case int(Int)
    case double(Double)
    case string(String)
    case bool(Bool)
    case strings([String])

    /// The value in TOML syntax: `8080`, `"make"`, `["a", "b"]`.
    var toml: String {
        switch self {
        case .int(let value): String(value)
        case .double(let value): value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value)
        case .bool(let value): String(value)
        case .string(let value): Self.quoted(value)
        case .strings(let values): "[" + values.map(Self.quoted).joined(separator: ", ") + "]"
        }
    }

    var int: Int? { if case .int(let value) = self { value } else { nil } }
    var double: Double? {
        switch self {
        case .double(let value): value
        case .int(let value): Double(value)
        default: nil
        }
    }
    var string: String? { if case .string(let value) = self { value } else { nil } }
    var bool: Bool? { if case .bool(let value) = self { value } else { nil } }
    var strings: [String]? { if case .strings(let values) = self { values } else { nil } }

    /// The value with its relative paths made absolute from `folder` (for settings that hold
    /// paths: relative to the current folder for flags, to the file's folder in `devserve.toml`).
    func resolvingPaths(in folder: String) -> SettingValue {
        switch self {
        case .string(let path): .string(ConfigFile.absolute(path, in: folder))
        case .strings(let paths): .strings(paths.map { ConfigFile.absolute($0, in: folder) })
        default: self
        }
    }

    /// A TOML basic string: quotes, backslashes and control characters escaped.
    static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20 || scalar.value == 0x7F:
                out += "\\u" + String(repeating: "0", count: 4 - String(scalar.value, radix: 16).count)
                    + String(scalar.value, radix: 16, uppercase: true)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}

/// Where a setting's value came from; error messages name it the way the user wrote it.
enum SettingSource: Equatable, Sendable {
    case flag
    /// An environment variable (`PORT`, `HOST`).
    case environment(String)
    /// A line of a configuration file, named as the user gave it.
    case file(String, line: Int)

    /// `--port`, `ROOT`, `PORT`, or `devserve.toml:3: port`.
    func label(for key: any AnySettingKey) -> String {
        switch self {
        case .flag: key.flagLabel
        case .environment(let name): name
        case .file(let path, let line): "\(path):\(line): \(key.name)"
        }
    }

    /// The line of the file that gave the value; nil for flags and variables.
    var line: Int? {
        if case .file(_, let line) = self { line } else { nil }
    }
}

/// A bad setting: one line that names the flag, the variable, or the file, line and key.
struct SettingError: Error, CustomStringConvertible, Equatable {
    let description: String
    init(_ description: String) { self.description = description }
}
