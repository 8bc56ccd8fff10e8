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
            return Self.refuse(
                .forbidden,
                "Host \(name) is not allowed; devserve answers localhost and loopback addresses (add a name with --allowed-host)")
        }
        let target: RequestTarget
        do {
            target = try RequestTarget(request.head.path ?? "")
        } catch {
            return Self.refuse(.badRequest, error.description)
        }
        if let reason = fetch.refusal(for: request.head, path: target.path) {
            return Self.refuse(.forbidden, reason)
        }
        var response: Response
        do {
            response = try await next(request, context)
        } catch let error as any HTTPResponseError {
            response = try error.response(from: request, context: context)
        } catch {
            context.logger.error("request failed", metadata: ["path": "\(target.path)", "error": "\(error)"])
            return Self.refuse(.internalServerError, "the request failed; see devserve's log")
        }
        Self.addHeaders(to: &response.headers)
        return response
    }

    /// A one-line plain-text answer.
    static func refuse(_ status: HTTPResponse.Status, _ message: String) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "text/plain; charset=utf-8"
        headers[.cacheControl] = "no-store"
        addHeaders(to: &headers)
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: "devserve: \(message)\n")))
    }

    private static func addHeaders(to headers: inout HTTPFields) {
        headers[.crossOriginResourcePolicy] = "same-origin"
        headers[.xContentTypeOptions] = "nosniff"
    }
}
