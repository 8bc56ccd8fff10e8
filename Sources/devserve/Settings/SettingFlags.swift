import ArgumentParser

// The flags of `devserve serve`, declared from their settings: `@Option(Setting.port) var port:
// Int?` takes its name (`--port`), its help and its type from `Setting.port`, so the flag and
// the `devserve.toml` key cannot drift apart (ArgumentParser's own naming would make
// `allowedHosts` `--allowed-hosts`), and a property of the wrong type does not compile. Every
// flag is optional: a value that is not given comes from the file, the environment or the
// default, which only ``Settings`` knows.

extension Option {
    /// `@Option(Setting.port) var port: Int?`: `--port N`.
    init<Held: SettingType>(_ key: SettingKey<Held>) where Held.Given: ExpressibleByArgument, Value == Held.Given? {
        self.init(name: .customLong(key.flagName), help: key.argumentHelp)
    }

    /// `@Option(Setting.watch) var watch: [String] = []`: `--watch PATH`, repeatable.
    init(wrappedValue: [String], _ key: SettingKey<[String]>) where Value == [String] {
        self.init(wrappedValue: wrappedValue, name: .customLong(key.flagName), help: key.argumentHelp)
    }
}

extension Flag where Value == Bool? {
    /// `@Flag(Setting.spa) var spa: Bool?`: `--spa` and `--no-spa`.
    init(_ key: SettingKey<Bool>) {
        self.init(name: .customLong(key.flagName), inversion: .prefixedNo, help: key.argumentHelp)
    }
}

extension Argument {
    /// `@Argument(Setting.root) var root: String?`: the positional argument.
    init<Held: SettingType>(_ key: SettingKey<Held>) where Held.Given: ExpressibleByArgument, Value == Held.Given? {
        self.init(help: key.argumentHelp)
    }
}
