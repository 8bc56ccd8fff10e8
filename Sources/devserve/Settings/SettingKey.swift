import ArgumentParser
import DevServe

/// One setting of `devserve serve`, with everything about it in one declaration (see
/// ``Setting``): its name (the flag without `--`, and the key in `devserve.toml`), its type,
/// its default, its help, its check, and how it changes the engine's configuration. The flag
/// (`@Option(Setting.port)`), the file, `PORT`/`HOST`, `devserve init` and the configuration
/// all start from it, so a misspelt setting (`Setting.prot`) or a value of the wrong type is a
/// compile error, where a string key (`settings.int("prot")`) failed only when it ran.
///
/// `Value` is what the setting holds: `Int` for `port` (it has a default), `Int?` for `poll`
/// (unset unless given), `[String]` for `watch` (empty unless given).
struct SettingKey<Value: SettingType>: AnySettingKey {
    let name: String
    let flagName: String
    let help: String
    let valueName: String?
    /// The value when no source gives one.
    let defaultValue: Value
    /// What `devserve init` shows for a setting whose default shows nothing (`build`, lists).
    let example: Value.Given?
    let resolvesPaths: Bool
    let isArgument: Bool
    let tableEntry: String?
    private let check: @Sendable (Value.Given) -> String?
    private let update: @Sendable (Value, inout DevServeConfiguration) -> Void

    /// - Parameters:
    ///   - flag: the flag's name, when it is not the key's (`--header` for `headers`, whose
    ///     table reads `[headers]` and whose flag is given once per header).
    ///   - paths: the value is a path (or paths): relative ones start from the folder of what
    ///     gave them (the current folder for flags, the file's folder for `devserve.toml`).
    ///   - argument: given on the command line as the positional argument (ROOT), not `--name`.
    ///   - table: in `devserve.toml`, the setting may also be a table whose entries are
    ///     `KEY = VALUE` pairs, read as `"KEY=VALUE"` strings; this names what a VALUE is.
    ///   - check: what is wrong with a value of the right type (`"must be between 0 and 65535,
    ///     not 70000"`), or nil when it is fine. Checked for every source, as it is applied.
    ///   - apply: how the value (given, or the default) changes the engine's configuration.
    ///     Settings are applied in the order of ``Setting/all``.
    init(
        _ name: String, flag: String? = nil, _ help: String, valueName: String? = nil, default defaultValue: Value, example: Value.Given? = nil,
        paths: Bool = false, argument: Bool = false, table: String? = nil,
        check: @escaping @Sendable (Value.Given) -> String? = { _ in nil },
        apply: @escaping @Sendable (Value, inout DevServeConfiguration) -> Void
    ) {
        self.name = name
        self.flagName = flag ?? name
        self.help = help
        self.valueName = valueName
        self.defaultValue = defaultValue
        self.example = example
        self.resolvesPaths = paths
        self.isArgument = argument
        self.tableEntry = table
        self.check = check
        self.update = apply
    }

    var kind: SettingKind { Value.Given.kind }

    var shownDefault: SettingValue? {
        guard let value = defaultValue.given?.settingValue else { return nil }
        if case .strings(let list) = value, list.isEmpty { return nil }
        return value
    }

    var starterValue: SettingValue? { example?.settingValue ?? shownDefault }

    func problem(with value: SettingValue) -> String? {
        guard let given = Value.Given(value) else { return "must be \(kind.expected), not \(value.toml)" }
        return check(given)
    }

    func apply(_ settings: Settings, to configuration: inout DevServeConfiguration) {
        update(settings[self], &configuration)
    }

    /// The default, with a relative path made absolute from `folder` (`root = "."` is the
    /// current folder).
    func defaultValue(in folder: String) -> Value {
        guard resolvesPaths, let given = defaultValue.given,
            let resolved = Value.Given(given.settingValue.resolvingPaths(in: folder))
        else { return defaultValue }
        return Value(given: resolved)
    }
}

/// A setting whatever its type: what the file, the checks, `devserve init` and the help need.
protocol AnySettingKey: Sendable {
    /// The key in `devserve.toml`.
    var name: String { get }
    /// The flag without `--`; most often the key.
    var flagName: String { get }
    var help: String { get }
    var valueName: String? { get }
    var kind: SettingKind { get }
    var resolvesPaths: Bool { get }
    var isArgument: Bool { get }
    /// What a value is in the table form of the setting (`"a URL string"` for `[proxy]`), or
    /// nil when the setting takes no table.
    var tableEntry: String? { get }
    /// The default as the help and `devserve init` show it; nil when there is none to show.
    var shownDefault: SettingValue? { get }
    /// What `devserve init` writes, commented out: the example, else the default.
    var starterValue: SettingValue? { get }
    /// What is wrong with a value, its type included; nil when it is fine.
    func problem(with value: SettingValue) -> String?
    /// Sets the engine's configuration from the setting's value in `settings`.
    func apply(_ settings: Settings, to configuration: inout DevServeConfiguration)
}

extension AnySettingKey {
    /// How errors name the setting on the command line: `--port`, or `ROOT`.
    var flagLabel: String { isArgument ? valueName ?? name.uppercased() : "--\(flagName)" }

    /// What the setting takes, in error messages: `a whole number`.
    var expected: String {
        tableEntry == nil ? kind.expected : "\(kind.expected), or a [\(name)] table"
    }

    /// The help for the flag, with the default.
    var argumentHelp: ArgumentHelp {
        let suffix = shownDefault.map { " (default: \($0.flagText))" } ?? ""
        return ArgumentHelp(help + suffix, valueName: valueName)
    }
}

extension SettingValue {
    /// The value as it is written after a flag: `8080`, `make`, `true`.
    var flagText: String {
        switch self {
        case .string(let value): value
        case .strings(let values): values.joined(separator: ", ")
        default: toml
        }
    }
}
