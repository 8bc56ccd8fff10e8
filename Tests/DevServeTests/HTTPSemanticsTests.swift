import DevServe
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The HTTP a browser relies on, against the real server over raw sockets: validators that
/// change with the content, RFC 9110's ranges and conditionals, HEAD everywhere GET works, the
/// folder redirect, and connections that end when they should.
@Suite(.timeLimit(.minutes(3))) struct HTTPSemanticsTests {
    func withSite(
        _ configure: (inout DevServeConfiguration) -> Void = { _ in }, _ body: (TestServer, FixtureCopy) async throws -> Void
    ) async throws {
        try await TestServer.withSite(configure, body)
    }

    // MARK: Validators

    /// Same-size saves within one second, and a copy that keeps the old modification time
    /// (`cp -p`), each give a new ETag: a browser revalidating with the old one gets the new
    /// bytes, never a 304.
    @Test func theETagChangesWheneverTheContentDoes() async throws {
        try await withSite { server, site in
            try site.write("app.js", "console.log('version A')\n")
            let first = try await server.rawGet("/app.js")
            let firstTag = try #require(first.header("ETag"))
            #expect(first.header("Last-Modified") == nil, "a date in whole seconds is no validator")
            for version in ["B", "C", "D"] {
                try site.write("app.js", "console.log('version \(version)')\n")  // same size, same second
                let again = try await server.rawGet("/app.js", headers: ["If-None-Match: \(firstTag)"])
                #expect(again.status == 200, "a same-size save revalidated as \(again.status ?? 0)")
                #expect(again.body == "console.log('version \(version)')\n")
                #expect(again.header("ETag") != firstTag)
            }
            // A copy that keeps the modification time of the version the browser has.
            let stamp = try FileManager.default.attributesOfItem(atPath: site.url("app.js").path)[.modificationDate] as! Date
            try site.write("app.js", "console.log('version A')\n")
            let restored = try await server.rawGet("/app.js")
            let restoredTag = try #require(restored.header("ETag"))
            try site.write("app.js", "console.log('version E')\n")
            try FileManager.default.setAttributes([.modificationDate: stamp], ofItemAtPath: site.url("app.js").path)
            let copied = try await server.rawGet("/app.js", headers: ["If-None-Match: \(restoredTag)"])
            #expect(copied.status == 200 && copied.body == "console.log('version E')\n", "a copy with an old time stamp")
            let unchanged = try await server.rawGet("/app.js", headers: ["If-None-Match: \(copied.header("ETag") ?? "")"])
            #expect(unchanged.status == 304 && unchanged.body.isEmpty)
            #expect(unchanged.header("ETag") == copied.header("ETag"))
            #expect(unchanged.header("Cache-Control") == "no-cache")
        }
    }

    /// A file too large for the cache is streamed, with a tag from its status to the nanosecond.
    @Test func largeFilesGetATagThatChangesWithEveryWrite() async throws {
        try await withSite { server, site in
            let big = [UInt8](repeating: UInt8(ascii: "a"), count: 5 << 20)
            try Data(big).write(to: site.url("big.bin"))
            let tag = try #require(try await server.rawGet("/big.bin").header("ETag"))
            var changed = big
            changed[100] = UInt8(ascii: "b")
            try Data(changed).write(to: site.url("big.bin"))
            let again = try await server.rawGet("/big.bin", headers: ["If-None-Match: \(tag)", "Range: bytes=100-100"])
            #expect(again.status == 206 && again.body == "b")
        }
    }

    // MARK: Conditionals

    @Test func conditionalRequestsFollowRFC9110() async throws {
        try await withSite { server, site in
            try site.write("range.txt", "0123456789abcdefghij")
            let tag = try #require(try await server.rawGet("/range.txt").header("ETag"))
            #expect(try await server.rawGet("/range.txt", headers: ["If-None-Match: *"]).status == 304)
            #expect(try await server.rawGet("/range.txt", headers: ["If-None-Match: \"nope\", W/\(tag)"]).status == 304)
            #expect(try await server.rawGet("/range.txt", headers: ["If-Match: \"nope\""]).status == 412)
            #expect(try await server.rawGet("/range.txt", headers: ["If-Match: \(tag)"]).status == 200)
            let weakIfRange = try await server.rawGet("/range.txt", headers: ["Range: bytes=0-1", "If-Range: W/\(tag)"])
            #expect(weakIfRange.status == 200 && weakIfRange.body == "0123456789abcdefghij", "a weak If-Range")
            let strongIfRange = try await server.rawGet("/range.txt", headers: ["Range: bytes=0-1", "If-Range: \(tag)"])
            #expect(strongIfRange.status == 206 && strongIfRange.body == "01")
            let dateIfRange = try await server.rawGet(
                "/range.txt", headers: ["Range: bytes=0-1", "If-Range: Wed, 21 Oct 2015 07:28:00 GMT"])
            #expect(dateIfRange.status == 200)
        }
    }

    // MARK: Ranges

    @Test func rangesFollowRFC9110() async throws {
        try await withSite { server, site in
            let text = "0123456789abcdefghij"
            try site.write("range.txt", text)
            func get(_ range: String) async throws -> RawResponse {
                try await server.rawGet("/range.txt", headers: ["Range: \(range)"])
            }
            let part = try await get("bytes=2-5")
            #expect(part.status == 206 && part.body == "2345" && part.header("Content-Range") == "bytes 2-5/20")
            let suffix = try await get("bytes=-4")
            #expect(suffix.status == 206 && suffix.body == "ghij" && suffix.header("Content-Range") == "bytes 16-19/20")
            let merged = try await get("bytes=0-0,1-1")
            #expect(merged.status == 206 && merged.body == "01" && merged.header("Content-Range") == "bytes 0-1/20")
            let apart = try await get("bytes=0-0,5-5")
            #expect(apart.status == 200 && apart.body == text, "ranges that stay apart get the whole file")
            let unknownUnit = try await get("items=0-1")
            #expect(unknownUnit.status == 200 && unknownUnit.body == text)
            let long = try await get("bytes=0-99999999999999999999999")
            #expect(long.status == 206 && long.body == text && long.header("Content-Range") == "bytes 0-19/20")
            for unsatisfiable in ["bytes=50-", "bytes=-0"] {
                let past = try await get(unsatisfiable)
                #expect(past.status == 416 && past.body.isEmpty, "\(unsatisfiable)")
                #expect(past.header("Content-Range") == "bytes */20")
                #expect(past.header("Content-Length") == "0")
            }
            let head = try await server.raw("HEAD /range.txt HTTP/1.1\r\nHost: localhost\r\nRange: bytes=0-1\r\nConnection: close\r\n\r\n")
            #expect(head.status == 200 && head.header("Content-Length") == "20", "HEAD ignores Range")
        }
    }

    // MARK: HEAD and redirects

    @Test(arguments: ["/__hmr", "/__hmr/status", "/__hmr/client.js", "/style.css", "/", "/about/"])
    func headAnswersWhereGetDoes(_ path: String) async throws {
        try await withSite { server, _ in
            let head = try await server.raw("HEAD \(path) HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
            #expect(head.status == 200, "HEAD \(path): \(head.text)")
            #expect(head.body.isEmpty)
            if path != "/__hmr" {
                let get = try await server.rawGet(path, host: "localhost")
                #expect(head.header("Content-Length") == get.header("Content-Length"), "HEAD \(path)")
                #expect(head.header("Content-Type") == get.header("Content-Type"), "HEAD \(path)")
            } else {
                #expect(head.header("Content-Type")?.hasPrefix("text/event-stream") == true)
            }
        }
    }

    @Test func theFolderRedirectKeepsTheQueryAndIsNotCachedForGood() async throws {
        try await withSite { server, _ in
            let redirect = try await server.rawGet("/about?tab=2&x=%20")
            #expect(redirect.status == 301)
            #expect(redirect.header("Location") == "/about/?tab=2&x=%20")
            #expect(redirect.header("Cache-Control") == "no-store")
        }
    }

    /// `retry:` rides in hello's own message: a message of its own is an empty event to some
    /// clients (httpx-sse yields it).
    @Test func theFirstMessageIsHelloWithItsRetry() async throws {
        try await withSite { server, _ in
            let connection = try RawConnection(port: server.port)
            await connection.send("GET /__hmr HTTP/1.1\r\nHost: localhost\r\nAccept: text/event-stream\r\n\r\n")
            let (bytes, _) = await connection.read(timeout: .seconds(30)) { String(decoding: $0, as: UTF8.self).contains("\n\n") }
            let text = String(decoding: bytes, as: UTF8.self)
            let body = try #require(text.range(of: "\r\n\r\n").map { text[$0.upperBound...] }, "no response head: \(text)")
            // (The body is chunked: the chunk size comes first.)
            let first = body.drop { $0 != "\r\n" }.dropFirst()  // ("\r\n" is one Character)
            let message = String(first[..<(first.range(of: "\n\n")?.lowerBound ?? first.endIndex)])
            let fields = message.split(separator: "\n").map { $0.split(separator: ":", maxSplits: 1)[0] }
            #expect(fields.contains("event") && fields.contains("retry") && fields.contains("data"), "\(message)")
            #expect(message.contains("event: hello") && message.contains("retry: 1000"), "\(message)")
        }
    }

    // MARK: Connections

    /// A long idle timeout, so only an immediate close passes.
    static func longTimeouts(_ configuration: inout DevServeConfiguration) {
        configuration.requestTimeout = .seconds(3600)
    }

    @Test func http10WithoutKeepAliveIsClosedAfterTheAnswer() async throws {
        try await withSite(Self.longTimeouts) { server, _ in
            let connection = try RawConnection(port: server.port)
            await connection.send("GET /style.css HTTP/1.0\r\nHost: localhost\r\n\r\n")
            let (bytes, closed) = await connection.read(timeout: .seconds(30))
            let text = String(decoding: bytes, as: UTF8.self)
            #expect(closed, "an HTTP/1.0 connection without keep-alive stayed open after its answer")
            #expect(text.hasPrefix("HTTP/1.0 200"), "\(text.prefix(80))")
            #expect(RawResponse(text: text, closed: closed).header("Connection")?.lowercased() == "close")
        }
    }

    @Test(arguments: [
        "GET /style.css HTTP/1.1\r\nHost: evil.com\r\n\r\n",
        "GET /a/../style.css HTTP/1.1\r\nHost: localhost\r\n\r\n",
        "POST /__hmr/rebuild HTTP/1.1\r\nHost: localhost\r\nOrigin: http://evil.com\r\nContent-Length: 1000\r\n\r\nx",
    ])
    func policyRefusalsEndTheConnection(_ request: String) async throws {
        try await withSite(Self.longTimeouts) { server, _ in
            let connection = try RawConnection(port: server.port)
            await connection.send(request)
            let (bytes, closed) = await connection.read(timeout: .seconds(30))
            let answer = RawResponse(text: String(decoding: bytes, as: UTF8.self), closed: closed)
            #expect([400, 403].contains(answer.status ?? 0), "\(answer.text)")
            #expect(closed, "the connection stayed open after a refusal")
        }
    }

    @Test func twoHostHeadersAreRefused() async throws {
        try await withSite { server, _ in
            for hosts in [("localhost", "evil.com"), ("evil.com", "localhost"), ("localhost", "localhost")] {
                let answer = try await server.raw(
                    "GET /style.css HTTP/1.1\r\nHost: \(hosts.0)\r\nHost: \(hosts.1)\r\nConnection: close\r\n\r\n")
                #expect(answer.status == 400, "\(hosts): \(answer.text.prefix(60))")
            }
        }
    }

    @Test func connectGetsACompleteAnswerAndTheConnectionEnds() async throws {
        try await withSite(Self.longTimeouts) { server, _ in
            let connection = try RawConnection(port: server.port)
            await connection.send("CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n")
            let (bytes, closed) = await connection.read(timeout: .seconds(30))
            let answer = RawResponse(text: String(decoding: bytes, as: UTF8.self), closed: closed)
            #expect(answer.status == 400, "\(answer.text)")
            #expect(answer.header("Content-Length") == String(answer.body.utf8.count) && !answer.body.isEmpty)
            #expect(closed)
        }
    }

    /// A body sent one byte at a time never completes within the request timeout: the
    /// connection is cut while the client is still sending (1,000 bytes at 5 a second would take
    /// 200 s; the suite's limit is 3 minutes).
    @Test func aTrickledBodyIsCutOff() async throws {
        try await withSite({ $0.requestTimeout = .seconds(1) }) { server, _ in
            let connection = try RawConnection(port: server.port)
            await connection.send("POST /upload HTTP/1.1\r\nHost: localhost\r\nContent-Length: 1000\r\n\r\n")
            var cutOff = false
            for _ in 0..<1000 {
                guard await connection.send("x") else {
                    cutOff = true
                    break
                }
                try await Task.sleep(for: .milliseconds(200))
            }
            #expect(cutOff, "a body trickled one byte at a time was never cut off")
        }
    }

    /// A client that stops reading in the middle of a download is dropped (it would otherwise
    /// hold the connection and the file for good).
    @Test func aReaderThatStopsReadingIsDropped() async throws {
        try await withSite({ $0.requestTimeout = .seconds(1) }) { server, site in
            try Data(repeating: UInt8(ascii: "a"), count: 64 << 20).write(to: site.url("big.bin"))
            let connection = try RawConnection(port: server.port)
            var small: Int32 = 4096
            setsockopt(connection.fd, SOL_SOCKET, SO_RCVBUF, &small, socklen_t(MemoryLayout<Int32>.size))
            await connection.send("GET /big.bin HTTP/1.1\r\nHost: localhost\r\n\r\n")
            #expect(connection.serverEndIsOpen(serverPort: server.port), "the test sees the server's end of the connection")
            try await waitUntil("the server dropped a client that stopped reading", within: .seconds(60)) {
                !connection.serverEndIsOpen(serverPort: server.port)
            }
        }
    }
}
