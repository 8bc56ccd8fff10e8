import Hummingbird
import NIOPosix

/// Sends HTML pages: with the client's `<script>` injected (when an ``HTMLInjector`` is given),
/// `Cache-Control: no-store`, and headers computed from the bytes actually sent, so
/// `Content-Length` stays right even while an editor rewrites the file.
struct PageResponder: Sendable {
    /// Nil: pages are sent as they are (`--no-inject`).
    let injector: HTMLInjector?
    /// While the last build failed, pages come from the last good build (nil: from disk).
    var lastGoodPage: @Sendable (String) -> [UInt8]? = { _ in nil }

    /// The page in `file` (an absolute path), or nil when it cannot be read.
    func respond(file: String, to request: Request, status: HTTPResponse.Status = .ok) async throws -> Response? {
        let lastGoodPage = self.lastGoodPage
        guard let page = try await NIOThreadPool.singleton.runIfActive({ lastGoodPage(file) ?? FileBytes.read(file) }) else {
            return nil
        }
        return respond(html: page, to: request, status: status)
    }

    /// A page made in memory.
    func respond(html page: [UInt8], to request: Request, status: HTTPResponse.Status = .ok) -> Response {
        let body = injector?.inject(into: page) ?? page
        var headers = HTTPFields()
        headers[.contentType] = "text/html; charset=utf-8"
        headers[.contentLength] = String(body.count)
        headers[.cacheControl] = "no-store"
        if request.method == .head {
            return Response(status: status, headers: headers, body: .init())
        }
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }
}
