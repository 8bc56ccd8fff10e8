import AsyncHTTPClient
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import NIOHTTP1

/// Forwards requests under a ``ProxyRoute`` prefix to its backend, streaming both ways: the
/// request body as it arrives, and the response body chunk by chunk as the backend sends it
/// (so a backend's own Server-Sent Events pass through unbuffered). Adds `X-Forwarded-For`,
/// `-Host` and `-Proto`, drops hop-by-hop headers (both by ``ProxyHeaders``), never follows
/// redirects, and answers 502 with a clear page when the backend cannot be reached. A request goes
/// by the longest prefix that matches it.
///
/// WebSocket upgrades never get here: ``WebSocketTunnel`` takes them in the connection's
/// pipeline, by the same routes and headers.
struct ProxyMiddleware<Context: RemoteAddressRequestContext>: RouterMiddleware {
    let routes: [ProxyRoute]
    let client: HTTPClient

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let route = routes.route(for: request.uri.path) else {
            return try await next(request, context)
        }
        let target = route.url(for: request.head.path ?? "/")
        var outbound = HTTPClientRequest(url: target)
        outbound.method = HTTPMethod(rawValue: request.method.rawValue)
        outbound.headers = ProxyHeaders.forwarded(request.head, clientAddress: context.remoteAddress?.ipAddress)
        if request.headers[.contentLength] != nil || request.headers[.transferEncoding] != nil {
            let length = request.headers[.contentLength].flatMap { Int($0) }
            outbound.body = .stream(request.body, length: length.map { .known(Int64($0)) } ?? .unknown)
        }
        let response: HTTPClientResponse
        do {
            response = try await client.execute(outbound, deadline: .distantFuture, logger: context.logger)
        } catch {
            context.logger.warning("proxy: \(route.target.absoluteString) did not answer \(request.uri.path): \(error)")
            return Self.badGateway(route: route, error: error, request: request)
        }
        let headers = ProxyHeaders.answer(response.headers)
        // Chunk by chunk, written as they come. (On a graceful shutdown the server shuts the
        // client down, which ends streams that would otherwise never end.)
        return Response(
            status: .init(code: Int(response.status.code), reasonPhrase: response.status.reasonPhrase), headers: headers,
            body: ResponseBody(asyncSequence: response.body))
    }

    private static func badGateway(route: ProxyRoute, error: any Error, request: Request) -> Response {
        let problem = route.unreachable(error)
        guard request.headers[.accept]?.contains("text/html") == true else {
            return .refusal(.badGateway, problem)
        }
        let page = """
            <!doctype html><meta charset="utf-8"><title>502 Bad Gateway</title>
            <body style="font: 15px/1.6 system-ui, sans-serif; margin: 2em">
            <h1 style="font-size: 1.3em">502 Bad Gateway</h1>
            <p>\(HTMLText.escaped("devserve: " + problem))</p>
            <p>Start the backend, then reload this page.</p>
            """
        var headers = HTTPFields()
        headers[.contentType] = "text/html; charset=utf-8"
        headers[.cacheControl] = "no-store"
        return Response(status: .badGateway, headers: headers, body: .init(byteBuffer: ByteBuffer(string: page)))
    }
}
