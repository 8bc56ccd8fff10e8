import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdCore
import NIOCore

/// Serves the files under the served folder (what is not a page the ``PageResponder`` answers):
/// GET and HEAD, content types, validators, conditionals, ranges and the folder redirect, by
/// devserve's own rules rather than Hummingbird's `FileMiddleware`, which got several wrong.
///
/// - Every path goes through the ``PathResolver``, so no file outside the served folder is read.
/// - The `ETag` is strong and changes whenever the bytes do (``FileCache``); there is no
///   `Last-Modified` (see ``Preconditions`` for why). Pages are `no-store`; everything else is
///   `no-cache`, so a reload revalidates every script and image and gets a 304 only for bytes
///   it already has.
/// - Conditionals are ``Preconditions``; ranges are ``ByteRangeRequest``, on GET only (a HEAD
///   with a `Range` is answered as the whole file's HEAD, as RFC 9110 asks).
/// - A folder without its trailing `/` is redirected to it, query kept (`/docs?x=1` →
///   `/docs/?x=1`), `no-store`: in development a folder may become a file, and a browser keeps
///   a 301 it may store for good.
///
/// Small files are sent from the ``FileCache`` (the bytes the tag was computed from); larger
/// ones are streamed by Hummingbird's `FileIO` on its thread pool.
struct FileResponder<Context: RequestContext>: RouterMiddleware {
    let resolver: PathResolver
    let cache: FileCache
    let fileIO: FileIO

    init(resolver: PathResolver, cache: FileCache = FileCache()) {
        self.resolver = resolver
        self.cache = cache
        self.fileIO = FileIO(threadPool: .singleton)
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard request.method == .get || request.method == .head, !request.uri.path.hasPrefix("/__hmr"),
            let urlPath = request.uri.path.removingPercentEncoding,
            var file = resolver.resolve(urlPath), var status = FileStatus(file)
        else {
            return try await next(request, context)
        }
        if status.isDirectory {
            guard urlPath.hasSuffix("/") else { return Self.redirect(toFolder: request.uri) }
            guard let index = resolver.regularFile(urlPath + "index.html"), let indexStatus = FileStatus(index) else {
                return try await next(request, context)
            }
            (file, status) = (index, indexStatus)
        }
        return try await respond(file: file, status: status, to: request, context: context)
    }

    private func respond(file: String, status: FileStatus, to request: Request, context: Context) async throws -> Response {
        let copy = cache.read(file, status: status)
        let tag = copy?.tag ?? FileCache.tag(for: status)
        let size = copy?.bytes.readableBytes ?? Int(status.size)
        var headers = HTTPFields()
        headers[.eTag] = tag.header
        headers[.cacheControl] = HTMLText.isPage(file) ? "no-store" : "no-cache"
        headers[.acceptRanges] = "bytes"
        let outcome = Preconditions.evaluate(
            ifMatch: request.headers.commaSeparated(.ifMatch), ifNoneMatch: request.headers.commaSeparated(.ifNoneMatch),
            ifRange: request.headers[.ifRange], current: tag)
        let honourRange: Bool
        switch outcome {
        case .notModified:
            return Response(status: .notModified, headers: headers, body: .init())
        case .preconditionFailed:
            return .refusal(.preconditionFailed, "the file's ETag is \(tag.header), which If-Match does not name")
        case .proceed(let honour):
            honourRange = honour
        }
        if let type = Self.contentType(of: file) { headers[.contentType] = type }
        var range: ClosedRange<Int>?
        if request.method == .get, honourRange, let header = request.headers.commaSeparated(.range) {
            switch ByteRangeRequest.evaluate(header, size: size) {
            case .whole: break
            case .part(let part): range = part
            case .unsatisfiable:
                headers[.contentRange] = "bytes */\(size)"
                headers[.contentLength] = "0"
                return Response(status: .rangeNotSatisfiable, headers: headers, body: .init())
            }
        }
        guard let range else {
            headers[.contentLength] = String(size)
            if request.method == .head { return Response(status: .ok, headers: headers, body: .init()) }
            let body =
                if let copy { ResponseBody(byteBuffer: copy.bytes) } else { try await fileIO.loadFile(path: file, context: context) }
            return Response(status: .ok, headers: headers, body: body)
        }
        headers[.contentRange] = "bytes \(range.lowerBound)-\(range.upperBound)/\(size)"
        headers[.contentLength] = String(range.count)
        let body =
            if let copy {
                ResponseBody(byteBuffer: copy.bytes.getSlice(at: range.lowerBound, length: range.count) ?? ByteBuffer())
            } else {
                try await fileIO.loadFile(path: file, range: range, context: context)
            }
        return Response(status: .partialContent, headers: headers, body: body)
    }

    /// `/docs?x=1` → `/docs/?x=1` (the path as it was sent, still percent-encoded).
    static func redirect(toFolder uri: HummingbirdCore.URI) -> Response {
        var headers = HTTPFields()
        headers[.location] = uri.path + "/" + (uri.query.map { "?" + $0 } ?? "")
        headers[.cacheControl] = "no-store"
        headers[.contentLength] = "0"
        return Response(status: .movedPermanently, headers: headers, body: .init())
    }

    static func contentType(of file: String) -> String? {
        guard let dot = file.lastIndex(of: "."), !file[dot...].contains("/") else { return nil }
        return MediaType.getMediaType(forExtension: file[file.index(after: dot)...].lowercased())?.description
    }

}

extension HTTPFields {
    /// A field's values joined with `,` (a repeated field is one comma-separated list); nil when
    /// absent.
    func commaSeparated(_ name: HTTPField.Name) -> String? {
        let values = self[values: name]
        return values.isEmpty ? nil : values.joined(separator: ", ")
    }
}
