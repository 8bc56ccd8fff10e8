public import HTTPTypes

/// Which cross-origin requests are refused, from `Origin` and the `Sec-Fetch-*` headers.
///
/// - `/__hmr` and everything under it: an `Origin` that is present must be this server's own
///   origin (`http://` or `https://`, + `Host`), so `http://127.0.0.1:PORT` is refused on `localhost:PORT`;
///   `Sec-Fetch-Site` must be `same-origin` or `none` when present. A foreign page can neither
///   follow the event stream nor read the status.
/// - Anything but GET and HEAD under `/__hmr` has side effects, so it must prove it is
///   same-origin: a same-origin `Origin`, or `Sec-Fetch-Site: same-origin`.
/// - Every path: a cross-site `no-cors` load (`<script src=http://localhost:PORT/app.js>` on a
///   foreign page) of anything but an image or a stylesheet is refused, and every response carries
///   `Cross-Origin-Resource-Policy: same-origin`.
public struct FetchPolicy: Sendable {
    /// The policy.
    public init() {}

    /// Why a request is refused (403), or nil when it may go on.
    /// - Parameter path: the decoded request path (see ``RequestTarget``).
    public func refusal(for request: HTTPRequest, path: String) -> String? {
        let site = request.headerFields[.secFetchSite]?.lowercased()
        if path == "/__hmr" || path.hasPrefix("/__hmr/") {
            // The scheme is the connection's (`https` over TLS, HTTP/2's `:scheme`).
            let expected = request.authority.map { (request.scheme ?? "http") + "://" + $0.lowercased() }
            if let origin = request.headerFields[.origin], origin.lowercased() != expected {
                return "cross-origin requests to /__hmr are refused (Origin \(origin))"
            }
            if let site, site != "same-origin", site != "none" {
                return "cross-site requests to /__hmr are refused (Sec-Fetch-Site: \(site))"
            }
            if request.method != .get, request.method != .head,
                request.headerFields[.origin] == nil, site != "same-origin"
            {
                return "\(request.method) to /__hmr needs a same-origin Origin or Sec-Fetch-Site header"
            }
        }
        if site == "cross-site", request.headerFields[.secFetchMode]?.lowercased() == "no-cors" {
            let destination = request.headerFields[.secFetchDest]?.lowercased() ?? ""
            if destination != "image" && destination != "style" {
                return "cross-site no-cors loads are refused (Sec-Fetch-Dest: \(destination))"
            }
        }
        return nil
    }
}

extension HTTPField.Name {
    static let secFetchSite = Self("Sec-Fetch-Site")!
    static let secFetchMode = Self("Sec-Fetch-Mode")!
    static let secFetchDest = Self("Sec-Fetch-Dest")!
    static let crossOriginResourcePolicy = Self("Cross-Origin-Resource-Policy")!
    static let xContentTypeOptions = Self("X-Content-Type-Options")!
}
