import HTTPTypes

/// Which pages may open a WebSocket through devserve's proxy: the defence against cross-site
/// WebSocket hijacking.
///
/// A WebSocket handshake is not subject to CORS: a page on any site may open
/// `ws://localhost:PORT/api/socket`, and the browser sends the user's cookies for localhost with
/// it, so without this check a page on `https://evil.example` could talk to the backend as the
/// user, and read its answers. A browser always sends the page's `Origin` with the handshake
/// (RFC 6455, 4.1), and no page can change it.
///
/// Allowed: no `Origin` at all (not a browser: a command-line client, a test), this server's own
/// origin (its scheme and `Host`), and an `http` or `https` origin whose host and port the
/// ``HostPolicy`` allows as a `Host` (another dev server on localhost, an `--allowed-host` name).
/// Refused with 403: every other site, `null` (a sandboxed frame, a `file:` page: no origin to
/// judge) and two `Origin` headers.
struct WebSocketOriginPolicy: Sendable {
    let hosts: HostPolicy

    /// Why a handshake is refused, or nil when it may go on.
    func refusal(for request: HTTPRequest) -> String? {
        guard let origin = request.headerFields[.origin] else { return nil }
        let lowered = origin.lowercased()
        if let authority = request.authority, lowered == (request.scheme ?? "http") + "://" + authority.lowercased() {
            return nil
        }
        for scheme in ["http://", "https://"] where lowered.hasPrefix(scheme) {
            if hosts.allows(String(lowered.dropFirst(scheme.count))) { return nil }
        }
        return "WebSocket upgrades from other sites are refused (Origin \(origin)); add the page's host with --allowed-host"
    }
}
