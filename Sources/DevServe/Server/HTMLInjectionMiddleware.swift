import Foundation
import Hummingbird
import NIOPosix

#if canImport(Glibc)
import Glibc
#endif

/// Serves HTML pages with the client's `<script>` injected (see ``HTMLInjector``) and
/// `Cache-Control: no-store`, so a reload always fetches the new page.
///
/// The page is read once and the headers are computed from the bytes actually sent, so
/// `Content-Length` stays right even while an editor rewrites the file. Everything that is not an
/// HTML page (or a folder without a trailing `/`, which `FileMiddleware` redirects) passes on.
struct HTMLInjectionMiddleware<Context: RequestContext>: RouterMiddleware {
    let resolver: PathResolver
    let injector: HTMLInjector
    /// While the last build failed, pages come from the last good build (nil: from disk).
    var lastGoodPage: @Sendable (String) -> [UInt8]? = { _ in nil }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        // Only names that can be a page are looked up here; assets go straight to FileMiddleware
        // without a second resolution.
        guard request.method == .get || request.method == .head,
            !request.uri.path.hasPrefix("/__hmr"),
            let urlPath = request.uri.path.removingPercentEncoding,
            urlPath.hasSuffix("/") || Self.isHTML(urlPath),
            let file = htmlFile(for: urlPath)
        else {
            return try await next(request, context)
        }
        let lastGoodPage = self.lastGoodPage
        guard let page = try await NIOThreadPool.singleton.runIfActive({ lastGoodPage(file) ?? FileBytes.read(file) }) else {
            return try await next(request, context)
        }
        let body = injector.inject(into: page)
        var headers = HTTPFields()
        headers[.contentType] = "text/html; charset=utf-8"
        headers[.contentLength] = String(body.count)
        headers[.cacheControl] = "no-store"
        if request.method == .head {
            return Response(status: .ok, headers: headers, body: .init())
        }
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }

    /// The HTML file a URL path stands for: the file itself, or `index.html` of a folder asked for
    /// with a trailing `/`. (A symlink named `x.html` may resolve to any regular file inside the
    /// root; it is served as the page its name says.)
    private func htmlFile(for urlPath: String) -> String? {
        let candidate = urlPath.hasSuffix("/") ? urlPath + "index.html" : urlPath
        guard let resolved = resolver.resolve(candidate) else { return nil }
        var info = stat()
        guard stat(resolved, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return nil }
        return resolved
    }

    private static func isHTML(_ path: String) -> Bool {
        let lowered = path.lowercased()
        return lowered.hasSuffix(".html") || lowered.hasSuffix(".htm")
    }
}
