import Hummingbird
import Logging

/// The first middleware every request meets. It refuses what the ``RequestScreen`` refuses, in
/// order:
/// 1. a `Host` the ``HostPolicy`` does not allow (403, against DNS rebinding);
/// 2. a request target that is not a clean origin-form path (400, see ``RequestTarget``);
/// 3. a cross-origin request the ``FetchPolicy`` refuses (403).
///
/// Every response, refusals and errors included, gets `Cross-Origin-Resource-Policy:
/// same-origin` and `X-Content-Type-Options: nosniff`. Refusals are one line of plain text, and
/// end the connection (`Connection: close`, which ``ConnectionRules`` acts on): a client that
/// sends what is refused here gets nothing more from it, and cannot hold it by trickling a body.
///
/// The user's `--header`s (``ResponseHeader``) are set last, on every response, so that they
/// replace devserve's own (`Cross-Origin-Resource-Policy: cross-origin`, say).
struct SecurityMiddleware<Context: RequestContext>: RouterMiddleware {
    let screen: RequestScreen
    var extraHeaders: [ResponseHeader] = []

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let target: RequestTarget
        switch screen.screen(request.head) {
        case .success(let screened): target = screened
        case .failure(let refusal):
            var response = Response.refusal(refusal.status, refusal.message)
            response.headers[.connection] = "close"
            response.headers.set(extraHeaders)
            return response
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
            response = .refusal(.internalServerError, "the request failed; see devserve's log")
        }
        response.headers.addSecurityHeaders()
        response.headers.set(extraHeaders)
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
        Response(status: status, headers: .plainMessage, body: .init(byteBuffer: .plainMessage(message)))
    }
}

extension HTTPFields {
    /// The headers of a one-line plain-text answer: not cached, with the security headers.
    static var plainMessage: HTTPFields {
        var headers = HTTPFields()
        headers[.contentType] = "text/plain; charset=utf-8"
        headers[.cacheControl] = "no-store"
        headers.addSecurityHeaders()
        return headers
    }
}

extension ByteBuffer {
    /// The body of a one-line plain-text answer: `devserve: MESSAGE` and a newline.
    static func plainMessage(_ message: String) -> ByteBuffer {
        ByteBuffer(string: "devserve: \(message)\n")
    }
}
