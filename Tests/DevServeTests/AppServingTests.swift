import DevServe
import Foundation
import Testing

/// Serving real apps: the single-page-app fallback and folder listings.
@Suite(.timeLimit(.minutes(2))) struct AppServingTests {
    @Test func aNavigationThatMatchesNoFileGetsTheFallbackPageWithTheClient() async throws {
        try await TestServer.withSite({ $0.fallbackPage = "index.html" }) { server, site in
            let index = try site.read("index.html")
            for target in ["/users/42", "/deep/client/route?tab=2", "/about/missing", "/user/john.doe"] {
                let response = try await server.rawGet(target, headers: ["Accept: text/html,application/xhtml+xml,*/*;q=0.8"])
                #expect(response.status == 200, "\(target)")
                #expect(response.body.contains("/__hmr/client.js"), "\(target): the client is injected")
                #expect(response.body.contains(String(index.prefix(40))), "\(target)")
                #expect(response.header("Cache-Control") == "no-store")
            }
            // Real files are still themselves.
            let about = try await server.rawGet("/about/", headers: ["Accept: text/html"])
            #expect(about.body.contains(try site.read("about/index.html").prefix(30)))
            #expect(try await server.rawGet("/style.css", headers: ["Accept: text/html"]).body == (try site.read("style.css")))
        }
    }

    @Test func requestsThatDoNotAskForHTMLStillGet404() async throws {
        try await TestServer.withSite({ $0.fallbackPage = "index.html" }) { server, _ in
            #expect(try await server.rawGet("/missing.js", headers: ["Accept: */*"]).status == 404)
            #expect(try await server.rawGet("/api/users", headers: ["Accept: application/json"]).status == 404)
            #expect(try await server.rawGet("/missing.png").status == 404)
            #expect(try await server.rawGet("/__hmr/nothing", headers: ["Accept: text/html"]).status == 404)
            let post = try await server.raw(
                "POST /users/42 HTTP/1.1\r\nHost: 127.0.0.1:\(server.port)\r\nAccept: text/html\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
            #expect(post.status != 200)
        }
    }

    @Test func withoutTheFallbackANavigationGets404AndAMissingFallbackIsA404() async throws {
        try await TestServer.withSite { server, _ in
            let response = try await server.rawGet("/users/42", headers: ["Accept: text/html"])
            #expect(response.status == 404)
        }
        try await TestServer.withSite({ $0.fallbackPage = "shell.html" }) { server, _ in
            let response = try await server.rawGet("/users/42", headers: ["Accept: text/html"])
            #expect(response.status == 404)
        }
    }

    @Test func aFolderWithoutIndexGetsAnEscapedListing() async throws {
        let site = try FixtureCopy(files: [
            "files/<img src=x onerror=alert(1)>.txt": "a",
            "files/a\"b'c&d.txt": "b",
            "files/%2e%2e.txt": "c",
            "files/space and ü.txt": "d",
            "files/sub/inner.txt": "e",
            "files/.env": "SECRET",
            "files/server.pem": "KEY",
            "index.html": "<p>home</p>",
        ])
        defer { site.remove() }
        let outside = try site.sibling("outside")
        try "secret".write(toFile: outside + "/secret.txt", atomically: true, encoding: .utf8)
        try FileManager.default.createSymbolicLink(atPath: site.path + "/files/link-out", withDestinationPath: outside)
        try await TestServer.with(DevServeConfiguration(root: site.path, projectFolder: site.path)) { server in
            let response = try await server.rawGet("/files/")
            #expect(response.status == 200)
            #expect(response.header("Content-Type") == "text/html; charset=utf-8")
            let body = response.body
            #expect(body.contains("<title>Index of /files/</title>"))
            #expect(body.contains("/__hmr/client.js"), "the listing reloads when files change")
            #expect(!body.contains("<img src=x"), "names are escaped")
            #expect(body.contains("&lt;img src=x onerror=alert(1)&gt;.txt"))
            #expect(body.contains("a&quot;b&#39;c&amp;d.txt"))
            #expect(!body.contains(".env") && !body.contains("server.pem") && !body.contains("link-out"), "only what would be served")
            // Folders first, then files by name; every link leads to its file.
            let links = body.matches(of: #/href="([^"]*)"/#).map { String($0.1) }
            #expect(links.first == "../")
            #expect(links.dropFirst().first == "./sub/")
            #expect(links.count == 6, "\(links)")
            for link in links.dropFirst(2) {
                let file = try await server.rawGet("/files/" + link.dropFirst(2))
                #expect(file.status == 200, "\(link)")
            }
            #expect(links.contains("./%3Cimg%20src%3Dx%20onerror%3Dalert%281%29%3E.txt"))
            #expect(links.contains("./%252e%252e.txt"))
            // A folder with an index.html is that page; the root here has one.
            #expect(try await server.rawGet("/").body.contains("<p>home</p>"))
            // Without the trailing /, a redirect to it (as before).
            #expect(try await server.rawGet("/files").status == 301)
        }
    }
}
