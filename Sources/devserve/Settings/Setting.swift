import DevServe
import Foundation

/// Every setting of `devserve serve`, each declared once: name, type, default, help, check, and
/// what it does to the engine's ``DevServeConfiguration``. ``all`` lists them for what works on
/// every setting (the file, `devserve init`, the configuration); the flags of ``ServeCommand``
/// are declared from them (`@Option(Setting.port) var port: Int?`).
///
/// Adding a setting: declare it here, add it to ``all``, and give ``ServeCommand`` its flag
/// (the property and its line in `flagLayer`). A test checks that every setting has its flag
/// and every flag its setting.
enum Setting {
    static let root = SettingKey<String>(
        "root", "The folder to serve.", valueName: "ROOT", default: ".", paths: true, argument: true,
        check: { isFile($0) ? "must be a folder, not a file: \($0)" : nil },
        apply: { root, configuration in
            configuration.root = root
            configuration.watchFolders = [root]  // until `watch` says otherwise
        })
    static let port = SettingKey<Int>(
        "port", "The port to listen on (0 picks a free one); the PORT variable sets it too.",
        default: 8080, check: range(0...65535), apply: { $1.port = $0 })
    static let host = SettingKey<String>(
        "host",
        "The address to listen on; the HOST variable sets it too. Anything but loopback exposes your files to the network.",
        default: "127.0.0.1", check: { $0.isEmpty ? "must not be empty" : nil }, apply: { $1.host = $0 })
    static let build = SettingKey<String?>(
        "build", "A shell command run from the current folder after each batch of changes.", valueName: "CMD",
        default: nil, example: "make", apply: { $1.buildCommand = $0 })
    /// Applied after ``root``, whose folder it replaces.
    static let watch = SettingKey<[String]>(
        "watch", "A folder to watch (repeatable; default: ROOT).", valueName: "PATH", default: [], example: ["src"],
        paths: true, check: { folders in folders.first(where: isFile).map { "must be a folder, not a file: \($0)" } },
        apply: { folders, configuration in
            if !folders.isEmpty { configuration.watchFolders = folders }
        })
    static let ignore = SettingKey<[String]>(
        "ignore", "A glob to ignore, on top of .git, .build, node_modules and editor files (repeatable).",
        valueName: "GLOB", default: [], example: ["*.log"], apply: { $1.ignore = $0 })
    static let debounce = SettingKey<Int>(
        "debounce", "Milliseconds to wait after the last change before building.", valueName: "MS",
        default: 20, check: atLeast(0, "milliseconds"), apply: { $1.debounce = .milliseconds($0) })
    static let debounceMax = SettingKey<Int>(
        "debounce-max", "Build at the latest this many milliseconds after the first change, even if changes keep coming.",
        valueName: "MS", default: 1000, check: moreThan(0, "milliseconds"), apply: { $1.debounceMax = .milliseconds($0) })
    static let onBusy = SettingKey<String>(
        "on-busy", "What changes during a build do: queue (one follow-up build) or restart (stop the build, start over).",
        valueName: "queue|restart", default: "queue", check: oneOf(BusyPolicy.self),
        apply: { $1.onBusy = BusyPolicy(rawValue: $0) ?? .queue })
    static let buildTimeout = SettingKey<Double?>(
        "build-timeout", "Stop a build that runs longer than this many seconds and report it as failed (default: no limit).",
        valueName: "S", default: nil, example: 60, check: moreThan(0, "seconds"),
        apply: { seconds, configuration in configuration.buildTimeout = seconds.map(Setting.duration) })
    static let holdTimeout = SettingKey<Double>(
        "hold-timeout", "Seconds a request for the build output waits for a running build before it gets a 503.",
        valueName: "S", default: 30, check: atLeast(0, "seconds"), apply: { $1.holdTimeout = Setting.duration($0) })
    static let output = SettingKey<[String]>(
        "output",
        "Declares a folder the build writes (repeatable): its changes during a build are the build's own. Without it, devserve learns what builds write.",
        valueName: "PATH", default: [], example: ["dist"], paths: true,
        apply: { folders, configuration in configuration.outputFolders = folders.isEmpty ? nil : folders })
    static let poll = SettingKey<Int?>(
        "poll", "Poll for changes every MS milliseconds instead of using inotify (network and container mounts).",
        valueName: "MS", default: nil, example: 500, check: moreThan(0, "milliseconds"),
        apply: { interval, configuration in configuration.poll = interval.map { Duration.milliseconds($0) } })
    static let gitignore = SettingKey<Bool>(
        "gitignore", "Ignore the patterns of the project's .gitignore.", default: true, apply: { $1.useGitignore = $0 })
    static let heartbeat = SettingKey<Double>(
        "heartbeat", "Seconds between heartbeats on the event stream.", valueName: "S",
        default: 5, check: moreThan(0, "seconds"), apply: { $1.heartbeat = Setting.duration($0) })
    /// Also read by ``ServeCommand`` for its own lines.
    static let json = SettingKey<Bool>(
        "json", "Print one JSON object per line on stdout (build output goes to stderr).",
        default: false, apply: { $1.buildEcho = $0 ? .standardError : .standardOutput })
    static let inject = SettingKey<Bool>(
        "inject", "Inject the client script into HTML pages.", default: true, apply: { $1.injectClient = $0 })
    static let hot = SettingKey<Bool>(
        "hot", "Update ES modules that use import.meta.hot in place (--no-hot: a changed script reloads the page).",
        default: true, apply: { $1.hotModules = $0 })
    static let forwardConsole = SettingKey<Bool>(
        "forward-console", "Pages also report console.error and console.warn (as browser-error events and terminal lines).",
        default: false, apply: { $1.forwardConsole = $0 })
    static let compress = SettingKey<Bool>(
        "compress",
        "Gzip text responses for clients that accept it, and send a file's fresh .br or .gz sibling in its place (--no-compress: every response as it is).",
        default: true, apply: { $1.compress = $0 })
    static let allowedHost = SettingKey<[String]>(
        "allowed-host",
        "A host name to answer besides localhost and loopback addresses (repeatable; .example.test allows subdomains too).",
        valueName: "NAME", default: [], example: ["myapp.test"], apply: { $1.allowedHosts = $0 })
    static let cors = SettingKey<String?>(
        "cors", "An origin allowed to read files with CORS, without credentials (for example http://localhost:3000).",
        valueName: "ORIGIN", default: nil, example: "http://localhost:3000",
        check: { Setting.isOrigin($0) ? nil : "takes one origin such as http://localhost:3000 (scheme://host[:port], no path, not *), not \($0)" },
        apply: { $1.corsOrigin = $0 })
    static let allowDotfiles = SettingKey<Bool>(
        "allow-dotfiles", "Serve dotfiles and dot-folders (.env, .git/, ...). Key files (*.pem, *.key, ...) are never served.",
        default: false, apply: { $1.allowDotfiles = $0 })
    static let followSymlinks = SettingKey<Bool>(
        "follow-symlinks", "Follow symbolic links that point outside the served folder.",
        default: false, apply: { $1.followSymlinks = $0 })
    static let maxClients = SettingKey<Int>(
        "max-clients", "Event-stream clients allowed at once; past it, /__hmr answers 503.", valueName: "N",
        default: 1024, check: { $0 > 0 ? nil : "must be 1 or more" }, apply: { $1.maxClients = $0 })
    static let requestTimeout = SettingKey<Double>(
        "request-timeout", "Seconds a connection may take to send its request, or stay idle, before it is closed.",
        valueName: "S", default: 10, check: moreThan(0, "seconds"), apply: { $1.requestTimeout = Setting.duration($0) })
    /// The same as `fallback = "index.html"`; a `fallback` given too wins, whichever is applied first.
    static let spa = SettingKey<Bool>(
        "spa", "Single-page app: a GET for HTML that matches no file gets index.html (same as fallback = \"index.html\").",
        default: false,
        apply: { spa, configuration in
            if spa && configuration.fallbackPage == nil { configuration.fallbackPage = "index.html" }
        })
    static let fallback = SettingKey<String?>(
        "fallback", "The page, relative to ROOT, served for a GET for HTML that matches no file (client-side routes).",
        valueName: "PAGE", default: nil, example: "index.html",
        check: { page in page.isEmpty || page.split(separator: "/").contains("..") ? "must be a page inside ROOT, not \(page)" : nil },
        apply: { page, configuration in
            if let page { configuration.fallbackPage = page }
        })
    static let proxy = SettingKey<[String]>(
        "proxy", "Forward requests under PREFIX to a backend, for example /api=http://127.0.0.1:3000 (repeatable).",
        valueName: "PREFIX=URL", default: [], example: ["/api=http://127.0.0.1:3000"], table: "a URL string",
        check: { routes in routes.lazy.compactMap { ProxyRoute.problem(with: $0) }.first },
        apply: { routes, configuration in configuration.proxies = routes.compactMap { try? ProxyRoute(parsing: $0) } })
    /// Read by ``ServeCommand``, which makes or loads the certificate (``ServerIdentity``).
    static let https = SettingKey<Bool>(
        "https", "Serve HTTPS (and HTTP/2) with a certificate from devserve's own local CA, made on first use in ~/.cache/devserve/tls.",
        default: false, apply: { _, _ in })
    /// Read by ``ServeCommand``, with ``key``.
    static let cert = SettingKey<String?>(
        "cert", "Serve HTTPS with this certificate (PEM, a chain allowed; mkcert's work) instead of devserve's own; needs --key.",
        valueName: "FILE", default: nil, example: "localhost.pem", paths: true, apply: { _, _ in })
    /// Read by ``ServeCommand``, with ``cert``.
    static let key = SettingKey<String?>(
        "key", "The private key (PEM) of --cert.", valueName: "FILE", default: nil, example: "localhost-key.pem", paths: true,
        apply: { _, _ in })
    static let headers = SettingKey<[String]>(
        "headers", flag: "header",
        "A header set on every response, as 'Cross-Origin-Opener-Policy: same-origin' (repeatable; [headers] in devserve.toml).",
        valueName: "'NAME: VALUE'", default: [], example: ["Cross-Origin-Opener-Policy: same-origin"], table: "a header value string",
        check: { headers in headers.lazy.compactMap { ResponseHeader.problem(with: $0) }.first },
        apply: { headers, configuration in configuration.responseHeaders = headers.compactMap { try? ResponseHeader(parsing: $0) } })
    static let editor = SettingKey<String?>(
        "editor", "The command that opens a file at a line, with {file}, {line} and {column} (default: from $VISUAL or $EDITOR).",
        valueName: "CMD", default: nil, example: "code --goto {file}:{line}:{column}",
        check: { $0.contains("{file}") ? nil : "must contain {file}, as in \"code --goto {file}:{line}:{column}\"" },
        apply: { command, configuration in
            configuration.editorCommand = command ?? EditorCommand.fromEnvironment(ProcessInfo.processInfo.environment)
        })
    /// Read by ``ServeCommand``, which opens the browser; nothing in the engine.
    static let open = SettingKey<Bool>(
        "open", "Open the served URL in the default browser (xdg-open) once listening; --open /docs/ opens that page.",
        default: false, apply: { _, _ in })
    /// Read by ``ServeCommand``, with ``open``. `--open /docs/` arrives here (see ``OpenPage``).
    static let openPath = SettingKey<String>(
        "open-path", "The page --open opens.", valueName: "PATH", default: "/",
        check: { $0.hasPrefix("/") && !$0.contains(" ") ? nil : "must be a path on the server such as /docs/, not \($0)" },
        apply: { _, _ in })

