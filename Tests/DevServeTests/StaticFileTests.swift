import AsyncHTTPClient
import DevServe
import Foundation
import Testing

/// The static file server, over real HTTP against a copy of `Fixtures/site`.
@Suite(.timeLimit(.minutes(3))) struct StaticFileTests {
    func withSite(inject: Bool = true, _ body: (TestServer, FixtureCopy) async throws -> Void) async throws {
        try await TestServer.withSite({ $0.injectClient = inject }, body)
    }

    @Test func pagesGetTheClientInjectedWithTheRightLength() async throws {
        try await withSite { server, site in
            let (response, body) = try await server.fetch("/")
            #expect(response.status == .ok)
            #expect(response.headers["Content-Type"].first == "text/html; charset=utf-8")
            #expect(response.headers["Cache-Control"].first == "no-store")
            let original = try site.read("index.html")
            #expect(body.contains(#"<script src="/__hmr/client.js"></script></body>"#))
            #expect(body.count == original.count + ClientScript.tag.count)
            #expect(Int(response.headers["Content-Length"].first ?? "") == body.utf8.count)
        }
    }

    @Test func assetsAreRevalidatedOnEveryUse() async throws {
        try await withSite { server, _ in
            for path in ["/style.css", "/app.js", "/img/logo.png"] {
                let (response, _) = try await server.fetch(path)
                #expect(response.headers["Cache-Control"].first == "no-cache", "\(path)")
                #expect(response.headers["ETag"].first != nil, "\(path)")
            }
        }
    }

    /// Small files are served from memory once they have been still for a second. A rewrite
    /// that keeps the size and puts the modification time back (as `cp -p`, `tar` or `rsync -t`
    /// can) must still be served new: the status-change time gives it away.
    @Test func aCachedFileIsNeverServedStale() async throws {
        try await withSite { server, site in
            try site.write("data.txt", "version-A")
            try await Task.sleep(for: .milliseconds(1100))  // past the cache's one-second rule
            let (_, first) = try await server.fetch("/data.txt")
            let (_, cached) = try await server.fetch("/data.txt")
            #expect(first == "version-A" && cached == "version-A")

            var before = stat()
            #expect(stat(site.url("data.txt").path, &before) == 0)
            try site.write("data.txt", "version-B")
            var times = [before.st_atim, before.st_mtim]
            #expect(utimensat(AT_FDCWD, site.url("data.txt").path, &times, 0) == 0)
            var after = stat()
            #expect(stat(site.url("data.txt").path, &after) == 0)
            #expect(after.st_size == before.st_size && after.st_mtim.tv_nsec == before.st_mtim.tv_nsec)

            let (_, served) = try await server.fetch("/data.txt")
            #expect(served == "version-B")
        }
    }

    @Test func subFolderPagesAndPagesWithoutBodyAreInjected() async throws {
        try await withSite { server, _ in
            let (about, aboutBody) = try await server.fetch("/about/")
            #expect(about.status == .ok && aboutBody.contains(ClientScript.tag))
            let (_, nobody) = try await server.fetch("/nobody.html")
            #expect(nobody.contains(ClientScript.tag + "</html>"))
            let (redirect, _) = try await server.fetch("/about")
            #expect(redirect.status == .movedPermanently || redirect.status == .ok)
        }
    }

    @Test func noInjectServesPagesAsTheyAre() async throws {
        try await withSite(inject: false) { server, site in
            let (_, body) = try await server.fetch("/index.html")
            #expect(body == (try site.read("index.html")))
        }
    }

    @Test func assetsHaveTypesValidatorsAndConditionalAnswers() async throws {
        try await withSite { server, site in
            let (css, cssBody) = try await server.fetch("/style.css")
            #expect(css.status == .ok)
            #expect(css.headers["Content-Type"].first?.hasPrefix("text/css") == true)
            #expect(cssBody == (try site.read("style.css")))
            let etag = try #require(css.headers["ETag"].first)
            #expect(css.headers["Last-Modified"].first == nil, "whole seconds are no validator")
            let (notModified, _) = try await server.fetch("/style.css", headers: [("If-None-Match", etag)])
            #expect(notModified.status == .notModified)
            let (png, _) = try await server.fetch("/img/logo.png")
            #expect(png.headers["Content-Type"].first == "image/png")
            let (head, headBody) = try await server.fetch("/app.js", method: .HEAD)
            #expect(head.status == .ok && headBody.isEmpty)
            #expect(head.headers["Content-Length"].first == String(try site.read("app.js").utf8.count))
        }
    }

    @Test func rangesIncludingSuffixAndPastTheEnd() async throws {
        try await withSite { server, site in
            let text = "0123456789abcdefghij"
            try site.write("range.txt", text)
            let (part, partBody) = try await server.fetch("/range.txt", headers: [("Range", "bytes=2-5")])
            #expect(part.status == .partialContent && partBody == "2345")
            let (suffix, suffixBody) = try await server.fetch("/range.txt", headers: [("Range", "bytes=-4")])
            #expect(suffix.status == .partialContent)
            #expect(suffixBody == "ghij", "a suffix range is the last bytes")
            #expect(suffix.headers["Content-Range"].first == "bytes 16-19/20")
            let (past, pastBody) = try await server.fetch("/range.txt", headers: [("Range", "bytes=50-")])
            #expect(past.status == .rangeNotSatisfiable && pastBody.isEmpty)
            #expect(past.headers["Content-Range"].first == "bytes */20")
        }
    }

    @Test func missingFilesAre404() async throws {
        try await withSite { server, _ in
            let (response, _) = try await server.fetch("/nope.html")
            #expect(response.status == .notFound)
        }
    }

    @Test(arguments: [
        "/../secret.txt", "/%2e%2e/secret.txt", "/%2E%2E%2Fsecret.txt", "/img/..%2f..%2fsecret.txt",
        "/..%5csecret.txt", "/link-out/secret.txt", "/link-file.txt", "/%00index.html",
    ])
    func nothingOutsideTheRootIsServed(_ path: String) async throws {
        try await withSite { server, site in
            let outside = site.folder.deletingLastPathComponent()
            try Data("TOP SECRET".utf8).write(to: outside.appendingPathComponent("secret.txt"))
            try FileManager.default.createSymbolicLink(atPath: site.path + "/link-out", withDestinationPath: outside.path)
            try FileManager.default.createSymbolicLink(
                atPath: site.path + "/link-file.txt", withDestinationPath: outside.appendingPathComponent("secret.txt").path)
            let (response, body) = try await server.fetch(path)
            #expect(!body.contains("TOP SECRET"), "\(path) leaked a file from outside the root")
            #expect([400, 404].contains(response.status.code), "\(path) answered \(response.status)")
        }
    }

    @Test func servedClientIsTheClientSource() async throws {
        try await withSite { server, _ in
            let (response, body) = try await server.fetch("/__hmr/client.js")
            #expect(response.headers["Content-Type"].first == "text/javascript; charset=utf-8")
            // errors.js (the page-error code), then devserve.js, byte for byte.
            let source = try ["errors.js", "devserve.js"].map {
                try String(contentsOf: repositoryRoot.appendingPathComponent("client-js/\($0)"), encoding: .utf8)
            }.joined()
            #expect(body == source)
        }
    }
}
