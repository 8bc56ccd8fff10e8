import ArgumentParser
import DevServe
import Foundation

/// One setting of `devserve serve`: its name (the flag without `--`, and the key in
/// `devserve.toml`), its type, its default, its help and its checks. ``all`` is the one list
/// that the flags' help, the configuration file and `devserve init` are made from.
struct SettingKey: Sendable {
    enum Kind: Sendable {
        case int, double, string, bool, strings
        /// A path (or list of paths): relative ones are resolved from the folder of whatever
        /// gave them (the current folder for flags, the file's folder for `devserve.toml`).
        case path, paths

        /// How the type is named in error messages.
        var expected: String {
            switch self {
            case .int: "a whole number"
            case .double: "a number"
            case .string, .path: "a string"
            case .bool: "true or false"
            case .strings, .paths: "a list of strings"
            }
        }
    }

    let name: String
    let kind: Kind
    let help: String
    var valueName: String? = nil
    /// Shown in the help and in the starter file.
    var defaultValue: SettingValue? = nil
    /// What is wrong with a value of the right type (`"must be between 0 and 65535, not 70000"`),
    /// or nil when it is fine.
    var check: @Sendable (SettingValue) -> String? = { _ in nil }

    /// The help for the flag, with the default.
    var argumentHelp: ArgumentHelp {
        let suffix = defaultValue.map { " (default: \($0.flagText))" } ?? ""
        return ArgumentHelp(help + suffix, valueName: valueName)
    }

    /// The setting named `name` (a programming error if there is none).
    static func named(_ name: String) -> SettingKey {
        guard let key = all.first(where: { $0.name == name }) else { preconditionFailure("no setting \(name)") }
        return key
    }

    static func help(_ name: String) -> ArgumentHelp { named(name).argumentHelp }

