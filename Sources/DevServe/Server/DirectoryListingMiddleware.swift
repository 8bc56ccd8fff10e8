import Foundation
import Hummingbird
import NIOPosix

/// A folder without `index.html`, asked for with a trailing `/`, gets a plain listing of what
/// it holds: folders first, every name HTML-escaped in the text and percent-encoded in the link,
/// and only entries that would be served (no dotfiles unless allowed, no key files, no links out
/// of the root). The page gets the client, so it reloads when files come and go.
struct DirectoryListingMiddleware<Context: RequestContext>: RouterMiddleware {
    let resolver: PathResolver
    let pages: PageResponder

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard request.method == .get || request.method == .head,
            let urlPath = request.uri.path.removingPercentEncoding, urlPath.hasSuffix("/"), !urlPath.hasPrefix("/__hmr"),
            let folder = resolver.folder(urlPath),
            !FileManager.default.fileExists(atPath: folder + "/index.html")
        else {
            return try await next(request, context)
        }
        let resolver = self.resolver
        let page = try await NIOThreadPool.singleton.runIfActive { Self.listing(of: urlPath, in: folder, resolver: resolver) }
        return try await pages.respond(html: Array(page.utf8), to: request)
    }

    /// The listing page for the folder at `urlPath`.
    static func listing(of urlPath: String, in folder: String, resolver: PathResolver) -> String {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        let entries = names.compactMap { name -> (name: String, isFolder: Bool)? in
            guard !name.contains("/"), let resolved = resolver.resolve(urlPath + name) else { return nil }
            var isFolder: ObjCBool = false
            _ = FileManager.default.fileExists(atPath: resolved, isDirectory: &isFolder)
            return (name, isFolder.boolValue)
        }
        .sorted { ($0.isFolder ? 0 : 1, $0.name) < ($1.isFolder ? 0 : 1, $1.name) }
        var items = urlPath == "/" ? [] : [#"<li><a href="../">../</a></li>"#]
        for entry in entries {
            let suffix = entry.isFolder ? "/" : ""
            items.append(#"<li><a href="./\#(HTMLText.percentEncoded(entry.name))\#(suffix)">\#(HTMLText.escaped(entry.name))\#(suffix)</a></li>"#)
        }
        let title = HTMLText.escaped("Index of " + urlPath)
        return """
            <!doctype html>
            <html><head><meta charset="utf-8"><title>\(title)</title>
            <meta name="viewport" content="width=device-width">
            </head><body style="font: 15px/1.6 system-ui, sans-serif; margin: 2em">
            <h1 style="font-size: 1.3em">\(title)</h1>
            <ul style="list-style: none; padding: 0; font-family: ui-monospace, monospace">
            \(items.joined(separator: "\n"))
            </ul>
            <p style="color: #666">\(entries.isEmpty ? "This folder is empty. " : "")No index.html here, so devserve lists the folder.</p>
            </body></html>
            """
    }
}
