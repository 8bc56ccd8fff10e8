import Hummingbird
import Logging

/// The first middleware every request meets. In order, it refuses:
/// 1. a `Host` the ``HostPolicy`` does not allow (403, against DNS rebinding);
/// 2. a request target that is not a clean origin-form path (400, see ``RequestTarget``);
/// 3. a cross-origin request the ``FetchPolicy`` refuses (403).
///
/// Every response, refusals and errors included, gets `Cross-Origin-Resource-Policy:
/// same-origin` and `X-Content-Type-Options: nosniff`. Refusals are one line of plain text.
struct SecurityMiddleware<Context: RequestContext>: RouterMiddleware {
    let hosts: HostPolicy
    let fetch: FetchPolicy

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let host = request.head.authority
        guard hosts.allows(host) else {
            let name = host.map { "\"\($0)\"" } ?? "(none)"
            return .refusal(
                .forbidden,
                "Host \(name) is not allowed; devserve answers localhost and loopback addresses (add a name with --allowed-host)")
        }
        let target: RequestTarget
        do {
            target = try RequestTarget(request.head.path ?? "")
        } catch {
            return .refusal(.badRequest, error.description)
        }
        if let reason = fetch.refusal(for: request.head, path: target.path) {
            return .refusal(.forbidden, reason)
        }
        var response: Response
        do {
            response = try await next(request, context)
        } catch let error as any HTTPResponseError {
            response = try error.response(from: request, context: context)
        } catch let error as CancellationError {
            throw error
        } catch {
            context.logger.error("request failed", metadata: ["path": "\(target.path)", "error": "\(error)"])
            return .refusal(.internalServerError, "the request failed; see devserve's log")
        }
        response.headers.addSecurityHeaders()
        return response
    }
}

extension HTTPFields {
    /// `Cross-Origin-Resource-Policy: same-origin` and `X-Content-Type-Options: nosniff`.
    mutating func addSecurityHeaders() {
        self[.crossOriginResourcePolicy] = "same-origin"
        self[.xContentTypeOptions] = "nosniff"
    }
}

extension Response {
    /// A refusal: one line of plain text, `devserve: MESSAGE`, not cached.
    static func refusal(_ status: HTTPResponse.Status, _ message: String) -> Response {
        self.message(status, message)
    }

    /// One line of plain text, `devserve: MESSAGE`, not cached: the answer of an action.
    static func message(_ status: HTTPResponse.Status, _ message: String) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "text/plain; charset=utf-8"
        headers[.cacheControl] = "no-store"
        headers.addSecurityHeaders()
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: "devserve: \(message)\n")))
    }
}
