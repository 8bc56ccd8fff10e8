import CompressNIO
import Foundation
import Hummingbird
import NIOCore
import Testing

@testable import DevServe

/// Compression over real HTTP: gzip for text that is large enough when the request accepts it,
/// precompressed `.br` and `.gz` siblings (and stale ones ignored), a tag per representation,
/// `Vary`, and what is never compressed: `/__hmr`, ranges, images, small files, `--no-compress`.
/// Requests go over raw sockets: an HTTP client library would add its own `Accept-Encoding` and
/// decode the body before the test could see it.
@Suite(.timeLimit(.minutes(3))) struct CompressionTests {
    /// About 4 KiB of script: it compresses well, like real code.
    static let script = (0..<60).map { "export const line\($0) = 'a line of the script, much like the one before it';\n" }.joined()
    static let style = (0..<60).map { ".rule\($0) { color: #333; margin: 0 auto; padding: \($0)px; }\n" }.joined()
    static let page =
        "<!doctype html><html><head><title>A long page</title></head><body>\n"
        + (0..<40).map { "<p>Paragraph \($0) of a page long enough to be compressed.</p>\n" }.joined() + "</body></html>\n"
    static let sourceMap = #"{"version":3,"sources":["src/app.ts"],"names":[],"mappings":""# + String(repeating: "AAAA,", count: 400) + #"AAAA"}"#
    static let small = "console.log('under a kibibyte');\n"
    static let files = [
        "app.js": script, "style.css": style, "page.html": page, "app.js.map": sourceMap, "small.js": small,
        "hot.js": "import.meta.hot.accept();\n" + script,
    ]

    func withProject(compress: Bool = true, _ body: (TestServer, FixtureCopy) async throws -> Void) async throws {
        let project = try FixtureCopy(files: Self.files)
        defer { project.remove() }
        var configuration = DevServeConfiguration(root: project.path, projectFolder: project.path)
        configuration.compress = compress
        try await TestServer.with(configuration) { try await body($0, project) }
    }

    static func gunzip(_ bytes: [UInt8]) throws -> [UInt8] {
        var buffer = ByteBuffer(bytes: bytes)
        return try Array(buffer.decompress(with: .gzip()).readableBytesView)
    }

    static func gzip(_ text: String) throws -> [UInt8] {
        try Array(ResponseCompression.gzipped(ByteBuffer(string: text)).readableBytesView)
    }

    /// Sets a file's modification time `seconds` before now.
    static func age(_ path: String, by seconds: Double) throws {
        try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSinceNow: -seconds)], ofItemAtPath: path)
    }

    // MARK: Compressed

    @Test(arguments: [
        ("/app.js", "text/javascript"), ("/style.css", "text/css"), ("/app.js.map", "application/json"),
    ])
    func textIsGzippedAndDecompressesToTheFile(_ path: String, _ type: String) async throws {
        try await withProject { server, _ in
            let original = Array(Self.files[String(path.dropFirst())]!.utf8)
            let response = try await server.rawGet(path, headers: ["Accept-Encoding: gzip, deflate, br"])
            #expect(response.status == 200)
            #expect(response.header("Content-Encoding") == "gzip")
            #expect(response.header("Vary") == "Accept-Encoding")
            #expect(response.header("Content-Type")?.hasPrefix(type) == true, "\(response.header("Content-Type") ?? "none")")
            let body = response.bodyBytes
            #expect(Int(response.header("Content-Length") ?? "") == body.count)
            #expect(body.count < original.count / 2)
            #expect(try Self.gunzip(body) == original)
            // The gzip representation's tag is the identity tag with a suffix.
            let identity = try await server.rawGet(path)
            let identityTag = try #require(identity.header("ETag"))
            #expect(response.header("ETag") == String(identityTag.dropLast()) + "-gz\"")
            #expect(identity.header("Content-Encoding") == nil && identity.bodyBytes == original)
            #expect(identity.header("Vary") == "Accept-Encoding", "the identity answer varies too")
            // HEAD says what GET sends.
            let head = try await server.raw(
                "HEAD \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(server.port)\r\nAccept-Encoding: gzip\r\nConnection: close\r\n\r\n")
            #expect(head.status == 200 && head.bodyBytes.isEmpty)
            #expect(head.header("Content-Encoding") == "gzip" && head.header("Content-Length") == String(body.count))
            #expect(head.header("ETag") == response.header("ETag"))
        }
    }

    @Test func anInjectedPageIsGzippedWithTheClientInIt() async throws {
        try await withProject { server, _ in
            let response = try await server.rawGet("/page.html", headers: ["Accept-Encoding: gzip"])
            #expect(response.status == 200)
            #expect(response.header("Content-Encoding") == "gzip" && response.header("Vary") == "Accept-Encoding")
            #expect(response.header("Content-Type") == "text/html; charset=utf-8")
            let page = String(decoding: try Self.gunzip(response.bodyBytes), as: UTF8.self)
            #expect(page.contains(ClientScript.tag + "</body>"))
            #expect(page.utf8.count == Self.page.utf8.count + ClientScript.tag.utf8.count)
            let plain = try await server.rawGet("/page.html")
            #expect(plain.header("Content-Encoding") == nil && plain.header("Vary") == "Accept-Encoding")
            #expect(plain.body == page)
        }
    }

    @Test func aHotModuleIsGzippedAfterItIsRewritten() async throws {
        try await withProject { server, _ in
            let response = try await server.rawGet("/hot.js", headers: ["Accept-Encoding: gzip"])
            #expect(response.status == 200 && response.header("Content-Encoding") == "gzip")
            let module = String(decoding: try Self.gunzip(response.bodyBytes), as: UTF8.self)
            #expect(module.hasPrefix(ModuleRewrite.preamble + "import.meta.hot.accept();\n"))
            let tag = try #require(response.header("ETag"))
            #expect(tag.hasPrefix("\"m") && tag.hasSuffix("-gz\""))
            let revalidated = try await server.rawGet("/hot.js", headers: ["Accept-Encoding: gzip", "If-None-Match: \(tag)"])
            #expect(revalidated.status == 304 && revalidated.header("Vary") == "Accept-Encoding")
        }
    }

    @Test(arguments: ["gzip", "*", "GZIP ; Q=0.5", "x-gzip", "deflate, gzip;q=0.1", "gzip, identity"])
    func whatAcceptsGzip(_ field: String) async throws {
        try await withProject { server, _ in
            let response = try await server.rawGet("/app.js", headers: ["Accept-Encoding: \(field)"])
            #expect(response.header("Content-Encoding") == "gzip", "Accept-Encoding: \(field)")
        }
    }

    // MARK: Not compressed

    @Test(arguments: [
        nil, "", "identity", "br", "deflate", "gzip;q=0", "gzip;q=0, *", "*;q=0", "gzip;q=0.5, identity", "gzip;q=high",
    ])
    func whatDoesNotAcceptGzip(_ field: String?) async throws {
        try await withProject { server, _ in
            let response = try await server.rawGet("/app.js", headers: field.map { ["Accept-Encoding: \($0)"] } ?? [])
            #expect(response.status == 200)
            #expect(response.header("Content-Encoding") == nil, "Accept-Encoding: \(field ?? "(none)")")
            #expect(response.header("Vary") == "Accept-Encoding")
            #expect(response.bodyBytes == Array(Self.script.utf8))
        }
    }

    @Test func smallFilesAndImagesAreSentAsTheyAre() async throws {
        try await withProject { server, project in
            let small = try await server.rawGet("/small.js", headers: ["Accept-Encoding: gzip"])
            #expect(small.header("Content-Encoding") == nil && small.body == Self.small)
            #expect(small.header("Vary") == "Accept-Encoding", "a small script may grow: it varies all the same")
            let image = (0..<4096).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ $0 >> 5) }
            try Data(image).write(to: project.url("photo.png"))
            let png = try await server.rawGet("/photo.png", headers: ["Accept-Encoding: gzip"])
            #expect(png.status == 200 && png.header("Content-Type") == "image/png")
            #expect(png.header("Content-Encoding") == nil && png.header("Vary") == nil)
            #expect(png.bodyBytes == image)
        }
    }

    @Test func aRangeGetsTheIdentityBytesAnd206() async throws {
        try await withProject { server, _ in
            let identityTag = try #require(try await server.rawGet("/app.js").header("ETag"))
            let part = try await server.rawGet("/app.js", headers: ["Accept-Encoding: gzip", "Range: bytes=0-9"])
            #expect(part.status == 206)
            #expect(part.header("Content-Encoding") == nil)
            #expect(part.body == String(Self.script.prefix(10)))
            #expect(part.header("Content-Range") == "bytes 0-9/\(Self.script.utf8.count)")
            #expect(part.header("ETag") == identityTag && part.header("Vary") == "Accept-Encoding")
            // An If-Range with the gzip tag is not the identity bytes' tag: the whole file, identity.
            let gzipTag = try #require(try await server.rawGet("/app.js", headers: ["Accept-Encoding: gzip"]).header("ETag"))
            let mixed = try await server.rawGet(
                "/app.js", headers: ["Accept-Encoding: gzip", "Range: bytes=0-9", "If-Range: \(gzipTag)"])
            #expect(mixed.status == 200 && mixed.header("Content-Encoding") == nil)
            #expect(mixed.bodyBytes == Array(Self.script.utf8))
        }
    }

    @Test func hmrIsNeverCompressed() async throws {
        try await withProject { server, _ in
            for path in ["/__hmr/client.js", "/__hmr/hot.js", "/__hmr/status"] {
                let asked = try await server.rawGet(path, headers: ["Accept-Encoding: gzip"])
                #expect(asked.status == 200, "\(path)")
                #expect(asked.header("Content-Encoding") == nil && asked.header("Vary") == nil, "\(path)")
                if path != "/__hmr/status" {
                    let plain = try await server.rawGet(path)
                    #expect(asked.bodyBytes == plain.bodyBytes, "\(path)")
                }
            }
            #expect(try await server.rawGet("/__hmr/client.js").bodyBytes.count > ResponseCompression.minimumSize)
            // The event stream: its head, and its first event readable as it is.
            let connection = try RawConnection(port: server.port)
            await connection.send(
                "GET /__hmr HTTP/1.1\r\nHost: localhost\r\nAccept: text/event-stream\r\nAccept-Encoding: gzip, br\r\n\r\n")
            let (bytes, _) = await connection.read(timeout: .seconds(30)) { String(decoding: $0, as: UTF8.self).contains("\n\n") }
            let stream = RawResponse(bytes: bytes, closed: false)
            #expect(stream.status == 200 && stream.header("Content-Type")?.hasPrefix("text/event-stream") == true)
            #expect(stream.header("Content-Encoding") == nil && stream.header("Vary") == nil)
            #expect(stream.text.contains("event: hello"), "\(stream.text.prefix(300))")
        }
    }

    @Test func noCompressTurnsItOff() async throws {
        try await withProject(compress: false) { server, project in
            try Data(Self.gzip("a sibling")).write(to: project.url("small.js.gz"))
            try Self.age(project.url("small.js").path, by: 3600)
            for path in ["/app.js", "/page.html", "/hot.js", "/small.js"] {
                let response = try await server.rawGet(path, headers: ["Accept-Encoding: gzip, br"])
                #expect(response.status == 200, "\(path)")
                #expect(response.header("Content-Encoding") == nil && response.header("Vary") == nil, "\(path)")
                #expect(response.header("ETag")?.hasSuffix("-gz\"") != true, "\(path)")
            }
            #expect(try await server.rawGet("/small.js", headers: ["Accept-Encoding: gzip"]).body == Self.small)
        }
    }

    // MARK: Validators

    @Test func eachRepresentationRevalidatesWithItsOwnTag() async throws {
        try await withProject { server, _ in
            let gzipped = try await server.rawGet("/app.js", headers: ["Accept-Encoding: gzip"])
            let gzipTag = try #require(gzipped.header("ETag"))
            let identityTag = try #require(try await server.rawGet("/app.js").header("ETag"))
            #expect(gzipTag != identityTag)
            for tag in [gzipTag, "W/" + gzipTag, "\"other\", " + gzipTag] {
                let revalidated = try await server.rawGet("/app.js", headers: ["Accept-Encoding: gzip", "If-None-Match: \(tag)"])
                #expect(revalidated.status == 304, "If-None-Match: \(tag)")
                #expect(revalidated.header("Vary") == "Accept-Encoding" && revalidated.header("ETag") == gzipTag)
                #expect(revalidated.bodyBytes.isEmpty)
            }
            // A tag names one representation: the other is sent whole.
            let other = try await server.rawGet("/app.js", headers: ["Accept-Encoding: gzip", "If-None-Match: \(identityTag)"])
            #expect(other.status == 200 && other.header("Content-Encoding") == "gzip")
            let plain = try await server.rawGet("/app.js", headers: ["If-None-Match: \(gzipTag)"])
            #expect(plain.status == 200 && plain.header("Content-Encoding") == nil)
            #expect(try await server.rawGet("/app.js", headers: ["If-None-Match: \(identityTag)"]).status == 304)
        }
    }

    // MARK: Precompressed siblings

    @Test func aFreshSiblingIsServedBrotliFirst() async throws {
        try await withProject { server, project in
            // What the siblings hold tells which one was sent (a real sibling holds the file).
            let gz = try Self.gzip("from the .gz sibling")
            let br: [UInt8] = Array("not really Brotli, but bytes devserve must send as they are".utf8)
            try Data(gz).write(to: project.url("small.js.gz"))
            try Data(br).write(to: project.url("small.js.br"))
            try Self.age(project.url("small.js").path, by: 3600)
            let identityTag = try #require(try await server.rawGet("/small.js").header("ETag"))

            let gzipped = try await server.rawGet("/small.js", headers: ["Accept-Encoding: gzip"])
            #expect(gzipped.status == 200 && gzipped.header("Content-Encoding") == "gzip")
            #expect(gzipped.bodyBytes == gz, "a sibling is sent whatever its file's size")
            #expect(gzipped.header("Content-Type") == "text/javascript", "the file's own type")
            #expect(gzipped.header("Vary") == "Accept-Encoding")
            let gzTag = try #require(gzipped.header("ETag"))
            #expect(gzTag.hasSuffix("-gz\"") && gzTag != identityTag)
            #expect(try await server.rawGet("/small.js", headers: ["Accept-Encoding: gzip", "If-None-Match: \(gzTag)"]).status == 304)

            let brotli = try await server.rawGet("/small.js", headers: ["Accept-Encoding: gzip, deflate, br"])
            #expect(brotli.header("Content-Encoding") == "br" && brotli.bodyBytes == br)
            #expect(brotli.header("Content-Type") == "text/javascript" && brotli.header("Vary") == "Accept-Encoding")
            #expect(brotli.header("ETag")?.hasSuffix("-br\"") == true)
            #expect(Int(brotli.header("Content-Length") ?? "") == br.count)
            // Weights still count: Brotli weighed lower is not preferred.
            let weighed = try await server.rawGet("/small.js", headers: ["Accept-Encoding: br;q=0.5, gzip"])
            #expect(weighed.header("Content-Encoding") == "gzip" && weighed.bodyBytes == gz)
            // No Accept-Encoding, or a range: the file itself.
            let plain = try await server.rawGet("/small.js")
            #expect(plain.header("Content-Encoding") == nil && plain.body == Self.small && plain.header("Vary") == "Accept-Encoding")
            let part = try await server.rawGet("/small.js", headers: ["Accept-Encoding: br", "Range: bytes=0-6"])
            #expect(part.status == 206 && part.header("Content-Encoding") == nil && part.body == "console")
        }
    }

    @Test func aSiblingOlderThanItsFileIsIgnored() async throws {
        try await withProject { server, project in
            // A large file with a stale sibling: gzipped from the file itself.
            try Data(Self.gzip("yesterday's app.js")).write(to: project.url("app.js.gz"))
            try Data("stale Brotli".utf8).write(to: project.url("app.js.br"))
            try Self.age(project.url("app.js.gz").path, by: 3600)
            try Self.age(project.url("app.js.br").path, by: 3600)
            let fresh = try await server.rawGet("/app.js", headers: ["Accept-Encoding: gzip, br"])
            #expect(fresh.header("Content-Encoding") == "gzip")
            #expect(try Self.gunzip(fresh.bodyBytes) == Array(Self.script.utf8), "the file, not its stale sibling")
            // A small one: the file as it is.
            try Data(Self.gzip("yesterday's small.js")).write(to: project.url("small.js.gz"))
            try Self.age(project.url("small.js.gz").path, by: 3600)
            let small = try await server.rawGet("/small.js", headers: ["Accept-Encoding: gzip"])
            #expect(small.header("Content-Encoding") == nil && small.body == Self.small)
            // Once the sibling is written again (after its file), it is used.
            try Data(Self.gzip("today's small.js")).write(to: project.url("small.js.gz"))
            try Self.age(project.url("small.js").path, by: 60)
            let rewritten = try await server.rawGet("/small.js", headers: ["Accept-Encoding: gzip"])
            #expect(rewritten.header("Content-Encoding") == "gzip")
            #expect(try Self.gunzip(rewritten.bodyBytes) == Array("today's small.js".utf8))
        }
    }
}

