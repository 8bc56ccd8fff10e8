import DevServe
import Foundation
import Testing

/// Who may talk to devserve: the Host check, Origin and Sec-Fetch rules, CORP and CORS, over raw
/// sockets so every header is sent exactly as a browser (or an attacker) would.
@Suite(.timeLimit(.minutes(3))) struct AccessControlTests {
    @Test(arguments: ["evil.com", "localhost.evil.com", "127.0.0.1.nip.io", "evil.com:PORT", "10.1.2.3", "", "a b"])
    func foreignHostsAreRefused(_ host: String) async throws {
        try await TestServer.withSite { server, _ in
            let response = try await server.rawGet("/index.html", host: host.replacingOccurrences(of: "PORT", with: "\(server.port)"))
            #expect(response.status == 403, "Host \(host) answered \(response.status.map(String.init) ?? "nothing")")
            #expect(!response.body.contains("<html"), "Host \(host) got the page")
            #expect(response.body.hasPrefix("devserve: Host"), "the refusal explains itself: \(response.body)")
            #expect(response.body.filter { $0 == "\n" }.count == 1, "the refusal is one line")
            #expect(response.header("Cross-Origin-Resource-Policy") == "same-origin")
        }
    }

    @Test func aRequestWithoutHostIsRefused() async throws {
        try await TestServer.withSite { server, _ in
            let response = try await server.raw("GET /index.html HTTP/1.1\r\nConnection: close\r\n\r\n")
            #expect(response.status == 403)
        }
    }

    @Test(arguments: ["localhost:PORT", "LOCALHOST:PORT", "app.localhost:PORT", "127.0.0.1:PORT", "127.1.2.3", "[::1]:PORT", "localhost."])
    func loopbackHostsAreServed(_ host: String) async throws {
        try await TestServer.withSite { server, _ in
            let response = try await server.rawGet("/index.html", host: host.replacingOccurrences(of: "PORT", with: "\(server.port)"))
            #expect(response.status == 200, "Host \(host) answered \(response.status.map(String.init) ?? "nothing")")
        }
    }

    @Test func allowedHostsAddNamesAndDotNamesAddSubdomains() async throws {
        try await TestServer.withSite({ $0.allowedHosts = ["dev.example.test", ".tunnel.test"] }) { server, _ in
            for (host, status) in [
                ("dev.example.test", 200), ("x.dev.example.test", 403), ("tunnel.test", 200), ("a.b.tunnel.test:443", 200),
                ("eviltunnel.test", 403), ("example.test", 403),
            ] {
                let response = try await server.rawGet("/index.html", host: host)
                #expect(response.status == status, "Host \(host)")
            }
        }
    }

    @Test func theEventStreamRefusesForeignOrigins() async throws {
        try await TestServer.withSite { server, _ in
            let own = "Origin: http://127.0.0.1:\(server.port)"
            for (headers, host, status) in [
                (["Origin: http://evil.com"], nil, 403),
                (["Origin: null"], nil, 403),
                // An IP-literal origin is not a free pass: it is another origin than localhost.
                (["Origin: http://127.0.0.1:\(server.port)"], "localhost:\(server.port)", 403),
                (["Origin: http://localhost:\(server.port + 1)"], "localhost:\(server.port)", 403),
                (["Sec-Fetch-Site: cross-site"], nil, 403),
                (["Sec-Fetch-Site: same-site"], nil, 403),
                ([own, "Sec-Fetch-Site: same-origin"], nil, 200),
            ] {
                for path in ["/__hmr/status", "/__hmr/client.js"] {
                    let response = try await server.rawGet(path, host: host, headers: headers)
                    #expect(response.status == status, "\(path) with \(headers) answered \(response.status.map(String.init) ?? "nothing")")
                    if status == 403 { #expect(!response.body.contains("state"), "the refusal leaks nothing") }
                }
            }
            // The stream itself: a foreign page gets no hello.
            let refused = try await server.rawGet("/__hmr", headers: ["Origin: http://evil.com", "Accept: text/event-stream"])
            #expect(refused.status == 403)
            #expect(!refused.body.contains("hello"))
        }
    }

    @Test func sideEffectsNeedPostFromTheSameOrigin() async throws {
        try await TestServer.withSite { server, _ in
            let post = { (headers: [String]) in
                try await server.raw(
                    (["POST /__hmr/rebuild HTTP/1.1", "Host: 127.0.0.1:\(server.port)", "Content-Length: 0", "Connection: close"]
                        + headers).joined(separator: "\r\n") + "\r\n\r\n")
            }
            #expect(try await post([]).status == 403, "a POST with no Origin or Sec-Fetch-Site is refused")
            #expect(try await post(["Origin: http://evil.com"]).status == 403)
            #expect(try await post(["Sec-Fetch-Site: cross-site"]).status == 403)
            // Same-origin gets past the guard: the rebuild is accepted.
            let same = try await post(["Origin: http://127.0.0.1:\(server.port)"])
            #expect(same.status == 202)
            let fetchSite = try await post(["Sec-Fetch-Site: same-origin"])
            #expect(fetchSite.status == 202)
        }
    }

    @Test func crossSiteNoCorsLoadsGetOnlyImagesAndStylesheets() async throws {
        try await TestServer.withSite { server, _ in
            let crossSite = ["Sec-Fetch-Site: cross-site", "Sec-Fetch-Mode: no-cors"]
            for (path, destination, status) in [
                ("/app.js", "script", 403), ("/index.html", "iframe", 403), ("/app.js", "empty", 403), ("/app.js", "", 403),
                ("/img/logo.png", "image", 200), ("/style.css", "style", 200),
            ] {
                let headers = crossSite + (destination.isEmpty ? [] : ["Sec-Fetch-Dest: \(destination)"])
                let response = try await server.rawGet(path, headers: headers)
                #expect(response.status == status, "\(path) as \(destination)")
                if status == 403 { #expect(!response.body.contains("getElementById") && !response.body.contains("<html"), "nothing of the file leaks") }
            }
            // Same-site (another port on localhost) and navigations are not cross-site no-cors loads.
            #expect(try await server.rawGet("/app.js", headers: ["Sec-Fetch-Site: same-site", "Sec-Fetch-Mode: no-cors", "Sec-Fetch-Dest: script"]).status == 200)
            #expect(try await server.rawGet("/index.html", headers: ["Sec-Fetch-Site: cross-site", "Sec-Fetch-Mode: navigate", "Sec-Fetch-Dest: document"]).status == 200)
        }
    }

    @Test func everyResponseCarriesCorpAndNoCorsByDefault() async throws {
        try await TestServer.withSite { server, _ in
            let etag = try await server.rawGet("/app.js").header("ETag") ?? ""
            for (path, headers) in [
                ("/index.html", []), ("/app.js", []), ("/nope.html", []), ("/about", []), ("/__hmr/status", []),
                ("/__hmr/client.js", []), ("/app.js", ["If-None-Match: \(etag)"]), ("/app.js", ["Range: bytes=999-"]),
                ("/%2e%2e/x", []), ("/app.js", ["Origin: http://evil.com"]),
            ] {
                let response = try await server.rawGet(path, headers: headers)
                #expect(response.status != nil, "\(path) answered nothing")
                #expect(response.header("Cross-Origin-Resource-Policy") == "same-origin", "\(path) \(headers) lacks CORP")
                #expect(response.header("X-Content-Type-Options") == "nosniff", "\(path) \(headers)")
                #expect(response.header("Access-Control-Allow-Origin") == nil, "\(path) \(headers) has CORS")
            }
        }
    }

    @Test func corsAllowsExactlyTheOriginGivenWithoutCredentials() async throws {
        try await TestServer.withSite({ $0.corsOrigin = "http://localhost:3000" }) { server, _ in
            let allowed = try await server.rawGet("/app.js", headers: ["Origin: http://localhost:3000"])
            #expect(allowed.status == 200)
            #expect(allowed.header("Access-Control-Allow-Origin") == "http://localhost:3000")
            #expect(allowed.header("Access-Control-Allow-Credentials") == nil)
            let preflight = try await server.raw(
                "OPTIONS /app.js HTTP/1.1\r\nHost: 127.0.0.1:\(server.port)\r\nOrigin: http://localhost:3000\r\n"
                    + "Access-Control-Request-Method: GET\r\nConnection: close\r\n\r\n")
            #expect(preflight.status == 204)
            #expect(preflight.header("Access-Control-Allow-Credentials") == nil)
            // Another origin is told the one allowed origin, which its browser then refuses.
            let other = try await server.rawGet("/app.js", headers: ["Origin: http://evil.com"])
            #expect(other.header("Access-Control-Allow-Origin") != "http://evil.com")
            #expect(other.header("Access-Control-Allow-Origin") != "*")
            // CORS never opens the event stream to that origin.
            #expect(try await server.rawGet("/__hmr/status", headers: ["Origin: http://localhost:3000"]).status == 403)
        }
    }
}
