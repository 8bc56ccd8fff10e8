import Foundation
import HTTPTypes
import NIOHTTP1

/// The headers that cross devserve on the way to a backend and back, for the HTTP proxy
/// (``ProxyMiddleware``) and the WebSocket tunnel (``WebSocketTunnel``) alike, so that both
/// forward the same things: a request's headers minus the hop-by-hop ones, plus
/// `X-Forwarded-For`, `-Host` and `-Proto`; an answer's headers minus the hop-by-hop ones.
enum ProxyHeaders {
    /// Headers that belong to one connection, never forwarded (RFC 9110, 7.6.1), and `Host`,
    /// which the backend gets for itself.
    static let hopByHop: Set<String> = [
        "connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "proxy-connection", "te", "trailer",
        "transfer-encoding", "upgrade", "host",
    ]

    /// The headers `request` goes to the backend with: its own minus the hop-by-hop ones, those
    /// its `Connection` names and any `X-Forwarded-*` it came with; then `X-Forwarded-For` (the
    /// addresses it came with, then `clientAddress`), `X-Forwarded-Host` (the `Host` it asked
    /// for) and `X-Forwarded-Proto` (its scheme: `https` over TLS). `Host` is not among them:
    /// the backend's is set by whoever connects to it.
    static func forwarded(_ request: HTTPRequest, clientAddress: String?) -> HTTPHeaders {
        let fields = request.headerFields
        var headers = HTTPHeaders()
        let connection = Set(fields[values: .connection].flatMap { $0.split(separator: ",") }.map {
            $0.trimmingCharacters(in: .whitespaces).lowercased()
        })
        for field in fields {
            let name = field.name.canonicalName
            guard !hopByHop.contains(name), !connection.contains(name), !name.hasPrefix("x-forwarded-") else { continue }
            headers.add(name: field.name.rawName, value: field.value)
        }
        let address = clientAddress ?? "unknown"
        if let earlier = fields[.xForwardedFor], !earlier.isEmpty {
            headers.add(name: "X-Forwarded-For", value: earlier + ", " + address)
        } else {
            headers.add(name: "X-Forwarded-For", value: address)
        }
        if let host = request.authority { headers.replaceOrAdd(name: "X-Forwarded-Host", value: host) }
        headers.replaceOrAdd(name: "X-Forwarded-Proto", value: request.scheme ?? "http")
        return headers
    }

    /// A backend answer's headers as the client gets them: minus the hop-by-hop ones (`Host`
    /// aside: an answer has none) and those its `Connection` names.
    static func answer(_ headers: HTTPHeaders) -> HTTPFields {
        var dropped = hopByHop.subtracting(["host"])
        for value in headers["connection"] {
            for name in value.split(separator: ",") { dropped.insert(name.trimmingCharacters(in: .whitespaces).lowercased()) }
        }
        var fields = HTTPFields()
        for header in headers where !dropped.contains(header.name.lowercased()) {
            if let name = HTTPField.Name(header.name) { fields.append(HTTPField(name: name, value: header.value)) }
        }
        return fields
    }
}

extension HTTPField.Name {
    static let xForwardedFor = Self("X-Forwarded-For")!
}
