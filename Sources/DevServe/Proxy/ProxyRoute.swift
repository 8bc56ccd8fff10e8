public import Foundation

/// Requests under a path prefix, forwarded to a backend: `/api=http://127.0.0.1:3000` sends
/// `/api/users?x=1` to `http://127.0.0.1:3000/api/users?x=1` (a path on the target, as in
/// `/api=http://127.0.0.1:3000/v1`, goes in front: `/v1/api/users?x=1`).
public struct ProxyRoute: Sendable, Equatable {
    /// `/api`: no trailing `/`; it matches `/api` and everything under `/api/`.
    public var prefix: String
    /// `http://127.0.0.1:3000`, without a trailing `/`.
    public var target: URL

    /// - Throws: ``DevServeError`` unless `prefix` is a path that starts with `/` (and is not
    ///   under `/__hmr`) and `target` is an `http` URL with a host and no query.
    public init(prefix: String, target: URL) throws(DevServeError) {
        var prefix = prefix
        while prefix.count > 1 && prefix.hasSuffix("/") { prefix.removeLast() }
        guard prefix.hasPrefix("/"), prefix != "/", !prefix.contains("?"), !prefix.contains("#") else {
            throw DevServeError("a proxy prefix is a path such as /api, not \(prefix)")
        }
        guard prefix != "/__hmr", !prefix.hasPrefix("/__hmr/") else {
            throw DevServeError("a proxy prefix cannot be under /__hmr, which devserve answers itself")
        }
        guard target.scheme == "http", let host = target.host, !host.isEmpty, target.query == nil, target.fragment == nil else {
            throw DevServeError("a proxy target is an http:// URL such as http://127.0.0.1:3000, not \(target.absoluteString)")
        }
        self.prefix = prefix
        var text = target.absoluteString
        while text.hasSuffix("/") { text.removeLast() }
        self.target = URL(string: text) ?? target
    }

    /// Parses `PREFIX=URL`, as `--proxy` takes it.
    public init(parsing text: String) throws(DevServeError) {
        guard let equals = text.firstIndex(of: "=") else {
            throw DevServeError("a proxy is PREFIX=URL, such as /api=http://127.0.0.1:3000, not \(text)")
        }
        let url = String(text[text.index(after: equals)...])
        guard let target = URL(string: url) else {
            throw DevServeError("a proxy target is an http:// URL such as http://127.0.0.1:3000, not \(url)")
        }
        try self.init(prefix: String(text[..<equals]), target: target)
    }

    /// What is wrong with `PREFIX=URL`, or nil.
    public static func problem(with text: String) -> String? {
        do {
            _ = try ProxyRoute(parsing: text)
            return nil
        } catch {
            return "has a bad value: \(error.description)"
        }
    }

    /// Whether a request path is under the prefix.
    public func matches(_ path: String) -> Bool {
        path == prefix || path.hasPrefix(prefix + "/")
    }

    /// The backend URL for a request target (path and query, as received).
    public func url(for pathAndQuery: String) -> String {
        target.absoluteString + pathAndQuery
    }

    /// The request target on the backend for a request target (path and query, as received):
    /// the target's own path, if any, in front; the path part of ``url(for:)``.
    func backendPath(for pathAndQuery: String) -> String {
        let path = URLComponents(url: target, resolvingAgainstBaseURL: false)?.percentEncodedPath ?? ""
        return path + pathAndQuery
    }

    /// The backend's host name or address (without IPv6 brackets, as a resolver takes it) and
    /// port (80 when the target names none).
    var backendAddress: (host: String, port: Int) {
        var host = target.host ?? ""
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        return (host, target.port ?? 80)
    }

    /// The `Host` a backend is sent, as the HTTP client sends it for ``url(for:)``: the host
    /// (IPv6 in brackets), and the port unless it is 80.
    var backendAuthority: String {
        let (host, port) = backendAddress
        let name = host.contains(":") ? "[\(host)]" : host
        return port == 80 ? name : "\(name):\(port)"
    }

    /// What a client is told when the backend cannot be reached: `cannot reach the backend for
    /// /api at http://127.0.0.1:3000 (connection refused; is it running?)`.
    func unreachable(_ error: any Error) -> String {
        let text = String(describing: error)
        let reason =
            text.contains("connectTimeout") ? "it did not accept the connection in time"
            : text.contains("refused") || text.contains("connect") ? "connection refused; is it running?"
            : text
        return "cannot reach the backend for \(prefix) at \(target.absoluteString) (\(reason))"
    }
}

extension Array where Element == ProxyRoute {
    /// The route a request path (as received, before percent-decoding) goes to: the one with the
    /// longest prefix that matches it, so that `/api/v2` can go elsewhere than `/api`. Never one
    /// for `/__hmr` or anything under it, which devserve answers itself (a prefix there is
    /// refused when parsed, and refused here too, whatever a caller made).
    func route(for path: String) -> ProxyRoute? {
        guard path != "/__hmr", !path.hasPrefix("/__hmr/") else { return nil }
        return filter { $0.matches(path) }.max { $0.prefix.count < $1.prefix.count }
    }
}
