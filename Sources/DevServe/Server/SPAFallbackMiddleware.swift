import Hummingbird

/// Client-side routes of single-page apps: a GET (or HEAD) that asks for HTML (`Accept:
/// text/html`, as browsers send for a navigation) and matches no file gets the fallback page,
/// with the client injected, and status 200. Requests for scripts, styles, images and `fetch()`
/// calls (which do not ask for HTML) still get their 404.
struct SPAFallbackMiddleware<Context: RequestContext>: RouterMiddleware {
    /// The page, as a URL path under the root (`/index.html`).
    let page: String
    let resolver: PathResolver
    let pages: PageResponder

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            let response = try await next(request, context)
            guard response.status == .notFound, let fallback = try await fallback(for: request) else { return response }
            return fallback
        } catch let error as any HTTPResponseError where error.status == .notFound {
            guard let fallback = try await fallback(for: request) else { throw error }
            return fallback
        }
    }

    private func fallback(for request: Request) async throws -> Response? {
        guard request.method == .get || request.method == .head, !request.uri.path.hasPrefix("/__hmr"),
            request.headers[.accept]?.contains("text/html") == true,
            let file = resolver.regularFile(page)
        else { return nil }
        return try await pages.respond(file: file, to: request)
    }
}
