/// The commented `devserve.toml` that `devserve init` writes: every setting, commented out at its
/// default (or at an example), with its help.
enum StarterConfig {
    /// Example values for settings that have no default, so the starter file shows their syntax.
    static let examples: [String: SettingValue] = [
        "build": .string("make"),
        "watch": .strings(["src"]),
        "ignore": .strings(["*.log"]),
        "build-timeout": .int(60),
        "output": .strings(["dist"]),
        "poll": .int(500),
        "allowed-host": .strings(["myapp.test"]),
        "cors": .string("http://localhost:3000"),
        "fallback": .string("index.html"),
        "proxy": .strings(["/api=http://127.0.0.1:3000"]),
        "editor": .string("code --goto {file}:{line}:{column}"),
    ]

    static var text: String {
        var lines = [
            "# devserve.toml: settings for `devserve` in this folder. Every key is a flag of",
            "# `devserve serve` without the `--`; flags override this file, and the PORT and HOST",
            "# environment variables sit in between. Relative paths start from this file's folder.",
            "# Remove the `#` in front of a key to set it.",
        ]
        for key in SettingKey.all {
            guard let value = key.defaultValue ?? examples[key.name] else { continue }
            lines.append("")
            lines.append("# " + key.help)
            lines.append("# \(key.name) = \(value.toml)")
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
