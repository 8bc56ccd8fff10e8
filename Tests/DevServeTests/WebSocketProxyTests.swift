@testable import DevServe
import Foundation
import Hummingbird
import NIOCore
import NIOHTTP1
import Subprocess
import Testing

/// WebSocket upgrades through `--proxy`: a real WebSocket backend and a real WebSocket client,
/// both Python's websockets (`Fixtures/websocket/`), talking through a real devserve; then the
/// pure pieces of the tunnel (what the backend is sent, what the client is answered, which pages
/// may open one).
@Suite(.timeLimit(.minutes(3))) struct WebSocketProxyTests {
    // MARK: Through a real devserve

    @Test func textAndBinaryMessagesGoBothWaysWithTheForwardedHeaders() async throws {
        try await withBackend { backend in
            try await TestServer.withSite(proxied(backend)) { server, _ in
                let lines = try await client(
                    "ws://127.0.0.1:\(server.port)/api/ws?room=1", "recv", "text:hello", "recv", "binary:00ff10", "recv")
                #expect(lines == ["text welcome", "text hello", "binary 00ff10", "closed 1000"])
                #expect(try await backend.next("the connection") == "tcp 1")
                #expect(
                    try await backend.next("the handshake")
                        == "open /api/ws?room=1 host=127.0.0.1:\(backend.port) xff=127.0.0.1 xfh=127.0.0.1:\(server.port) xfp=http origin=None")
                #expect(try await backend.next("the end of the connection") == "closed 1000")
            }
        }
    }

    @Test func theBackendsCloseCodeReachesTheClient() async throws {
        try await withBackend { backend in
            try await TestServer.withSite(proxied(backend)) { server, _ in
                let lines = try await client("ws://127.0.0.1:\(server.port)/api/ws", "recv", "text:close-4001", "wait-close")
                #expect(lines == ["text welcome", "closed 4001 asked"])
                _ = try await backend.next("the connection")
                _ = try await backend.next("the handshake")
                #expect(try await backend.next("the end of the connection") == "closed 4001")
            }
        }
    }

    @Test func theClientsCloseEndsTheBackendsConnection() async throws {
        try await withBackend { backend in
            try await TestServer.withSite(proxied(backend)) { server, _ in
                let lines = try await client("ws://127.0.0.1:\(server.port)/api/ws", "recv", "close:4002")
                #expect(lines == ["text welcome", "closed 4002 done"])
                _ = try await backend.next("the connection")
                _ = try await backend.next("the handshake")
                // Printed once the backend's connection has ended, with the code the client sent.
                #expect(try await backend.next("the end of the connection") == "closed 4002")
            }
        }
    }

    @Test func aForgedHostOrAForeignOriginIsRefusedBeforeAnyBackendConnection() async throws {
        try await withBackend { backend in
            try await TestServer.withSite(proxied(backend)) { server, _ in
                let forged = try await server.raw(handshake("/api/ws", host: "evil.example:\(server.port)"))
                #expect(forged.status == 403, "\(forged.text)")
                #expect(forged.body.hasPrefix("devserve: Host \"evil.example:\(server.port)\" is not allowed"), "\(forged.body)")
                #expect(forged.closed)

                let foreign = try await client("ws://127.0.0.1:\(server.port)/api/ws", origin: "https://evil.example", "recv")
                #expect(
                    foreign == [
                        "rejected 403 devserve: WebSocket upgrades from other sites are refused (Origin https://evil.example); add the page's host with --allowed-host"
                    ])
                let opaque = try await server.raw(handshake("/api/ws", host: "127.0.0.1:\(server.port)", headers: ["Origin: null"]))
                #expect(opaque.status == 403, "\(opaque.text)")

                // The first connection the backend ever gets is this one, from a page on another
                // local dev server (an allowed host): none was made for the refused ones.
                let allowed = try await client("ws://127.0.0.1:\(server.port)/api/ws", origin: "http://localhost:5173", "recv")
                #expect(allowed == ["text welcome", "closed 1000"])
                #expect(try await backend.next("the allowed page's connection") == "tcp 1")
                #expect(try await backend.next("the allowed page's handshake").hasSuffix("origin=http://localhost:5173"))
                _ = try await backend.next("the end of the allowed page's connection")

                let sameOrigin = "http://127.0.0.1:\(server.port)"
                #expect(try await client("ws://127.0.0.1:\(server.port)/api/ws", origin: sameOrigin, "recv") == ["text welcome", "closed 1000"])
                #expect(try await backend.next("the same-origin page's connection") == "tcp 2")
            }
        }
    }

    @Test func aBackendThatIsDownGetsA502AtOnce() async throws {
        try await RawConnection.withRefusingPort { port in
            try await TestServer.withSite({ $0.proxies = [try! ProxyRoute(parsing: "/api=http://127.0.0.1:\(port)")] }) { server, _ in
                let response = try await server.raw(handshake("/api/ws", host: "127.0.0.1:\(server.port)"))
                #expect(response.status == 502, "\(response.text)")
                #expect(response.body == "devserve: cannot reach the backend for /api at http://127.0.0.1:\(port) (connection refused; is it running?)\n")
                #expect(response.closed)
            }
        }
    }

    @Test func aBackendThatDeclinesTheUpgradeHasItsAnswerPassedOn() async throws {
        try await withBackend { backend in
            try await TestServer.withSite(proxied(backend)) { server, _ in
                #expect(try await client("ws://127.0.0.1:\(server.port)/api/private") == ["rejected 403 private"])
                let raw = try await server.raw(handshake("/api/private", host: "127.0.0.1:\(server.port)"))
                #expect(raw.status == 403)
                #expect(raw.header("Connection") == "close")
                #expect(raw.header("X-Content-Type-Options") == "nosniff")
                #expect(raw.body == "private\n")
                #expect(raw.closed)
            }
        }
    }

    @Test func plainRequestsOnTheRouteStillGoThroughTheHTTPProxy() async throws {
        try await withBackend { backend in
            try await TestServer.withSite(proxied(backend)) { server, _ in
                let response = try await server.rawGet("/api/plain")
                #expect(response.status == 200, "\(response.text)")
                #expect(response.body == "plain ok\n")
                #expect(try await backend.next("the connection") == "tcp 1")
                #expect(try await backend.next("the plain request") == "http /api/plain")
                // And an upgrade outside the routes is a plain request for devserve's files.
                let page = try await server.raw(handshake("/index.html", host: "127.0.0.1:\(server.port)"))
                #expect(page.status == 200)
            }
        }
    }

    /// Hummingbird's idle timeout and ``ConnectionRules``' deadlines are `--request-timeout`:
    /// a tunnel that stays quiet for longer than two of them is still up.
    @Test func aQuietTunnelOutlivesTheRequestTimeout() async throws {
        try await withBackend { backend in
            let configure = proxied(backend)
            let quick: (inout DevServeConfiguration) -> Void = { configuration in
                configure(&configuration)
                configuration.requestTimeout = .seconds(3)
            }
            try await TestServer.withSite(quick) { server, _ in
                let lines = try await client("ws://127.0.0.1:\(server.port)/api/ws", "recv", "sleep:7", "text:still here", "recv")
                #expect(lines == ["text welcome", "text still here", "closed 1000"])
            }
        }
    }

    @Test func stoppingDevserveEndsItsTunnels() async throws {
        try await withBackend { backend in
            let site = try FixtureCopy("site")
            defer { site.remove() }
            var configuration = DevServeConfiguration(root: site.path, projectFolder: site.path)
            proxied(backend)(&configuration)
            let server = try await TestServer.start(configuration)
            let url = "ws://127.0.0.1:\(server.port)/api/ws"
            let waiting = Task { try await client(url, "recv", "text:say:up", "wait-close") }
            do {
                _ = try await backend.next("the connection")
                _ = try await backend.next("the handshake")
                // The client got the backend's first message and its own came through: the
                // tunnel is up both ways.
                #expect(try await backend.next("the client's message") == "said up")
            } catch {
                waiting.cancel()
                await server.stop()
                throw error
            }
            // A graceful stop, which would wait for good on a tunnel that stayed open.
            await server.stop()
            #expect(try await waiting.value == ["text welcome", "closed 1006"])
            #expect(try await backend.next("the end of the connection") == "closed 1006")
        }
    }

    // MARK: The pure pieces

    private static let route = try! ProxyRoute(parsing: "/api=http://127.0.0.1:3000/v1")

    private static func head(_ headers: [(String, String)], uri: String = "/api/ws?x=1", method: HTTPMethod = .GET) -> HTTPRequestHead {
        HTTPRequestHead(version: .http1_1, method: method, uri: uri, headers: HTTPHeaders(headers))
    }

    private static let upgrade: [(String, String)] = [("Host", "localhost:8080"), ("Upgrade", "websocket"), ("Connection", "Upgrade")]

    @Test func aHandshakeIsAGetWithUpgradeWebsocketOnAProxiedPath() {
        #expect(WebSocketHandshake(Self.head(Self.upgrade), routes: [Self.route], secure: false) != nil)
        // Firefox's spelling.
        let firefox = [("Host", "localhost:8080"), ("Upgrade", "WebSocket"), ("Connection", "keep-alive, Upgrade")]
        #expect(WebSocketHandshake(Self.head(firefox), routes: [Self.route], secure: false) != nil)
        #expect(WebSocketHandshake(Self.head(Self.upgrade, uri: "/other"), routes: [Self.route], secure: false) == nil)
        #expect(WebSocketHandshake(Self.head(Self.upgrade, method: .POST), routes: [Self.route], secure: false) == nil)
        let keepAlive: [(String, String)] = [("Host", "localhost:8080"), ("Upgrade", "websocket"), ("Connection", "keep-alive")]
        #expect(WebSocketHandshake(Self.head(keepAlive), routes: [Self.route], secure: false) == nil)
        let h2c: [(String, String)] = [("Host", "localhost:8080"), ("Upgrade", "h2c"), ("Connection", "Upgrade")]
        #expect(WebSocketHandshake(Self.head(h2c), routes: [Self.route], secure: false) == nil)
        let withBody: [(String, String)] = Self.upgrade + [("Content-Length", "5")]
        #expect(WebSocketHandshake(Self.head(withBody), routes: [Self.route], secure: false) == nil)
        var http10 = Self.head(Self.upgrade)
        http10.version = .http1_0
        #expect(WebSocketHandshake(http10, routes: [Self.route], secure: false) == nil)
    }

    @Test func theBackendGetsTheHandshakeWithItsOwnHostAndTheForwardedHeaders() throws {
        let headers: [(String, String)] = [
            ("Host", "localhost:8080"), ("Upgrade", "websocket"), ("Connection", "keep-alive, Upgrade"), ("Keep-Alive", "timeout=5"), ("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ=="),
            ("Sec-WebSocket-Version", "13"), ("Sec-WebSocket-Protocol", "chat"), ("Sec-WebSocket-Extensions", "permessage-deflate"),
            ("Origin", "http://localhost:8080"), ("Cookie", "session=1"), ("X-Forwarded-For", "10.0.0.1"), ("X-Forwarded-Host", "forged"),
        ]
        let handshake = try #require(WebSocketHandshake(Self.head(headers), routes: [Self.route], secure: false))
        let request = handshake.backendRequest(clientAddress: "127.0.0.1")
        #expect(request.method == .GET)
        #expect(request.version == .http1_1)
        #expect(request.uri == "/v1/api/ws?x=1")
        #expect(request.headers["Host"] == ["127.0.0.1:3000"])
        #expect(request.headers["Connection"] == ["Upgrade"])
        #expect(request.headers["Upgrade"] == ["websocket"])
        #expect(request.headers["Keep-Alive"].isEmpty)
        for name in ["Sec-WebSocket-Key", "Sec-WebSocket-Version", "Sec-WebSocket-Protocol", "Sec-WebSocket-Extensions", "Origin", "Cookie"] {
            #expect(request.headers[name] == headers.filter { $0.0 == name }.map { $0.1 }, "\(name)")
        }
        #expect(request.headers["X-Forwarded-For"] == ["10.0.0.1, 127.0.0.1"])
        #expect(request.headers["X-Forwarded-Host"] == ["localhost:8080"])
        #expect(request.headers["X-Forwarded-Proto"] == ["http"])

        let overTLS = try #require(WebSocketHandshake(Self.head(Self.upgrade), routes: [Self.route], secure: true))
        #expect(overTLS.backendRequest(clientAddress: nil).headers["X-Forwarded-Proto"] == ["https"])
    }

    @Test func aBackendsHostIsAsItsHTTPClientSendsIt() throws {
        let named = try ProxyRoute(parsing: "/api=http://backend.test")
        #expect(named.backendAuthority == "backend.test")
        #expect(named.backendAddress.host == "backend.test")
        #expect(named.backendAddress.port == 80)
        let v6 = try ProxyRoute(parsing: "/api=http://[::1]:3000")
        #expect(v6.backendAuthority == "[::1]:3000")
        #expect(v6.backendAddress.host == "::1")
        #expect(v6.backendAddress.port == 3000)
        #expect(Self.route.backendPath(for: "/api/ws?x=1") == "/v1/api/ws?x=1")
        #expect(try ProxyRoute(parsing: "/api=http://127.0.0.1:3000").backendPath(for: "/api") == "/api")
    }

    @Test func theClientGetsA101AsItCameAndAnyOtherAnswerAsTheProxyPassesOne() {
        let accept = HTTPHeaders([("Upgrade", "websocket"), ("Connection", "Upgrade"), ("Sec-WebSocket-Accept", "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=")])
        let switched = HTTPResponseHead(version: .http1_1, status: .switchingProtocols, headers: accept)
        #expect(WebSocketHandshake.clientAnswer(to: switched) == switched)

        let declined = HTTPResponseHead(
            version: .http1_1, status: .notFound,
            headers: HTTPHeaders([
                ("Content-Type", "text/plain"), ("Connection", "keep-alive, X-Hop"), ("Keep-Alive", "timeout=5"), ("X-Hop", "1"),
                ("Transfer-Encoding", "chunked"),
            ]))
        let answer = WebSocketHandshake.clientAnswer(to: declined)
        #expect(answer.status == .notFound)
        #expect(answer.headers["Content-Type"] == ["text/plain"])
        #expect(answer.headers["Connection"] == ["close"])
        for name in ["Keep-Alive", "X-Hop", "Transfer-Encoding"] { #expect(answer.headers[name].isEmpty, "\(name)") }
        #expect(answer.headers["X-Content-Type-Options"] == ["nosniff"])
        #expect(answer.headers["Cross-Origin-Resource-Policy"] == ["same-origin"])
    }

    @Test func devservesOwnAnswersAreOneLineAndEndTheConnection() {
        let (head, body) = WebSocketHandshake.refusal(.badGateway, "cannot reach the backend")
        #expect(head.status == .badGateway)
        #expect(String(buffer: body) == "devserve: cannot reach the backend\n")
        #expect(head.headers["Content-Length"] == ["\(body.readableBytes)"])
        #expect(head.headers["Connection"] == ["close"])
        #expect(head.headers["Content-Type"] == ["text/plain; charset=utf-8"])
    }

    @Test func theUsersHeadersAreOnDevservesOwnAnswersAndOnADeclinedUpgrade() throws {
        let isolation = [try ResponseHeader(parsing: "Cross-Origin-Opener-Policy: same-origin")]
        let refused = WebSocketHandshake.refusal(.forbidden, "no", extraHeaders: isolation).head
        #expect(refused.headers["Cross-Origin-Opener-Policy"] == ["same-origin"])
        let declined = WebSocketHandshake.clientAnswer(
            to: HTTPResponseHead(version: .http1_1, status: .forbidden), extraHeaders: isolation)
        #expect(declined.headers["Cross-Origin-Opener-Policy"] == ["same-origin"])
    }

    @Test func pagesFromThisServerAndAllowedHostsMayOpenAWebSocketOthersMayNot() throws {
        let policy = WebSocketOriginPolicy(hosts: HostPolicy(boundHost: "127.0.0.1", allowedHosts: ["dev.example.test"]))
        func refusal(_ origin: String?, host: String = "127.0.0.1:8080", secure: Bool = false) throws -> String? {
            var headers: [(String, String)] = [("Host", host), ("Upgrade", "websocket"), ("Connection", "Upgrade")]
            if let origin { headers.append(("Origin", origin)) }
            let handshake = try #require(WebSocketHandshake(Self.head(headers), routes: [Self.route], secure: secure))
            return policy.refusal(for: handshake.request)
        }
        #expect(try refusal(nil) == nil, "not a browser")
        #expect(try refusal("http://127.0.0.1:8080") == nil)
        #expect(try refusal("HTTP://127.0.0.1:8080") == nil)
        #expect(try refusal("https://127.0.0.1:8443", host: "127.0.0.1:8443", secure: true) == nil)
        #expect(try refusal("http://localhost:5173") == nil, "another dev server")
        #expect(try refusal("http://[::1]:5173") == nil)
        #expect(try refusal("https://dev.example.test") == nil, "an --allowed-host")
        #expect(try refusal("https://evil.example") != nil)
        #expect(try refusal("http://localhost.evil.example") != nil)
        #expect(try refusal("http://localhost:5173/path") != nil, "not an origin")
        #expect(try refusal("null") != nil, "an opaque origin")
        #expect(try refusal("file://") != nil)
        #expect(try refusal("chrome-extension://abc") != nil)
        #expect(try refusal("http://localhost:5173, https://evil.example") != nil, "two Origin headers")
    }

    @Test func theLongestPrefixWinsAndHMRIsNeverProxied() throws {
        let api = try ProxyRoute(parsing: "/api=http://127.0.0.1:3000")
        let v2 = try ProxyRoute(parsing: "/api/v2=http://127.0.0.1:4000")
        #expect([api, v2].route(for: "/api/v2/ws") == v2)
        #expect([v2, api].route(for: "/api/v2") == v2)
        #expect([api, v2].route(for: "/api/v1/ws") == api)
        #expect([api, v2].route(for: "/apiv2") == nil)
        var hmr = api
        hmr.prefix = "/__hmr"
        #expect([hmr].route(for: "/__hmr") == nil)
        #expect([hmr].route(for: "/__hmr/status") == nil)
    }

    // MARK: Helpers

    /// The echo backend's output (`Fixtures/websocket/echo_backend.py`), one line per event.
    struct Backend {
        let port: Int
        let lines: LineReader

        /// The backend's next line, waited for (bounded); `what` is what it should report.
        func next(_ what: String) async throws -> String {
            let lines = self.lines
            guard let line = try await withTimeout(.seconds(30), "the backend never reported \(what)", { try await lines.next() }) else {
                throw TestFailure("the backend exited before reporting \(what)")
            }
            return line
        }
    }

    private func proxied(_ backend: Backend) -> (inout DevServeConfiguration) -> Void {
        { $0.proxies = [try! ProxyRoute(parsing: "/api=http://127.0.0.1:\(backend.port)")] }
    }

    /// A WebSocket handshake as a browser sends it, as raw text.
    private func handshake(_ target: String, host: String, headers: [String] = []) -> String {
        let lines = [
            "GET \(target) HTTP/1.1", "Host: \(host)", "Upgrade: websocket", "Connection: Upgrade",
            "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==", "Sec-WebSocket-Version: 13",
        ]
        return (lines + headers).joined(separator: "\r\n") + "\r\n\r\n"
    }

    /// Runs `body` with the echo backend listening, then stops it.
    private func withBackend(_ body: @escaping (Backend) async throws -> Void) async throws {
        let python = try await Self.python()
        let script = repositoryRoot.appendingPathComponent("Fixtures/websocket/echo_backend.py").path
        _ = try await Subprocess.run(
            python, arguments: [script], input: .none, output: .sequence, error: .string(limit: 1 << 16)
        ) { execution in
            let lines = LineReader(execution.standardOutput.strings())
            let first = try await withTimeout(.seconds(30), "the WebSocket backend never said it was listening") {
                try await lines.next()
            }
            guard let first, first.hasPrefix("listening "), let port = Int(first.dropFirst("listening ".count)) else {
                throw TestFailure("the WebSocket backend did not start: \(first ?? "(no output)")")
            }
            do {
                try await body(Backend(port: port, lines: lines))
            } catch {
                try? execution.send(signal: .kill)
                throw error
            }
            try execution.send(signal: .terminate)
            try await withTimeout(.seconds(10), "the WebSocket backend did not exit") {
                while try await lines.next() != nil {}
            }
        }
    }

    /// Runs the WebSocket client (`Fixtures/websocket/client.py`) to its end; what it printed.
    private func client(_ url: String, origin: String? = nil, _ steps: String...) async throws -> [String] {
        let python = try await Self.python()
        let script = repositoryRoot.appendingPathComponent("Fixtures/websocket/client.py").path
        let arguments = [script, url] + (origin.map { ["--origin", $0] } ?? []) + steps
        let (status, output, errors) = try await withTimeout(.seconds(90), "the WebSocket client (\(steps)) never finished") {
            let result = try await Subprocess.run(
                python, arguments: .init(arguments), output: .string(limit: 1 << 16), error: .string(limit: 1 << 16))
            return (result.terminationStatus, result.standardOutput, result.standardError)
        }
        #expect(status == .exited(0), "the client failed: \(errors)")
        return output.split(separator: "\n").map(String.init)
    }

    /// The first Python with the websockets module, 13 or later (pip's, or Debian's): scripts/install-deps installs it.
    private static func python() async throws -> Executable {
        for candidate in ["python3", "/usr/bin/python3"] {
            let executable: Executable = candidate.hasPrefix("/") ? .path(.init(candidate)) : .name(candidate)
            do {
                let probe = try await Subprocess.run(
                    executable, arguments: ["-c", "import websockets.asyncio.client"], output: .discarded, error: .discarded)
                if probe.terminationStatus == .exited(0) { return executable }
            } catch {
                continue  // no such program
            }
        }
        throw TestFailure("no python3 has Python's websockets (13 or later): run scripts/install-deps")
    }
}
