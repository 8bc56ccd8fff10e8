import Foundation

/// The settings of one `devserve serve`, merged from its sources: `devserve.toml`, then the
/// `PORT` and `HOST` environment variables, then the flags, each overriding the one before.
/// Every value is checked when its source is applied, so an error names the flag, the variable,
/// or the file, line and key that gave it.
struct Settings {
    /// Values given by one source, by key name.
    typealias Layer = [String: (value: SettingValue, source: SettingSource)]

    private(set) var values: Layer = [:]

    init() {}

    /// Applies a source's values over the ones so far, checking each.
    mutating func apply(_ layer: Layer) throws(SettingError) {
        for (name, entry) in layer.sorted(by: { $0.key < $1.key }) {
            let key = SettingKey.named(name)
            if let problem = key.check(entry.value) {
                throw SettingError("\(entry.source.label(for: name)) \(problem)")
            }
            values[name] = entry
        }
    }

    /// The file (`config`, else `devserve.toml` in `current` if there is one) under `PORT` and
    /// `HOST`, under `flags`, whose keys the variables then do not even read.
    static func load(
        config: String?, current: String, environment: [String: String], flags: Layer = [:]
    ) throws(SettingError) -> Settings {
        var settings = Settings()
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
        try settings.apply(environmentLayer(environment.filter { flags[$0.key.lowercased()] == nil }))
        try settings.apply(flags)
        return settings
    }

    /// The values of `PORT` and `HOST`, where they are set and not empty.
    static func environmentLayer(_ environment: [String: String]) throws(SettingError) -> Layer {
        var layer = Layer()
        if let port = environment["PORT"], !port.isEmpty {
            guard let number = Int(port.trimmingCharacters(in: .whitespaces)) else {
                throw SettingError("PORT must be a whole number, not \(port)")
            }
            layer["port"] = (.int(number), .environment("PORT"))
        }
        if let host = environment["HOST"], !host.isEmpty {
            layer["host"] = (.string(host), .environment("HOST"))
        }
        return layer
    }

    private func value(_ name: String) -> SettingValue? {
        values[name]?.value ?? SettingKey.named(name).defaultValue
    }

    func int(_ name: String) -> Int? { value(name)?.int }
    func double(_ name: String) -> Double? { value(name)?.double }
    func string(_ name: String) -> String? { value(name)?.string }
    func bool(_ name: String) -> Bool { value(name)?.bool ?? false }
    func strings(_ name: String) -> [String] { value(name)?.strings ?? [] }
    /// Where a value came from; nil for a default.
    func source(_ name: String) -> SettingSource? { values[name]?.source }
}
