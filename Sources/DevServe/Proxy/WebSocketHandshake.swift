import HTTPTypes
import HummingbirdCore
import NIOCore
import NIOHTTP1
import NIOHTTPTypesHTTP1

/// A WebSocket opening handshake (RFC 6455, 4.1) on a proxied path, and what goes each way for
/// it: the request the backend is sent, and the answers the client gets. Pure values, so that
/// ``WebSocketTunnel`` only moves them between connections.
struct WebSocketHandshake {
    /// The route the path goes to.
    let route: ProxyRoute
    /// The handshake as HTTP types see it, converted as Hummingbird converts every request, so
    /// the ``RequestScreen`` judges it as it judges the rest.
    let request: HTTPRequest

    /// The handshake `head` is, or nil when it is not one devserve tunnels: a `GET` over
    /// HTTP/1.1 with `Upgrade: websocket` and `Connection: upgrade` (tokens, any case) and no
    /// body, whose path (as received) goes to one of `routes` (``ProxyMiddleware``'s choice:
    /// never `/__hmr`). Every other request goes on to Hummingbird as ever.
    /// - Parameter secure: whether the connection is TLS (the request's scheme is then `https`).
    init?(_ head: HTTPRequestHead, routes: [ProxyRoute], secure: Bool) {
        guard head.method == .GET, head.version.major == 1, head.version.minor >= 1,
            head.headers[canonicalForm: "upgrade"].contains(where: { $0.lowercased() == "websocket" }),
            head.headers[canonicalForm: "connection"].contains(where: { $0.lowercased() == "upgrade" }),
            !head.headers.contains(name: "transfer-encoding"),
            head.headers["content-length"].allSatisfy({ $0 == "0" }),
            let request = try? HTTPRequest(head, secure: secure, splitCookie: false),
            let route = routes.route(for: URI(request.path ?? "/").path)
        else { return nil }
        self.route = route
        self.request = request
    }

    /// The handshake as the backend gets it: the target as ``ProxyMiddleware`` would send it (the
    /// route's target path in front), the `Host` its HTTP client would send, the headers
    /// ``ProxyHeaders`` forwards (`Sec-WebSocket-Key`, `-Version`, `-Protocol` and `-Extensions`,
    /// `Origin` and cookies among them, and `X-Forwarded-For`, `-Host`, `-Proto`), and `Upgrade`
    /// and `Connection`, which are hop-by-hop and so set again here.
    /// - Parameter clientAddress: the client's IP address, for `X-Forwarded-For`.
    func backendRequest(clientAddress: String?) -> HTTPRequestHead {
        var headers = HTTPHeaders()
        headers.add(name: "Host", value: route.backendAuthority)
        headers.add(contentsOf: ProxyHeaders.forwarded(request, clientAddress: clientAddress))
        headers.add(name: "Connection", value: "Upgrade")
        headers.add(name: "Upgrade", value: "websocket")
        return HTTPRequestHead(
            version: .http1_1, method: .GET, uri: route.backendPath(for: request.path ?? "/"), headers: headers)
    }

    /// What the client is sent for the backend's answer `head`. A 101 goes as it came: its
    /// `Upgrade`, `Connection` and `Sec-WebSocket-Accept`, `-Protocol` and `-Extensions` are the
    /// handshake, between the client and the backend. Any other answer goes as ``ProxyMiddleware``
    /// and ``SecurityMiddleware`` pass one on (hop-by-hop headers dropped, the security headers
    /// set, then the user's `--header`s), with `Connection: close`: the connection has nothing more
    /// to offer.
    static func clientAnswer(to head: HTTPResponseHead, extraHeaders: [ResponseHeader] = []) -> HTTPResponseHead {
        guard head.status.code != 101 else { return head }
        var fields = ProxyHeaders.answer(head.headers)
        fields.addSecurityHeaders()
        fields[.connection] = "close"
        fields.set(extraHeaders)
        let status = HTTPResponse.Status(code: Int(head.status.code), reasonPhrase: head.status.reasonPhrase)
        return HTTPResponseHead(HTTPResponse(status: status, headerFields: fields))
    }

    /// devserve's own answer to a handshake it does not tunnel (refused, or a backend that cannot
    /// be reached): one line of plain text, as every refusal, with `Connection: close`, which
    /// ``ConnectionRules`` ends the connection on.
    static func refusal(
        _ status: HTTPResponse.Status, _ message: String, extraHeaders: [ResponseHeader] = []
    ) -> (head: HTTPResponseHead, body: ByteBuffer) {
        let body = ByteBuffer.plainMessage(message)
        var fields = HTTPFields.plainMessage
        fields[.contentLength] = String(body.readableBytes)
        fields[.connection] = "close"
        fields.set(extraHeaders)
        return (HTTPResponseHead(HTTPResponse(status: status, headerFields: fields)), body)
    }
}
