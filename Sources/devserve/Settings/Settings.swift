import Foundation

/// The settings of one `devserve serve`, merged from its sources: `devserve.toml`, then the
/// `PORT` and `HOST` environment variables, then the flags, each overriding the one before.
/// Every value is checked when its source is applied, so an error names the flag, the variable,
/// or the file, line and key that gave it. Read a value with its key: `settings[Setting.port]`.
struct Settings {
    /// One value and where it came from.
    struct Entry {
        let key: any AnySettingKey
        let value: SettingValue
        let source: SettingSource
    }

    /// The values one source gives, by setting name.
    struct Layer {
        private(set) var entries: [String: Entry] = [:]

        init() {}

        /// Sets a value of the setting's own type.
        mutating func set<Value>(_ key: SettingKey<Value>, _ value: Value.Given, from source: SettingSource) {
            set(key, value: value.settingValue, from: source)
        }

        /// Sets a value read for a setting found by name (in `devserve.toml`).
        mutating func set(_ key: any AnySettingKey, value: SettingValue, from source: SettingSource) {
            entries[key.name] = Entry(key: key, value: value, source: source)
        }

        /// A flag's value, when it was given: relative paths start from `current`, and a
        /// repeatable option counts only when it is not empty (ArgumentParser gives `[]` for an
        /// option that is absent).
        mutating func flag<Value>(_ key: SettingKey<Value>, _ value: Value.Given?, current: String) {
            guard var given = value?.settingValue else { return }
            if case .strings(let list) = given, list.isEmpty { return }
            if key.resolvesPaths { given = given.resolvingPaths(in: current) }
            set(key, value: given, from: .flag)
        }

        func contains<Value>(_ key: SettingKey<Value>) -> Bool { entries[key.name] != nil }
    }

    /// The folder devserve runs in: default paths (`root = "."`) start there.
    let current: String
    /// The values given, by setting name; a setting that is not here has its default.
    private(set) var values: [String: Entry] = [:]

    init(current: String) {
        self.current = current
    }

    /// Applies a source's values over the ones so far, checking each (the file's in the order
    /// of its lines, so the first mistake is the one reported).
    mutating func apply(_ layer: Layer) throws(SettingError) {
        let entries = layer.entries.values.sorted { ($0.source.line ?? 0, $0.key.name) < ($1.source.line ?? 0, $1.key.name) }
        for entry in entries {
            if let problem = entry.key.problem(with: entry.value) {
                throw SettingError("\(entry.source.label(for: entry.key)) \(problem)")
            }
            values[entry.key.name] = entry
        }
    }

    /// The file (`config`, else `devserve.toml` in `current` if there is one) under `PORT` and
    /// `HOST`, under `flags`, whose settings the variables then do not even read.
    static func load(
        config: String?, current: String, environment: [String: String], flags: Layer = Layer()
    ) throws(SettingError) -> Settings {
        var settings = Settings(current: current)
        if let config {
            let path = ConfigFile.absolute(config, in: current)
            guard FileManager.default.fileExists(atPath: path) else {
                throw SettingError("the configuration file does not exist: \(config)")
            }
            try settings.apply(ConfigFile(path: path, displayPath: config).layer())
        } else {
            let path = current + "/" + ConfigFile.defaultName
            if FileManager.default.fileExists(atPath: path) {
                try settings.apply(ConfigFile(path: path, displayPath: ConfigFile.defaultName).layer())
            }
        }
        try settings.apply(environmentLayer(environment, under: flags))
        try settings.apply(flags)
        return settings
    }

    /// The values of `PORT` and `HOST`, where they are set, not empty, and not overridden by a
    /// flag (`--port 1` works with `PORT=eighty`).
    static func environmentLayer(_ environment: [String: String], under flags: Layer = Layer()) throws(SettingError) -> Layer {
        var layer = Layer()
        if !flags.contains(Setting.port), let port = environment["PORT"], !port.isEmpty {
            guard let number = Int(port.trimmingCharacters(in: .whitespaces)) else {
                throw SettingError("PORT must be a whole number, not \(port)")
            }
            layer.set(Setting.port, number, from: .environment("PORT"))
        }
        if !flags.contains(Setting.host), let host = environment["HOST"], !host.isEmpty {
            layer.set(Setting.host, host, from: .environment("HOST"))
        }
        return layer
    }

    /// The setting's value: as given, else its default.
    subscript<Value>(_ key: SettingKey<Value>) -> Value {
        if let entry = values[key.name], let given = Value.Given(entry.value) { return Value(given: given) }
        return key.defaultValue(in: current)
    }

    /// Where a setting's value came from; nil for a default.
    func source<Value>(_ key: SettingKey<Value>) -> SettingSource? { values[key.name]?.source }
}