/// The pure parts: `Accept-Encoding`, which types are text, the tags, the bounded cache.
@Suite struct ContentNegotiationTests {
    func choice(_ field: String?, _ offered: [ContentCoding] = [.gzip]) -> ContentCoding {
        AcceptEncoding(field).preferred(among: offered)
    }

    @Test func gzipWhenTheClientAcceptsIt() {
        #expect(choice("gzip") == .gzip)
        #expect(choice("gzip, deflate, br") == .gzip)
        #expect(choice("deflate, gzip;q=0.001") == .gzip, "any weight above 0 accepts")
        #expect(choice("GZIP ; Q=0.5") == .gzip, "names and q are case-insensitive, with spaces around")
        #expect(choice("x-gzip") == .gzip)
        #expect(choice("*") == .gzip)
        #expect(choice("gzip;level=9") == .gzip, "other parameters are ignored")
        #expect(choice("gzip, identity") == .gzip, "on a tie, a coding is preferred to identity")
        #expect(choice("identity;q=0.5, gzip;q=0.8") == .gzip)
        #expect(choice("gzip, gzip;q=0") == .gzip, "the first mention counts")
    }

    @Test(arguments: [
        nil, "", " ", "identity", "deflate", "br", "gzip;q=0", "gzip;q=0.0", "gzip;q=0.000", "*;q=0", "gzip;q=0, *",
        "*, gzip;q=0", "gzip;q=0.5, identity", "gzip;q=0.5, identity;q=0.9", "gzip;q=0, gzip",
        // A weight that does not parse drops its element.
        "gzip;q=1.5", "gzip;q=high", "gzip;q=0.0001", "gzip;q=", "gzip;q=-1", "gzip;q=.5", "gzip deflate",
    ])
    func identityWhenGzipIsNotAcceptedOrRefused(_ field: String?) {
        #expect(choice(field) == .identity, "\(field ?? "no field")")
    }

