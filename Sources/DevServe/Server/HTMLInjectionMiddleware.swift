import Foundation
import Hummingbird

/// Serves HTML pages through the ``PageResponder``, which injects the client's `<script>`
/// (see ``HTMLInjector``). Everything that is not an HTML page (or a folder without a trailing
/// `/`, which `FileMiddleware` redirects) passes on.
struct HTMLInjectionMiddleware<Context: RequestContext>: RouterMiddleware {
    let resolver: PathResolver
    let pages: PageResponder

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        // Only names that can be a page are looked up here; assets go straight to FileMiddleware
        // without a second resolution.
        guard request.method == .get || request.method == .head,
            !request.uri.path.hasPrefix("/__hmr"),
            let urlPath = request.uri.path.removingPercentEncoding,
            urlPath.hasSuffix("/") || HTMLText.isPage(urlPath),
            let file = resolver.regularFile(urlPath.hasSuffix("/") ? urlPath + "index.html" : urlPath),
            let response = try await pages.respond(file: file, to: request)
        else {
            return try await next(request, context)
        }
        return response
    }
}
