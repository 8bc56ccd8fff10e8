import HTTPTypes
import Hummingbird
import NIOCore

/// Serves scripts (`.js`, `.mjs`) so that hot updates are correct, and records what each imports
/// in the ``ModuleGraph``:
/// - a module that uses `import.meta.hot` gets its hot context, put in front of its first line
///   (after a `#!` line) without a line break, so every line keeps its number and source maps
///   stay right;
/// - every import of a module that changed since devserve started, or whose imports did, carries
///   its version (`./child.js` → `./child.js?t=VERSION`), so a re-imported module gets fresh
///   children (see ``ModuleGraph``). Only the specifier grows; no line moves.
///
/// A script that needs neither (most of them, and every classic script and bundle until its
/// imports change) goes on to the ``FileResponder`` and is served byte for byte. A rewritten one
/// is sent whole (a `Range` is ignored, as RFC 9110 allows), `no-cache`, with the `ETag` of the
/// bytes sent. Scripts too large for the ``FileCache`` (4 MiB) are never rewritten.
///
/// A rewritten module is gzipped from the rewritten bytes (``ResponseCompression``), with the
/// tag of those bytes plus `-gz`; a precompressed `.js.gz` beside it is not used, since it holds
/// the module as it was written.
struct ModuleResponder<Context: RequestContext>: RouterMiddleware {
    let resolver: PathResolver
    let cache: FileCache
    let graph: ModuleGraph
    var compression = ResponseCompression.off

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard request.method == .get || request.method == .head,
            let urlPath = request.uri.path.removingPercentEncoding, ModuleGraph.isScript(urlPath),
            let file = resolver.regularFile(urlPath), let status = FileStatus(file),
            let copy = cache.read(file, status: status)
        else {
            return try await next(request, context)
        }
        let (scan, targets) = graph.served(urlPath, copy: copy)
        let versions = targets.map { $0.flatMap(graph.version(of:)) }
        let hot = scan.usesHot && scan.isModule
        guard hot || versions.contains(where: { $0 != nil }) else { return try await next(request, context) }
        let body = ModuleRewrite.apply(Array(copy.bytes.readableBytesView), specifiers: scan.specifiers, versions: versions, preamble: hot)
        let type = "text/javascript; charset=utf-8"
        let identityTag = EntityTag(opaque: "m" + String(ContentHash.of(body), radix: 16))
        let choice = compression.choice(for: request, contentType: type, size: body.count)
        let tag = choice.coding.tag(from: identityTag)
        var headers = HTTPFields()
        headers[.contentType] = type
        headers[.cacheControl] = "no-cache"
        headers[.eTag] = tag.header
        choice.addVary(to: &headers)
        switch Preconditions.evaluate(
            ifMatch: request.headers.commaSeparated(.ifMatch), ifNoneMatch: request.headers.commaSeparated(.ifNoneMatch),
            ifRange: nil, current: tag)
        {
        case .notModified: return Response(status: .notModified, headers: headers, body: .init())
        case .preconditionFailed: return .refusal(.preconditionFailed, "the module's ETag is \(tag.header), which If-Match does not name")
        case .proceed: break
        }
        let bytes = try await compression.encode(ByteBuffer(bytes: body), for: choice, key: identityTag.opaque, headers: &headers)
        if request.method == .head { return Response(status: .ok, headers: headers, body: .init()) }
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: bytes))
    }
}

/// How ``ModuleResponder`` changes a module's text: nothing but the hot context in front of the
/// first line and versions at the end of specifiers, so no line moves.
enum ModuleRewrite {
    /// The hot context, as the first thing on a module's first line.
    static let preamble = #"import { createHotContext as __devserve_hot } from "/__hmr/hot.js";import.meta.hot = __devserve_hot(import.meta.url);"#

    /// `source` with the hot context in front of its first line (when `preamble`) and
    /// `?t=VERSION` (or `&t=…` after a query) at the end of each specifier that has a version.
    static func apply(_ source: [UInt8], specifiers: [ImportSpecifier], versions: [Int64?], preamble: Bool) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(source.count + 200)
        var copied = 0
        if preamble {
            // A `#!` line must stay first; the context starts the next line instead.
            if source.starts(with: [UInt8(ascii: "#"), UInt8(ascii: "!")]) {
                copied = (source.firstIndex(of: UInt8(ascii: "\n")).map { $0 + 1 }) ?? source.count
                out += source[..<copied]
            }
            out += Array(Self.preamble.utf8)
        }
        for (specifier, version) in zip(specifiers, versions) {
            guard let version, specifier.range.lowerBound >= copied, !specifier.value.contains("\\") else { continue }
            // Before a fragment, if any; after the query, if any. (From the source's bytes: the
            // decoded value may differ in length where the bytes are not UTF-8.)
            let text = source[specifier.range]
            let end = text.firstIndex(of: UInt8(ascii: "#")) ?? specifier.range.upperBound
            out += source[copied..<end]
            out += Array(((text[..<end].contains(UInt8(ascii: "?")) ? "&" : "?") + "t=\(version)").utf8)
            copied = end
        }
        out += source[copied...]
        return out
    }
}
