import Foundation
import HTTPTypes
import NIOCore
import Hummingbird
import ServiceLifecycle

/// The routes under `/__hmr`: the status, the client script, and the two actions, rebuild and
/// open-in-editor (POST only; ``FetchPolicy`` makes them same-origin). The event stream itself,
/// `GET /__hmr`, is answered below the router, by ``EventStreamHandler``.
struct HMRRoutes<Context: RequestContext> {
    let hub: EventHub
    /// Asks the pipeline for a build.
    let rebuild: @Sendable () -> Void
    /// Nil when no editor is configured.
    let editor: EditorLauncher?
    /// Maps the frames of reported page errors to their sources.
    let frames: FrameMapper
    /// How many error reports are taken.
    let reports: ReportBudget

    func register(on router: Router<Context>) {
        let status = { @Sendable in Self.json(JSON.encode(StatusPayload(status: self.hub.status, clients: self.hub.clientCount))) }
        router.get("/__hmr/status") { _, _ in status() }
        router.head("/__hmr/status") { _, _ in Self.withoutBody(status()) }
        router.get("/__hmr/client.js") { _, _ in Self.script(ClientScript.source) }
        router.head("/__hmr/client.js") { _, _ in Self.withoutBody(Self.script(ClientScript.source)) }
        // The hot runtime modules import (see ``ModuleResponder``).
        router.get("/__hmr/hot.js") { _, _ in Self.script(ClientScript.hotModule) }
        router.head("/__hmr/hot.js") { _, _ in Self.withoutBody(Self.script(ClientScript.hotModule)) }
        // The stream itself is answered below the router (GET only); HEAD gets its headers.
        router.head("/__hmr") { _, _ in
            // No length: the stream has none (a `Content-Length: 0` would say it is empty).
            Response(status: .ok, headers: EventStreamHandler.headers, body: .init(contentLength: nil) { try await $0.finish(nil) })
        }
        router.post("/__hmr/rebuild") { _, _ in
            self.rebuild()
            return Response.message(.accepted, "rebuild requested")
        }
        router.post("/__hmr/open") { request, _ in try await self.open(request) }
        router.post("/__hmr/error") { request, _ in try await self.report(request) }
    }


    /// `POST /__hmr/error` with `{"kind","message","stack":[{"file","line","column"}],"page"}`
    /// (what the client sends for an uncaught error, a rejection, a failed load, or a forwarded
    /// console line): published as a `browser-error` event, printed in the terminal, and answered
    /// with the frames mapped to their sources (`{"stack":[…]}`), for the page's overlay.
    private func report(_ request: Request) async throws -> Response {
        let body: ByteBuffer
        do {
            body = try await request.body.collect(upTo: BrowserError.reportLimit)
        } catch {
            return .refusal(.contentTooLarge, "an error report is at most \(BrowserError.reportLimit / 1024) KiB")
        }
        guard var report = try? JSONDecoder().decode(BrowserError.self, from: Data(body.readableBytesView)),
            BrowserError.kinds.contains(report.kind)
        else {
            return .refusal(
                .badRequest,
                #"the body must be JSON such as {"kind": "error", "message": "…", "stack": [{"file": "/app.js", "line": 2, "column": 9}], "page": "/"}"#)
        }
        guard reports.take() else {
            return .refusal(.tooManyRequests, "too many error reports (at most \(reports.limit) in \(reports.window)); this one is dropped")
        }
        report.message = String(report.message.prefix(2000))
        report.page = String(report.page.prefix(2000))
        report.stack = frames.map(Array(report.stack.prefix(30)))
        hub.publish(report)
        return Self.json(JSON.encode(["stack": report.stack]))
    }

    private static func script(_ source: String) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "text/javascript; charset=utf-8"
        headers[.cacheControl] = "no-cache"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: source)))
    }

    /// GET's answer as HEAD's: the same headers, `Content-Length` included, and no body (NIO
    /// refuses to write a body in answer to HEAD).
    static func withoutBody(_ response: Response) -> Response {
        var headers = response.headers
        if let length = response.body.contentLength { headers[.contentLength] = String(length) }
        return Response(status: response.status, headers: headers, body: .init())
    }

    /// `POST /__hmr/open` with `{"file": "src/app.js", "line": 2, "column": 3}`: opens the file
    /// in the editor. 202 once the editor started; otherwise one line saying why not.
    private func open(_ request: Request) async throws -> Response {
        guard let editor else {
            return .refusal(
                .notImplemented,
                "no editor is set; start devserve with --editor \"code --goto {file}:{line}:{column}\", or set $VISUAL or $EDITOR")
        }
        let body = try await request.body.collect(upTo: 64 * 1024)
        guard let location = try? JSONDecoder().decode(EditorLocation.self, from: Data(body.readableBytesView)) else {
            return .refusal(.badRequest, #"the body must be JSON such as {"file": "src/app.js", "line": 2, "column": 3}"#)
        }
        do {
            try await editor.open(file: location.file, line: location.line ?? 1, column: location.column ?? 1)
        } catch {
            return .refusal(HTTPResponse.Status(code: error.status), error.message)
        }
        return .message(.accepted, "opening \(location.file):\(location.line ?? 1):\(location.column ?? 1)")
    }

    static func json(_ text: String) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "application/json; charset=utf-8"
        headers[.cacheControl] = "no-store"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}

/// `GET /__hmr/status`: the build status plus how many event streams are open (all the tabs of
/// one browser share one, so this counts browsers and editors rather than tabs).
struct StatusPayload: Encodable {
    var status: BuildStatus
    var clients: Int

    private enum CodingKeys: String, CodingKey { case clients }

    func encode(to encoder: any Encoder) throws {
        try status.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(clients, forKey: .clients)
    }
}

/// The body of `POST /__hmr/open`.
struct EditorLocation: Decodable {
    var file: String
    var line: Int?
    var column: Int?
}
