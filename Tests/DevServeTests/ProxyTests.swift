import AsyncHTTPClient
@testable import DevServe
import Foundation
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle
import Testing

/// `--proxy`: requests under a prefix go to a small real backend started by the test.
@Suite(.timeLimit(.minutes(2))) struct ProxyTests {
    /// What the backend's event stream sends next, one message per `send`.
    final class Feed: Sendable {
        let stream: AsyncStream<String>
        let continuation: AsyncStream<String>.Continuation
        init() { (stream, continuation) = AsyncStream.makeStream() }
        func send(_ text: String) { continuation.yield(text) }
    }

    /// A Hummingbird backend on a free port: `/api/echo` answers what it got, `/api/upload`
    /// counts the body it streams in, `/api/events` streams what `feed` is given, `/api/moved`
    /// redirects.
    private func withBackend(_ feed: Feed, _ body: (Int) async throws -> Void) async throws {
        let router = Router()
        router.get("/api/echo") { request, _ in
            let headers = request.headers.map { "\($0.name.canonicalName): \($0.value)" }.sorted().joined(separator: "\n")
            return "\(request.method) \(request.uri.path) \(request.uri.query ?? "")\nauthority: \(request.head.authority ?? "")\n\(headers)"
        }
        router.post("/v1/api/upload") { request, _ in
            var count = 0
            for try await buffer in request.body { count += buffer.readableBytes }
            return "received \(count)"
        }
        router.get("/api/moved") { _, _ in Response.redirect(to: "/api/echo", type: .found) }
        router.get("/api/events") { _, _ in
            var headers = HTTPFields()
            headers[.contentType] = "text/event-stream"
            return Response(status: .ok, headers: headers, body: ResponseBody { writer in
                for await text in feed.stream {
                    try await writer.write(ByteBuffer(string: "data: \(text)\n\n"))
                }
                try await writer.finish(nil)
            })
        }
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let app = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { continuation.yield($0.localAddress?.port ?? 0) }, logger: Logger(label: "backend"))
        let group = ServiceGroup(services: [app], logger: Logger(label: "backend"))
        let task = Task { try await group.run() }
        defer { feed.continuation.finish() }
        let port = try await withTimeout(.seconds(10), "the backend to listen") {
            var iterator = ports.makeAsyncIterator()
            return await iterator.next() ?? 0
        }
        do {
            try await body(port)
        } catch {
            await group.triggerGracefulShutdown()
            throw error
        }
        feed.continuation.finish()
        await group.triggerGracefulShutdown()
        try await task.value
    }

    private func proxied(_ backend: Int, target: String = "") -> (inout DevServeConfiguration) -> Void {
        { $0.proxies = [try! ProxyRoute(parsing: "/api=http://127.0.0.1:\(backend)\(target)")] }
    }

    @Test func requestsUnderThePrefixReachTheBackendWithForwardedHeaders() async throws {
        try await withBackend(Feed()) { backend in
            try await TestServer.withSite(proxied(backend)) { server, _ in
                let response = try await server.rawGet(
                    "/api/echo?x=1&y=%20", headers: ["Accept: application/json", "Connection: keep-alive, X-Secret-Hop", "X-Secret-Hop: 1"])
                #expect(response.status == 200, "\(response.text)")
                let lines = response.body.split(separator: "\n").map(String.init)
                #expect(lines.first == "GET /api/echo x=1&y=%20")
                #expect(lines.contains("x-forwarded-for: 127.0.0.1"))
                #expect(lines.contains("x-forwarded-host: 127.0.0.1:\(server.port)"))
                #expect(lines.contains("x-forwarded-proto: http"))
                #expect(lines.contains("authority: 127.0.0.1:\(backend)"))
                #expect(lines.contains("accept: application/json"))
                #expect(!lines.contains { $0.hasPrefix("x-secret-hop") }, "headers named by Connection are hop-by-hop")
                // Outside the prefix, devserve serves its files as ever.
                #expect(try await server.rawGet("/style.css").status == 200)
                #expect(try await server.rawGet("/apis").status == 404)
            }
        }
    }

    @Test func aBodyStreamsToTheBackendAndATargetPathGoesInFront() async throws {
        try await withBackend(Feed()) { backend in
            try await TestServer.withSite(proxied(backend, target: "/v1")) { server, _ in
                var request = HTTPClientRequest(url: server.url + "api/upload")
                request.method = .POST
                let chunk = ByteBuffer(repeating: UInt8(ascii: "x"), count: 64 * 1024)
                // 5 MiB, sent in chunks of unknown total length.
                let (chunks, feed) = AsyncStream.makeStream(of: ByteBuffer.self)
                for _ in 0..<80 { feed.yield(chunk) }
                feed.finish()
                request.body = .stream(chunks, length: .unknown)
                let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
                let body = try await response.body.collect(upTo: 1 << 16)
                #expect(response.status == .ok)
                #expect(String(buffer: body) == "received \(80 * 64 * 1024)")
            }
        }
    }

    @Test func aBackendsEventStreamPassesThroughUnbuffered() async throws {
        let feed = Feed()
        try await withBackend(feed) { backend in
            try await TestServer.withSite(proxied(backend)) { server, _ in
                let events = try await SSEClient.connect(server.url + "api/events", lastEventID: nil)
                defer { events.close() }
                // Each message arrives before the next is even sent.
                for number in 1...3 {
                    feed.send("message \(number)")
                    let event = try await events.expect("message", within: .seconds(30))
                    #expect(event.data == "message \(number)")
                }
            }
        }
    }

    @Test func redirectsAreNotFollowed() async throws {
        try await withBackend(Feed()) { backend in
            try await TestServer.withSite(proxied(backend)) { server, _ in
                let response = try await server.rawGet("/api/moved")
                #expect(response.status == 302)
                #expect(response.header("Location") == "/api/echo")
            }
        }
    }

    @Test func aBackendThatIsDownGetsAClear502() async throws {
        try await RawConnection.withRefusingPort { port in
            try await TestServer.withSite(proxied(port)) { server, _ in
                let page = try await server.rawGet("/api/users", headers: ["Accept: text/html"])
                #expect(page.status == 502)
                #expect(page.header("Content-Type") == "text/html; charset=utf-8")
                #expect(page.body.contains("cannot reach the backend for /api at http://127.0.0.1:\(port) (connection refused; is it running?)"))
                let text = try await server.rawGet("/api/users", headers: ["Accept: application/json"])
                #expect(text.status == 502)
                #expect(text.body == "devserve: cannot reach the backend for /api at http://127.0.0.1:\(port) (connection refused; is it running?)\n")
            }
        }
    }

    /// The HTTP client's default retries a refused connection until its connect timeout (5 s
    /// here), so the 502 above came 5 s late; without the retry it comes at once. (A test that
    /// timed the answer would fail on a loaded machine; the setting is what decides it.)
    @Test func aRefusedConnectionIsNotTriedAgain() {
        #expect(DevServer.proxyClientConfiguration.connectionPool.retryConnectionEstablishment == false)
    }

    @Test(arguments: ["/__hmr=http://127.0.0.1:1", "api=http://127.0.0.1:1", "/api=ftp://x", "/api", "/=http://127.0.0.1:1"])
    func badRoutesAreRefused(_ text: String) {
        #expect(throws: DevServeError.self) { try ProxyRoute(parsing: text) }
    }
}