    @Test func brotliFirstUnlessItIsWeighedLower() {
        let both: [ContentCoding] = [.br, .gzip]
        #expect(choice("gzip, deflate, br", both) == .br)
        #expect(choice("br", both) == .br)
        #expect(choice("*", both) == .br)
        #expect(choice("br;q=0.5, gzip", both) == .gzip)
        #expect(choice("*;q=0.1, gzip", both) == .gzip)
        #expect(choice("br;q=0, *", both) == .gzip)
        #expect(choice("gzip, br", [.gzip]) == .gzip, "Brotli only where a sibling offers it")
        #expect(choice("identity", both) == .identity)
    }

    @Test func qvalues() {
        let values: [(String, Int?)] = [
            ("1", 1000), ("1.", 1000), ("1.000", 1000), ("0", 0), ("0.5", 500), ("0.05", 50), ("0.125", 125), ("0.999", 999),
            ("1.001", nil), ("2", nil), ("0.1234", nil), (".5", nil), ("", nil), ("0,5", nil), (" 0.5", nil),
        ]
        for (text, thousandths) in values {
            #expect(AcceptEncoding.qvalue(text) == thousandths, "q=\(text)")
        }
    }

    @Test func whichTypesAreText() {
        for type in [
            "text/html; charset=utf-8", "text/css", "text/javascript", "TEXT/PLAIN", "text/csv", "application/javascript",
            "application/json", "application/manifest+json", "image/svg+xml", "application/xml", "application/xhtml+xml",
        ] {
            #expect(ResponseCompression.isCompressible(type), "\(type)")
        }
        for type in [
            nil, "application/wasm", "image/png", "image/jpeg", "font/woff2", "application/gzip", "application/zip",
            "application/octet-stream", "video/mp4", "text/event-stream", "text/event-stream; charset=utf-8",
        ] {
            #expect(!ResponseCompression.isCompressible(type), "\(type ?? "no type")")
        }
    }

