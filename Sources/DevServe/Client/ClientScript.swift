/// The browser client (`client-js/devserve.js`), embedded in the binary at build time by the
/// `EmbedClientScript` plugin and served at `/__hmr/client.js`. Pages load it as a script, and
/// it starts itself again as the `SharedWorker` that holds the one event stream all tabs share.
/// Its hot-update runtime (`client-js/hot.js`, ``hotModule``) is served at `/__hmr/hot.js`, for
/// the modules that use `import.meta.hot`.
public enum ClientScript {
    /// The URL path the client is served at and injected with.
    public static let path = "/__hmr/client.js"
    /// The `<script>` tag injected into every HTML page.
    public static let tag = "<script src=\"\(path)\"></script>"
}
