import HTTPTypes
import Hummingbird
import NIOPosix

/// Sends HTML pages: with the client's `<script>` injected (when an ``HTMLInjector`` is given),
/// `Cache-Control: no-store`, and headers computed from the bytes actually sent, so
/// `Content-Length` stays right even while an editor rewrites the file.
///
/// A page is gzipped after the injection (``ResponseCompression``), from the bytes sent: a
/// precompressed `index.html.gz` is never used here, since it lacks the client.
struct PageResponder: Sendable {
    /// Nil: pages are sent as they are (`--no-inject`).
    let injector: HTMLInjector?
    /// While the last build failed, pages come from the last good build (nil: from disk).
    var lastGoodPage: @Sendable (String) -> [UInt8]? = { _ in nil }
    /// The project's folders, to name a page's file in its `Server-Timing` header.
    var paths: ProjectPaths?
    /// How pages are compressed (off: sent as they are).
    var compression = ResponseCompression.off

    /// The page in `file` (an absolute path), or nil when it cannot be read.
    func respond(file: String, to request: Request, status: HTTPResponse.Status = .ok) async throws -> Response? {
        let lastGoodPage = self.lastGoodPage
        guard let page = try await NIOThreadPool.singleton.runIfActive({ lastGoodPage(file) ?? FileBytes.read(file) }) else {
            return nil
        }
        return try await respond(html: page, to: request, status: status, file: paths?.urlPath(file))
    }

    /// A page made in memory; `file` is the URL path of the served file it came from, if any.
    ///
    /// That file is named in `Server-Timing: devserve-page;desc="/about/index.html"`, which the
    /// client reads from its navigation entry to know which outputs are its own document (the
    /// URL does not say: `/about/` is `/about/index.html`, and a single-page app's routes are all
    /// its fallback page). Browsers expose it only to secure contexts, which localhost is.
    func respond(
        html page: [UInt8], to request: Request, status: HTTPResponse.Status = .ok, file: String? = nil
    ) async throws -> Response {
        let body = injector?.inject(into: page) ?? page
        let type = "text/html; charset=utf-8"
        var headers = HTTPFields()
        headers[.contentType] = type
        headers[.cacheControl] = "no-store"
        if let file, !file.contains("\""), !file.contains("\\"), file.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value < 0x7f }) {
            headers[.serverTiming] = #"devserve-page;desc="\#(file)""#
        }
        let choice = compression.choice(for: request, contentType: type, size: body.count)
        choice.addVary(to: &headers)
        let bytes = try await compression.encode(ByteBuffer(bytes: body), for: choice, headers: &headers)
        if request.method == .head {
            return Response(status: status, headers: headers, body: .init())
        }
        return Response(status: status, headers: headers, body: .init(byteBuffer: bytes))
    }
}

extension HTTPField.Name {
    static let serverTiming = Self("Server-Timing")!
}
