/// Everything a ``DevServer`` needs to know. Paths are absolute.
public struct DevServeConfiguration: Sendable {
    /// The folder served over HTTP.
    public var root: String
    /// The folders watched for changes.
    public var watchFolders: [String]
    /// The folder the build runs in; changed paths are reported relative to it.
    public var projectFolder: String
    /// The shell command run after each batch of changes, or nil for pure live reload.
    public var buildCommand: String?
    /// Glob patterns ignored on top of ``IgnoreRules/defaultPatterns``.
    public var ignore: [String]
    /// The address to listen on. `127.0.0.1` keeps the files off the network.
    public var host: String
    /// The port to listen on; 0 picks a free one.
    public var port: Int
    /// A batch is built this long after its last change.
    public var debounce: Duration
    /// A batch is built at the latest this long after its first change, even if changes keep
    /// coming.
    public var debounceMax: Duration
    /// What a batch that arrives during a build does.
    public var onBusy: BusyPolicy
    /// A build running longer is stopped and reported as failed; nil: no limit.
    public var buildTimeout: Duration?
    /// How long a request for the output waits for a running build before it gets a 503.
    public var holdTimeout: Duration
    /// Folders declared as the build's output: whatever changes there during a build is the
    /// build's own (it never starts another build), and requests for files there wait for the
    /// build. Nil: none; devserve learns which files builds write, so a
    /// save made during a build is never mistaken for the build's output.
    public var outputFolders: [String]?
    /// Poll for changes at this interval instead of using inotify (for network and container
    /// mounts); nil: inotify, falling back to polling at ``fallbackPollInterval`` when its
    /// watch limit is reached.
    public var poll: Duration?
    /// The polling interval used when inotify's watch limit is reached.
    public var fallbackPollInterval: Duration
    /// Whether the project folder's `.gitignore` patterns are ignored too.
    public var useGitignore: Bool
    /// How often clients get a `heartbeat` event.
    public var heartbeat: Duration
    /// Whether HTML pages get the client `<script>` injected.
    public var injectClient: Bool
    /// Whether ES modules are updated in place through `import.meta.hot` (see ``ModuleGraph``);
    /// off, a changed script reloads the page, and scripts are served byte for byte.
    public var hotModules: Bool
    /// Whether pages also report `console.error` and `console.warn` (as `browser-error` events
    /// and terminal lines), not only uncaught errors and rejections.
    public var forwardConsole: Bool
    /// Where build output is echoed while it runs.
    public var buildEcho: ShellBuildRunner.Echo
    /// Host names answered on top of localhost and loopback addresses (see ``HostPolicy``).
    public var allowedHosts: [String]
    /// The one origin allowed to read files with CORS (`Access-Control-Allow-Origin`), never
    /// with credentials and never on `/__hmr`. Nil: no CORS header at all.
    public var corsOrigin: String?
    /// Whether dotfiles and dot-folders are served (key material never is; see ``DenyList``).
    public var allowDotfiles: Bool
    /// Whether symbolic links under the root may point outside it.
    public var followSymlinks: Bool
    /// `/__hmr` clients connected at once; past it, 503.
    public var maxClients: Int
    /// How long a connection may take to send a request's headers (or its body, or stay idle
    /// between requests) before it is closed: the defence against slow-loris clients.
    public var requestTimeout: Duration
    /// The page (relative to ``root``, as `index.html` or `app/shell.html`) served, with the
    /// client injected, for a GET that wants HTML and matches no file: client-side routes of
    /// single-page apps. Nil: such requests get a 404.
    public var fallbackPage: String?
    /// Requests under these prefixes go to backends (see ``ProxyRoute``).
    public var proxies: [ProxyRoute]
    /// The command that `POST /__hmr/open` runs to show a file at a line (see ``EditorCommand``);
    /// nil: opening files is off and the endpoint answers 501.
    public var editorCommand: String?
    /// Whether a folder without `index.html` gets a listing of its files.
    public var directoryListing: Bool
    /// Headers set on every response, devserve's own answers and proxied ones included (see
    /// ``ResponseHeader``).
    public var responseHeaders: [ResponseHeader]
    /// The certificate and key of HTTPS (see ``ServerIdentity``); nil: plain HTTP. With it,
    /// every connection is TLS, and HTTP/2 for clients that offer it.
    public var tls: ServerIdentity?
    /// Whether text responses (files, pages, modules) are gzipped for clients that accept it,
    /// and files with a fresh `.br` or `.gz` beside them are sent from it (see
    /// ``ResponseCompression``). Never `/__hmr`, never a range. Off: every body as it is.
    public var compress: Bool

    /// A configuration; only the folders are required, everything else has the defaults of the
    /// command line.
    public init(
        root: String,
        watchFolders: [String]? = nil,
        projectFolder: String,
        buildCommand: String? = nil,
        ignore: [String] = [],
        host: String = "127.0.0.1",
        port: Int = 8080,
        debounce: Duration = .milliseconds(20),
        debounceMax: Duration = .seconds(1),
        onBusy: BusyPolicy = .queue,
        buildTimeout: Duration? = nil,
        holdTimeout: Duration = .seconds(30),
        outputFolders: [String]? = nil,
        poll: Duration? = nil,
        fallbackPollInterval: Duration = .milliseconds(500),
        useGitignore: Bool = true,
        heartbeat: Duration = .seconds(5),
        injectClient: Bool = true,
        buildEcho: ShellBuildRunner.Echo = .standardOutput,
        allowedHosts: [String] = [],
        corsOrigin: String? = nil,
        allowDotfiles: Bool = false,
        followSymlinks: Bool = false,
        maxClients: Int = 1024,
        requestTimeout: Duration = .seconds(10),
        fallbackPage: String? = nil,
        proxies: [ProxyRoute] = [],
        editorCommand: String? = nil,
        directoryListing: Bool = true,
        hotModules: Bool = true,
        forwardConsole: Bool = false,
        responseHeaders: [ResponseHeader] = [],
        tls: ServerIdentity? = nil,
        compress: Bool = true
    ) {
        self.root = root
        self.watchFolders = watchFolders ?? [root]
        self.projectFolder = projectFolder
        self.buildCommand = buildCommand
        self.ignore = ignore
        self.host = host
        self.port = port
        self.debounce = debounce
        self.debounceMax = debounceMax
        self.onBusy = onBusy
        self.buildTimeout = buildTimeout
        self.holdTimeout = holdTimeout
        self.outputFolders = outputFolders
        self.poll = poll
        self.fallbackPollInterval = fallbackPollInterval
        self.useGitignore = useGitignore
        self.heartbeat = heartbeat
        self.injectClient = injectClient
        self.buildEcho = buildEcho
        self.allowedHosts = allowedHosts
        self.corsOrigin = corsOrigin
        self.allowDotfiles = allowDotfiles
        self.followSymlinks = followSymlinks
        self.maxClients = maxClients
        self.requestTimeout = requestTimeout
        self.fallbackPage = fallbackPage
        self.proxies = proxies
        self.editorCommand = editorCommand
        self.directoryListing = directoryListing
        self.hotModules = hotModules
        self.forwardConsole = forwardConsole
        self.responseHeaders = responseHeaders
        self.tls = tls
        self.compress = compress
    }

    /// The declared output folders, when there is a build command to write them.
    public var buildOutputFolders: [String] {
        buildCommand == nil ? [] : outputFolders ?? []
    }
}
