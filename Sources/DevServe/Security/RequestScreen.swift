import HTTPTypes

/// The checks every request passes before anything answers it, in order: one `Host`, and an
/// allowed one (against DNS rebinding), the request target (a clean origin-form path) and the
/// ``FetchPolicy``.
///
/// ``SecurityMiddleware`` applies it to what the router answers, ``EventStreamHandler`` to the
/// event stream it answers itself, and ``WebSocketTunnel`` (with the ``WebSocketOriginPolicy``)
/// to the WebSocket handshakes it tunnels to a backend.
struct RequestScreen: Sendable {
    let hosts: HostPolicy
    let fetch: FetchPolicy

    /// Why a request is refused: its status and one line of text.
    struct Refusal: Error {
        let status: HTTPResponse.Status
        let message: String
    }

    /// The request's target, or why it is refused.
    func screen(_ request: HTTPRequest) -> Result<RequestTarget, Refusal> {
        // The first `Host` line became `authority`; any other one is still a field. Two of them
        // are ambiguous (a proxy in front may have checked the other), so neither is trusted.
        guard request.headerFields[.host] == nil else {
            return .failure(Refusal(status: .badRequest, message: "the request has more than one Host header"))
        }
        let host = request.authority
        guard hosts.allows(host) else {
            let name = host.map { "\"\($0)\"" } ?? "(none)"
            return .failure(
                Refusal(
                    status: .forbidden,
                    message:
                        "Host \(name) is not allowed; devserve answers localhost and loopback addresses (add a name with --allowed-host)"
                ))
        }
        let target: RequestTarget
        do {
            target = try RequestTarget(request.path ?? "")
        } catch {
            return .failure(Refusal(status: .badRequest, message: error.description))
        }
        if let reason = fetch.refusal(for: request, path: target.path) {
            return .failure(Refusal(status: .forbidden, message: reason))
        }
        return .success(target)
    }

    /// A WebSocket handshake's target, or why it is refused: every check of ``screen(_:)``, then
    /// the ``WebSocketOriginPolicy``. (The handshake never reaches the router, whose
    /// ``SecurityMiddleware`` applies the first ones to every other request.)
    func screenWebSocket(_ request: HTTPRequest) -> Result<RequestTarget, Refusal> {
        let screened = screen(request)
        if case .success = screened, let reason = WebSocketOriginPolicy(hosts: hosts).refusal(for: request) {
            return .failure(Refusal(status: .forbidden, message: reason))
        }
        return screened
    }
}

extension HTTPField.Name {
    /// `Host`, which HTTP types keep as the request's `authority`; a second one stays a field.
    static let host = Self("Host")!
}
