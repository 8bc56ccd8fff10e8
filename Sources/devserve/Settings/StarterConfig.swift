/// The commented `devserve.toml` that `devserve init` writes: every setting, commented out at its
/// example (settings with no default to show) or its default, with its help.
enum StarterConfig {
    static var text: String {
        var lines = [
            "# devserve.toml: settings for `devserve` in this folder. Every key is a flag of",
            "# `devserve serve` without the `--`; flags override this file, and the PORT and HOST",
            "# environment variables sit in between. Relative paths start from this file's folder.",
            "# Remove the `#` in front of a key to set it.",
        ]
        for key in Setting.all {
            guard let value = key.starterValue else { continue }
            lines.append("")
            lines.append("# " + key.help)
            lines.append("# \(key.name) = \(value.toml)")
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
