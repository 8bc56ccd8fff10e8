import CompressNIO
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import NIOPosix

/// The one place that decides how a response body devserve makes is encoded, and encodes it:
/// static files (``FileResponder``, which also serves precompressed siblings, see
/// ``PrecompressedSibling``), pages after the client is injected (``PageResponder``) and
/// rewritten ES modules (``ModuleResponder``).
///
/// A response is gzipped here when all of these hold:
/// - compression is on (`--no-compress` turns it off: every body as it is, and no `Vary`);
/// - its type is text (``isCompressible(_:)``; images, fonts, `application/wasm` and archives
///   are compressed already, or gain too little);
/// - its body is between 1 KiB (below it the gzip header and a round of zlib cost more than
///   they save) and 4 MiB (the bytes must be in memory, and the ``FileCache`` holds files up to
///   that size; larger ones are streamed as they are);
/// - the request's `Accept-Encoding` prefers gzip to identity (``AcceptEncoding``);
/// - the request is not under `/__hmr`: the event stream must reach the page as each event is
///   written, not when a compressor's buffer fills, and compressing it would put devserve's own
///   data in the same compressed stream as a page's, which is what BREACH-style attacks need;
/// - the request has no `Range`: a range is of the identity bytes, always (a range of gzip
///   output would depend on the compressor, and mixing the two is how a download gets spliced
///   from two representations), so a ranged request gets its 206 as without compression.
///
/// Every response of a type that could be compressed says `Vary: Accept-Encoding`, identity
/// answers and 304s included, so a cache in between never hands the gzip bytes to a client that
/// did not ask for them. Each representation has its own strong `ETag`
/// (``ContentCoding/tag(from:)``), and the conditionals are evaluated against the tag of the
/// representation the request would get.
struct ResponseCompression: Sendable {
    /// Off: every body is sent as it is, and nothing varies.
    let isEnabled: Bool
    /// The gzip bytes made lately.
    let cache: GzipCache

    /// Bodies smaller than this are sent as they are.
    static let minimumSize = 1024
    /// Bodies larger than this are sent as they are.
    static let maximumSize = 4 << 20
    /// Bodies larger than this are compressed on NIO's thread pool: zlib takes milliseconds for
    /// each MiB, too long to hold one of the few threads Swift's concurrency runs every request on
    /// (two, on a two-core laptop). Smaller ones take less than the hop there and back.
    static let offloadSize = 64 << 10

    init(isEnabled: Bool = true, cache: GzipCache = GzipCache()) {
        self.isEnabled = isEnabled
        self.cache = cache
    }

    /// Compression turned off.
    static let off = ResponseCompression(isEnabled: false, cache: GzipCache(budget: 0, maxEntries: 0))

    /// What one response is sent as, decided before the conditionals are evaluated (a 304 is
    /// about the representation the request would get).
    struct Choice: Equatable, Sendable {
        /// The coding of the body sent.
        let coding: ContentCoding
        /// Whether the resource is sent in other codings to other requests: `Vary`.
        let varies: Bool

        /// The body as it is, and no `Vary`.
        static let identity = Choice(coding: .identity, varies: false)

        /// `Vary: Accept-Encoding`, when the resource varies. On every answer about it: 200,
        /// 206 and 304 alike.
        func addVary(to headers: inout HTTPFields) {
            guard varies else { return }
            let named = headers[values: .vary].contains { value in
                value.split(separator: ",").contains { $0.trimmingCharacters(in: .whitespaces).lowercased() == "accept-encoding" }
            }
            if !named { headers.append(HTTPField(name: .vary, value: "Accept-Encoding")) }
        }
    }

    /// The coding `request` gets for a body of `contentType`: gzip made here when the body's
    /// `size` is known (its bytes are in memory) and within the limits, or one of `siblings`,
    /// the codings of the file's usable precompressed siblings, best first.
    func choice(for request: Request, contentType: String?, size: Int?, siblings: [ContentCoding] = []) -> Choice {
        guard isEnabled, !request.uri.path.hasPrefix("/__hmr") else { return .identity }
        let gzippable = Self.isCompressible(contentType)
        let varies = gzippable || !siblings.isEmpty
        guard varies, request.headers[.range] == nil else { return Choice(coding: .identity, varies: varies) }
        var offered = siblings
        if gzippable, let size, (Self.minimumSize...Self.maximumSize).contains(size), !offered.contains(.gzip) {
            offered.append(.gzip)
        }
        let accepted = AcceptEncoding(request.headers.commaSeparated(.acceptEncoding))
        return Choice(coding: accepted.preferred(among: offered), varies: true)
    }

    /// The bytes to send for `choice`, with `Content-Encoding` and `Content-Length` set in
    /// `headers` to match: `body` itself for identity, its gzip bytes for gzip, kept in the
    /// ``GzipCache`` under `key` (the content tag of `body`; nil: a hash of it is computed).
    ///
    /// A response that already has a `Content-Encoding` is sent as it is: its bytes are encoded
    /// already, and gzip over gzip is a body browsers decode only halfway.
    func encode(_ body: ByteBuffer, for choice: Choice, key: String? = nil, headers: inout HTTPFields) async throws -> ByteBuffer {
        var bytes = body
        if choice.coding == .gzip, headers[.contentEncoding] == nil {
            // `p`, no hex digit: a file's key is its hash in hex, and the two must never meet.
            let key = key ?? "p" + body.withUnsafeReadableBytes { String(ContentHash.of($0), radix: 16) }
            bytes = try await gzip(body, key: key)
            headers[.contentEncoding] = ContentCoding.gzip.headerValue
        }
        headers[.contentLength] = String(bytes.readableBytes)
        return bytes
    }

    /// `body` gzipped, from the cache when it was compressed lately.
    func gzip(_ body: ByteBuffer, key: String) async throws -> ByteBuffer {
        if let cached = cache.bytes(for: key) { return cached }
        let compressed =
            if body.readableBytes > Self.offloadSize {
                try await NIOThreadPool.singleton.runIfActive { try Self.gzipped(body) }
            } else {
                try Self.gzipped(body)
            }
        cache.store(compressed, for: key)
        return compressed
    }

    /// `body` as a gzip stream, at zlib's default level (6: most of level 9's gain at a third
    /// of its time), in a buffer of its own size (compress-nio's has room for the worst case,
    /// about the input's size, which the cache would keep alive).
    static func gzipped(_ body: ByteBuffer) throws -> ByteBuffer {
        var input = body
        let output = try input.compress(with: .gzip())
        return ByteBuffer(bytes: output.readableBytesView)
    }

    /// Whether a body of this `Content-Type` is text that gzip shrinks: `text/*` (but the event
    /// stream), JavaScript, JSON (source maps are JSON), XML, SVG, and the `+json` and `+xml`
    /// types (`application/manifest+json`). Not `application/wasm`, images, fonts, media or
    /// archives.
    static func isCompressible(_ contentType: String?) -> Bool {
        guard let contentType else { return false }
        let media = (contentType.split(separator: ";", maxSplits: 1).first.map(String.init) ?? "")
            .trimmingCharacters(in: .whitespaces).lowercased()
        if media == "text/event-stream" { return false }
        return media.hasPrefix("text/") || compressibleTypes.contains(media) || media.hasSuffix("+json")
            || media.hasSuffix("+xml")
    }

    /// The types outside `text/` that are text.
    static let compressibleTypes: Set<String> = [
        "application/javascript", "application/x-javascript", "application/ecmascript", "application/json",
        "application/xml", "image/svg+xml",
    ]
}