    /// Every setting, in the order of the help and of `devserve init`'s file, which is also the
    /// order they are applied in (``watch`` after ``root``).
    static let all: [any AnySettingKey] = [
        root, port, host, build, watch, ignore, debounce, debounceMax, onBusy, buildTimeout, holdTimeout, output, poll,
        gitignore, heartbeat, json, inject, hot, forwardConsole, compress, allowedHost, cors, allowDotfiles, followSymlinks, maxClients,
        requestTimeout, spa, fallback, proxy, https, cert, key, headers, editor, open, openPath,
    ]

    /// The setting a `devserve.toml` key names, if any.
    static func named(_ name: String) -> (any AnySettingKey)? {
        all.first { $0.name == name }
    }

    // MARK: Checks

    private static func range(_ range: ClosedRange<Int>) -> @Sendable (Int) -> String? {
        { range.contains($0) ? nil : "must be between \(range.lowerBound) and \(range.upperBound), not \($0)" }
    }

    private static func atLeast<Number: Comparable & SettingValueConvertible>(
        _ bound: Number, _ unit: String
    ) -> @Sendable (Number) -> String? {
        { $0 >= bound ? nil : "must be \(bound.settingValue.toml) or more \(unit), not \($0.settingValue.toml)" }
    }

    private static func moreThan<Number: Comparable & SettingValueConvertible>(
        _ bound: Number, _ unit: String
    ) -> @Sendable (Number) -> String? {
        { $0 > bound ? nil : "must be more than \(bound.settingValue.toml) \(unit), not \($0.settingValue.toml)" }
    }

    /// The cases of an enumeration of the engine, by their raw values.
    private static func oneOf<Choice: CaseIterable & RawRepresentable>(_: Choice.Type) -> @Sendable (String) -> String?
    where Choice.RawValue == String {
        let choices = Choice.allCases.map(\.rawValue)
        return { choices.contains($0) ? nil : "takes \(choices.joined(separator: " or ")), not \($0)" }
    }

    /// Whether `path` is there and is not a folder (a missing folder is the engine's to report:
    /// with a build, it makes ROOT).
    private static func isFile(_ path: String) -> Bool {
        var isFolder: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) && !isFolder.boolValue
    }

    /// `scheme://host[:port]` with nothing after it.
    static func isOrigin(_ text: String) -> Bool {
        guard let url = URL(string: text), let scheme = url.scheme, ["http", "https"].contains(scheme),
            let host = url.host, !host.isEmpty
        else { return false }
        return url.path.isEmpty && url.query == nil && url.fragment == nil && url.user == nil && !text.hasSuffix("/")
    }

    /// Seconds as the engine's durations, to the millisecond.
    static func duration(_ seconds: Double) -> Duration { .milliseconds(Int(seconds * 1000)) }
}