    @Test func eachCodingHasItsOwnTag() {
        let tag = EntityTag(opaque: "abc")
        #expect(ContentCoding.identity.tag(from: tag) == tag)
        #expect(ContentCoding.gzip.tag(from: tag).header == #""abc-gz""#)
        #expect(ContentCoding.br.tag(from: tag).header == #""abc-br""#)
        #expect(ContentCoding.gzip.headerValue == "gzip" && ContentCoding.identity.headerValue == nil)
    }

    @Test func gzipRoundTripsOnAnyThreadAndIsKept() async throws {
        let compression = ResponseCompression()
        // Below the size that goes to the thread pool, and above it.
        for size in [ResponseCompression.minimumSize, ResponseCompression.offloadSize * 3] {
            let text = (0..<size).map { UInt8(ascii: "a") + UInt8($0 % 7) }
            let key = "size-\(size)"
            let bytes = try await compression.gzip(ByteBuffer(bytes: text), key: key)
            #expect(bytes.readableBytes < size / 4)
            #expect(try CompressionTests.gunzip(Array(bytes.readableBytesView)) == text)
            #expect(compression.cache.bytes(for: key) == bytes)
        }
    }

    @Test func aBodyEncodedAlreadyIsSentAsItIs() async throws {
        var headers = HTTPFields()
        headers[.contentEncoding] = "br"
        let body = ByteBuffer(repeating: UInt8(ascii: "a"), count: 4096)
        let sent = try await ResponseCompression().encode(
            body, for: ResponseCompression.Choice(coding: .gzip, varies: true), headers: &headers)
        #expect(sent == body && headers[.contentEncoding] == "br" && headers[.contentLength] == "4096")
    }

