import Foundation
import Hummingbird

/// Holds requests for what the running build writes, so the browser never loads a half-written
/// file: each waits until the build ends, for at most `timeout`, and then gets a 503 page that
/// says the build is still running. A file no build writes is answered at once (see
/// ``BuildWindow/holds(_:)``), and `/__hmr*` is never held.
struct BuildHoldMiddleware<Context: RequestContext>: RouterMiddleware {
    let window: BuildWindow
    let paths: ProjectPaths
    let timeout: Duration

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let path = request.uri.path
        guard window.isBuilding, !path.hasPrefix("/__hmr"),
            window.holds(paths.file(forURL: path.removingPercentEncoding ?? path))
        else {
            return try await next(request, context)
        }
        if await window.waitUntilIdle(atMost: timeout) {
            return try await next(request, context)
        }
        let seconds = Int(timeout / .seconds(1))
        var headers = HTTPFields()
        headers[.contentType] = "text/html; charset=utf-8"
        headers[.cacheControl] = "no-store"
        headers[.retryAfter] = "1"
        let page = """
            <!doctype html><meta charset="utf-8"><title>Building…</title>
            <p>devserve: the build is still running after \(seconds) s; this page will be served when it ends. \
            Reload to wait again.</p>
            """
        return Response(status: .serviceUnavailable, headers: headers, body: .init(byteBuffer: .init(string: page)))
    }
}