    static let all: [SettingKey] = [
        SettingKey(name: "root", kind: .path, help: "The folder to serve.", valueName: "ROOT", defaultValue: .string(".")),
        SettingKey(
            name: "port", kind: .int, help: "The port to listen on (0 picks a free one); the PORT variable sets it too.",
            defaultValue: .int(8080), check: range(0...65535)),
        SettingKey(
            name: "host", kind: .string,
            help: "The address to listen on; the HOST variable sets it too. Anything but loopback exposes your files to the network.",
            defaultValue: .string("127.0.0.1"), check: { $0.string!.isEmpty ? "must not be empty" : nil }),
        SettingKey(name: "build", kind: .string, help: "A shell command run from the current folder after each batch of changes.", valueName: "CMD"),
        SettingKey(name: "watch", kind: .paths, help: "A folder to watch (repeatable; default: ROOT).", valueName: "PATH"),
        SettingKey(
            name: "ignore", kind: .strings,
            help: "A glob to ignore, on top of .git, .build, node_modules and editor files (repeatable).", valueName: "GLOB"),
        SettingKey(
            name: "debounce", kind: .int, help: "Milliseconds to wait after the last change before building.", valueName: "MS",
            defaultValue: .int(20), check: atLeast(0, "milliseconds")),
        SettingKey(
            name: "debounce-max", kind: .int,
            help: "Build at the latest this many milliseconds after the first change, even if changes keep coming.", valueName: "MS",
            defaultValue: .int(1000), check: moreThan(0, "milliseconds")),
        SettingKey(
            name: "on-busy", kind: .string,
            help: "What changes during a build do: queue (one follow-up build) or restart (stop the build, start over).",
            valueName: "queue|restart", defaultValue: .string("queue"), check: oneOf(["queue", "restart"])),
        SettingKey(
            name: "build-timeout", kind: .double,
            help: "Stop a build that runs longer than this many seconds and report it as failed (default: no limit).", valueName: "S",
            check: moreThan(0, "seconds")),
        SettingKey(
            name: "hold-timeout", kind: .double,
            help: "Seconds a request for the build output waits for a running build before it gets a 503.", valueName: "S",
            defaultValue: .int(30), check: atLeast(0, "seconds")),
        SettingKey(
            name: "output", kind: .paths,
            help: "Declares a folder the build writes (repeatable): its changes during a build are the build's own. Without it, devserve learns what builds write.",
            valueName: "PATH"),
        SettingKey(
            name: "poll", kind: .int,
            help: "Poll for changes every MS milliseconds instead of using inotify (network and container mounts).", valueName: "MS",
            check: moreThan(0, "milliseconds")),
        SettingKey(name: "gitignore", kind: .bool, help: "Ignore the patterns of the project's .gitignore.", defaultValue: .bool(true)),
        SettingKey(
            name: "heartbeat", kind: .double, help: "Seconds between heartbeats on the event stream.", valueName: "S",
            defaultValue: .int(5), check: moreThan(0, "seconds")),
        SettingKey(
            name: "json", kind: .bool, help: "Print one JSON object per line on stdout (build output goes to stderr).",
            defaultValue: .bool(false)),
        SettingKey(name: "inject", kind: .bool, help: "Inject the client script into HTML pages.", defaultValue: .bool(true)),
        SettingKey(
            name: "allowed-host", kind: .strings,
            help: "A host name to answer besides localhost and loopback addresses (repeatable; .example.test allows subdomains too).",
            valueName: "NAME"),
        SettingKey(
            name: "cors", kind: .string,
            help: "An origin allowed to read files with CORS, without credentials (for example http://localhost:3000).",
            valueName: "ORIGIN", check: { isOrigin($0.string!) ? nil : "takes one origin such as http://localhost:3000 (scheme://host[:port], no path, not *), not \($0.string!)" }),
        SettingKey(
            name: "allow-dotfiles", kind: .bool,
            help: "Serve dotfiles and dot-folders (.env, .git/, ...). Key files (*.pem, *.key, ...) are never served.",
            defaultValue: .bool(false)),
        SettingKey(
            name: "follow-symlinks", kind: .bool, help: "Follow symbolic links that point outside the served folder.",
            defaultValue: .bool(false)),
        SettingKey(
            name: "max-clients", kind: .int, help: "Event-stream clients allowed at once; past it, /__hmr answers 503.", valueName: "N",
            defaultValue: .int(1024), check: { $0.int! > 0 ? nil : "must be 1 or more" }),
        SettingKey(
            name: "request-timeout", kind: .double,
            help: "Seconds a connection may take to send its request, or stay idle, before it is closed.", valueName: "S",
            defaultValue: .int(10), check: moreThan(0, "seconds")),
        SettingKey(
            name: "spa", kind: .bool,
            help: "Single-page app: a GET for HTML that matches no file gets index.html (same as fallback = \"index.html\").",
            defaultValue: .bool(false)),
        SettingKey(
            name: "fallback", kind: .string,
            help: "The page, relative to ROOT, served for a GET for HTML that matches no file (client-side routes).",
            valueName: "PAGE",
            check: { value in
                let page = value.string!
                return page.isEmpty || page.split(separator: "/").contains("..") ? "must be a page inside ROOT, not \(page)" : nil
            }),
        SettingKey(
            name: "proxy", kind: .strings,
            help: "Forward requests under PREFIX to a backend, for example /api=http://127.0.0.1:3000 (repeatable).",
            valueName: "PREFIX=URL",
            check: { value in value.strings!.lazy.compactMap { ProxyRoute.problem(with: $0) }.first }),
        SettingKey(
            name: "editor", kind: .string,
            help: "The command that opens a file at a line, with {file}, {line} and {column} (default: from $VISUAL or $EDITOR).",
            valueName: "CMD",
            check: { $0.string!.contains("{file}") ? nil : "must contain {file}, as in \"code --goto {file}:{line}:{column}\"" }),
        SettingKey(name: "open", kind: .bool, help: "Open the served URL in the default browser (xdg-open) once listening.", defaultValue: .bool(false)),
    ]

    // MARK: Checks

    private static func range(_ range: ClosedRange<Int>) -> @Sendable (SettingValue) -> String? {
        { range.contains($0.int!) ? nil : "must be between \(range.lowerBound) and \(range.upperBound), not \($0.int!)" }
    }

    private static func atLeast(_ bound: Double, _ unit: String) -> @Sendable (SettingValue) -> String? {
        { $0.double! >= bound ? nil : "must be \(Int(bound)) or more \(unit), not \($0.toml)" }
    }

    private static func moreThan(_ bound: Double, _ unit: String) -> @Sendable (SettingValue) -> String? {
        { $0.double! > bound ? nil : "must be more than \(Int(bound)) \(unit), not \($0.toml)" }
    }

    private static func oneOf(_ choices: [String]) -> @Sendable (SettingValue) -> String? {
        { choices.contains($0.string!) ? nil : "takes \(choices.joined(separator: " or ")), not \($0.string!)" }
    }

    /// `scheme://host[:port]` with nothing after it.
    static func isOrigin(_ text: String) -> Bool {
        guard let url = URL(string: text), let scheme = url.scheme, ["http", "https"].contains(scheme),
            let host = url.host, !host.isEmpty
        else { return false }
        return url.path.isEmpty && url.query == nil && url.fragment == nil && url.user == nil && !text.hasSuffix("/")
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