    @Test func theCacheStaysWithinItsBounds() {
        let defaults = GzipCache()
        #expect(defaults.budget == 8 << 20 && defaults.maxEntries == 512)
        let few = GzipCache(budget: 1000, maxEntries: 3)
        for index in 0..<10 { few.store(ByteBuffer(repeating: 1, count: 100), for: "k\(index)") }
        #expect(few.usage.entries == 3 && few.usage.bytes == 300)
        #expect(few.bytes(for: "k9") != nil && few.bytes(for: "k0") == nil)
        let small = GzipCache(budget: 1000, maxEntries: 100)
        for index in 0..<10 { small.store(ByteBuffer(repeating: 1, count: 300), for: "k\(index)") }
        #expect(small.usage.entries == 3 && small.usage.bytes == 900)
        small.store(ByteBuffer(repeating: 1, count: 2000), for: "huge")
        #expect(small.bytes(for: "huge") == nil, "larger than the whole budget: not kept")
        small.store(ByteBuffer(repeating: 2, count: 300), for: "k9")
        #expect(small.usage.bytes == 900, "storing a key again replaces it")
    }

    @Test func theLeastRecentlyUsedGoFirst() {
        let cache = GzipCache(budget: 1 << 20, maxEntries: 2)
        cache.store(ByteBuffer(bytes: [1]), for: "a")
        cache.store(ByteBuffer(bytes: [2]), for: "b")
        _ = cache.bytes(for: "a")
        cache.store(ByteBuffer(bytes: [3]), for: "c")
        #expect(cache.bytes(for: "a") != nil && cache.bytes(for: "b") == nil && cache.bytes(for: "c") != nil)
    }
}
