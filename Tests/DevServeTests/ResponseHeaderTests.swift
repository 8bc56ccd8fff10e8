import DevServe
import Foundation
import Testing

/// `--header 'Name: value'`: parsed once, set on every response devserve writes.
@Suite(.timeLimit(.minutes(2))) struct ResponseHeaderTests {
    @Test(arguments: [
        ("Cross-Origin-Opener-Policy: same-origin", "cross-origin-opener-policy", "same-origin"),
        ("Cross-Origin-Embedder-Policy=require-corp", "cross-origin-embedder-policy", "require-corp"),
        ("X-Test:  a: b=c  ", "x-test", "a: b=c"),
    ])
    func aHeaderIsNameAndValue(_ text: String, _ name: String, _ value: String) throws {
        let header = try ResponseHeader(parsing: text)
        #expect(header.name.canonicalName == name)
        #expect(header.value == value)
    }

    @Test func whatCannotBeAHeaderIsSaidInOneLine() {
        #expect(ResponseHeader.problem(with: "no separator") == "takes Name: value, as in \"Cross-Origin-Opener-Policy: same-origin\", not no separator")
        #expect(ResponseHeader.problem(with: "Bad Name: x") == "takes a header name of letters, digits and - _ . ! # $ % & ' * + ^ ` | ~, not \"Bad Name\"")
        #expect(ResponseHeader.problem(with: ": x")?.hasPrefix("takes a header name") == true)
        #expect(ResponseHeader.problem(with: "X-Test: a\r\nSet-Cookie: b") == "must not have a control character or a line break in a value (X-Test)")
        for reserved in ["Content-Length: 1", "transfer-encoding: chunked", "Cache-Control: max-age=3600", "ETag: \"x\"", "Connection: close"] {
            #expect(ResponseHeader.problem(with: reserved)?.hasSuffix(": devserve sets it for each response") == true, "\(reserved)")
        }
    }

    /// Files, pages, a 404, a refusal, the event stream and devserve's own routes all carry the
    /// user's headers, and a user header replaces devserve's own of that name.
    @Test func everyResponseCarriesTheHeaders() async throws {
        try await TestServer.withSite({
            $0.responseHeaders = [
                try! ResponseHeader(parsing: "Cross-Origin-Opener-Policy: same-origin"),
                try! ResponseHeader(parsing: "Cross-Origin-Embedder-Policy: require-corp"),
                try! ResponseHeader(parsing: "Cross-Origin-Resource-Policy: cross-origin"),
            ]
        }) { server, _ in
            var answers = [
                ("/", try await server.rawGet("/")),
                ("/style.css", try await server.rawGet("/style.css")),
                ("/missing", try await server.rawGet("/missing")),
                ("/__hmr/status", try await server.rawGet("/__hmr/status")),
                ("/__hmr/client.js", try await server.rawGet("/__hmr/client.js")),
                ("a forged Host", try await server.rawGet("/", host: "evil.example")),
            ]
            let connection = try RawConnection(port: server.port)
            await connection.send("GET /__hmr HTTP/1.1\r\nHost: 127.0.0.1:\(server.port)\r\nAccept: text/event-stream\r\n\r\n")
            let stream = await connection.read(timeout: .seconds(20)) { String(decoding: $0, as: UTF8.self).contains("\r\n\r\n") }
            answers.append(("/__hmr", RawResponse(text: String(decoding: stream.bytes, as: UTF8.self), closed: stream.closed)))
            #expect(answers.map(\.1.status) == [200, 200, 404, 200, 200, 403, 200])
            for (what, answer) in answers {
                #expect(answer.header("Cross-Origin-Opener-Policy") == "same-origin", "\(what)")
                #expect(answer.header("Cross-Origin-Embedder-Policy") == "require-corp", "\(what)")
                #expect(answer.header("Cross-Origin-Resource-Policy") == "cross-origin", "\(what): replaces devserve's same-origin")
                #expect(answer.header("X-Content-Type-Options") == "nosniff", "\(what): devserve's other headers stay")
            }
        }
    }

    /// A bad `--header` stops devserve with one line naming the flag; a bad `[headers]` entry
    /// names the file's line. The table form works.
    @Test func theFlagAndTheTable() async throws {
        let site = try FixtureCopy("site")
        defer { site.remove() }
        let (status, error) = try await Devserve.runToEnd([site.path, "--port", "0", "--header", "Cache-Control: max-age=60"])
        #expect(status == .exited(1))
        #expect(error == "devserve: error: --header cannot set Cache-Control: devserve sets it for each response\n")
        try site.write("devserve.toml", "[headers]\nCross-Origin-Opener-Policy = \"same-origin\"\nX-Frame-Options = \"DENY\"\n")
        try await Devserve.run(["--port", "0"], in: site.path) { devserve in
            let page = try await RawConnection.get("/", port: devserve.port)
            #expect(page.header("Cross-Origin-Opener-Policy") == "same-origin")
            #expect(page.header("X-Frame-Options") == "DENY")
        }
    }
}
