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
///
/// Compression (``ResponseCompression``): a file with a usable precompressed sibling
/// (``PrecompressedSibling``) is sent from it to a client that accepts its coding; a text file
/// in the ``FileCache`` is gzipped for a client that prefers gzip. Either way the `ETag` is the
/// representation's own, and `If-None-Match` is checked against it. A request with a `Range`
/// always gets the identity bytes.
struct FileResponder<Context: RequestContext>: RouterMiddleware {
    let resolver: PathResolver
    let cache: FileCache
    let compression: ResponseCompression
    let fileIO: FileIO

    init(resolver: PathResolver, cache: FileCache = FileCache(), compression: ResponseCompression = .off) {
        self.resolver = resolver
        self.cache = cache
        self.compression = compression
        self.fileIO = FileIO(threadPool: .singleton)
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard request.method == .get || request.method == .head, !request.uri.path.hasPrefix("/__hmr"),
            let urlPath = request.uri.path.removingPercentEncoding,
            var file = resolver.resolve(urlPath), var status = FileStatus(file)
        else {
            return try await next(request, context)
        }
        var servedPath = urlPath
        if status.isDirectory {
            guard urlPath.hasSuffix("/") else { return Self.redirect(toFolder: request.uri) }
            guard let index = resolver.regularFile(urlPath + "index.html"), let indexStatus = FileStatus(index) else {
                return try await next(request, context)
            }
            (file, status, servedPath) = (index, indexStatus, urlPath + "index.html")
        }
        return try await respond(file: file, urlPath: servedPath, status: status, to: request, context: context)
    }

    /// `file`, served at `urlPath`: from a precompressed sibling, gzipped, or as it is.
    private func respond(file: String, urlPath: String, status: FileStatus, to request: Request, context: Context) async throws -> Response {
        let copy = cache.read(file, status: status)
        let siblings =
            compression.isEnabled ? PrecompressedSibling.siblings(of: urlPath, original: status, resolver: resolver) : []
        let choice = compression.choice(
            for: request, contentType: Self.contentType(of: file), size: copy?.bytes.readableBytes,
            siblings: siblings.map(\.coding))
        if let sibling = siblings.first(where: { $0.coding == choice.coding }) {
            return try await respond(file: file, from: sibling, choice: choice, to: request, context: context)
        }
        if choice.coding == .gzip, let copy {
            return try await respond(file: file, gzipping: copy, choice: choice, to: request)
        }
        return try await respond(file: file, status: status, copy: copy, choice: choice, to: request, context: context)
    }

    /// `file` as it is: whole, or the range asked for.
    private func respond(
        file: String, status: FileStatus, copy: FileCache.Copy?, choice: ResponseCompression.Choice, to request: Request,
        context: Context
    ) async throws -> Response {
        let tag = copy?.tag ?? FileCache.tag(for: status)
        let size = copy?.bytes.readableBytes ?? Int(status.size)
        var headers = Self.headers(for: file, tag: tag, choice: choice)
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

    /// `file` from its precompressed `sibling`, whole (a request with a `Range` never gets here).
    private func respond(
        file: String, from sibling: PrecompressedSibling, choice: ResponseCompression.Choice, to request: Request,
        context: Context
    ) async throws -> Response {
        let copy = cache.read(sibling.path, status: sibling.status)
        // The sibling's own bytes make the tag: a sibling written again (another level, another
        // tool) is another representation, even while the file is unchanged.
        let tag = sibling.coding.tag(from: copy?.tag ?? FileCache.tag(for: sibling.status))
        var headers = Self.headers(for: file, tag: tag, choice: choice)
        if let answer = Self.conditionalAnswer(to: request, current: tag, headers: headers) { return answer }
        if let type = Self.contentType(of: file) { headers[.contentType] = type }
        headers[.contentEncoding] = sibling.coding.headerValue
        headers[.contentLength] = String(copy?.bytes.readableBytes ?? Int(sibling.status.size))
        if request.method == .head { return Response(status: .ok, headers: headers, body: .init()) }
        let body =
            if let copy { ResponseBody(byteBuffer: copy.bytes) } else { try await fileIO.loadFile(path: sibling.path, context: context) }
        return Response(status: .ok, headers: headers, body: body)
    }

    /// `file` gzipped from its bytes in the cache, whole.
    private func respond(
        file: String, gzipping copy: FileCache.Copy, choice: ResponseCompression.Choice, to request: Request
    ) async throws -> Response {
        let tag = ContentCoding.gzip.tag(from: copy.tag)
        var headers = Self.headers(for: file, tag: tag, choice: choice)
        if let answer = Self.conditionalAnswer(to: request, current: tag, headers: headers) { return answer }
        if let type = Self.contentType(of: file) { headers[.contentType] = type }
        let bytes = try await compression.encode(copy.bytes, for: choice, key: copy.tag.opaque, headers: &headers)
        if request.method == .head { return Response(status: .ok, headers: headers, body: .init()) }
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: bytes))
    }

    /// What every answer about `file` carries, 304s included: the representation's tag, how
    /// long it may be kept, ranges, and `Vary`.
    private static func headers(for file: String, tag: EntityTag, choice: ResponseCompression.Choice) -> HTTPFields {
        var headers = HTTPFields()
        headers[.eTag] = tag.header
        headers[.cacheControl] = HTMLText.isPage(file) ? "no-store" : "no-cache"
        headers[.acceptRanges] = "bytes"
        choice.addVary(to: &headers)
        return headers
    }

    /// 304 or 412 for a whole representation tagged `current`, when the conditionals say so;
    /// nil to send it.
    private static func conditionalAnswer(to request: Request, current: EntityTag, headers: HTTPFields) -> Response? {
        switch Preconditions.evaluate(
            ifMatch: request.headers.commaSeparated(.ifMatch), ifNoneMatch: request.headers.commaSeparated(.ifNoneMatch),
            ifRange: nil, current: current)
        {
        case .notModified: Response(status: .notModified, headers: headers, body: .init())
        case .preconditionFailed:
            Response.refusal(.preconditionFailed, "the file's ETag is \(current.header), which If-Match does not name")
        case .proceed: nil
        }
    }

    /// `/docs?x=1` → `/docs/?x=1` (the path as it was sent, still percent-encoded).
    static func redirect(toFolder uri: HummingbirdCore.URI) -> Response {
        var headers = HTTPFields()
        headers[.location] = uri.path + "/" + (uri.query.map { "?" + $0 } ?? "")
        headers[.cacheControl] = "no-store"
        headers[.contentLength] = "0"
        return Response(status: .movedPermanently, headers: headers, body: .init())
    }

    /// By the name's extension; source maps (`.map`, which Hummingbird does not know) are JSON.
    static func contentType(of file: String) -> String? {
        guard let dot = file.lastIndex(of: "."), !file[dot...].contains("/") else { return nil }
        let name = file[file.index(after: dot)...].lowercased()
        if name == "map" { return "application/json" }
        return MediaType.getMediaType(forExtension: name)?.description
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
