import AsyncHTTPClient
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import NIOHTTP1

/// Forwards requests under a ``ProxyRoute`` prefix to its backend, streaming both ways: the
/// request body as it arrives, and the response body chunk by chunk as the backend sends it
/// (so a backend's own Server-Sent Events pass through unbuffered). Adds `X-Forwarded-For`,
/// `-Host` and `-Proto`, drops hop-by-hop headers, never follows redirects, and answers 502 with
/// a clear page when the backend cannot be reached.
struct ProxyMiddleware<Context: RemoteAddressRequestContext>: RouterMiddleware {
    let routes: [ProxyRoute]
    let client: HTTPClient

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let route = routes.first(where: { $0.matches(request.uri.path) }) else {
            return try await next(request, context)
        }
        let target = route.url(for: request.head.path ?? "/")
        var outbound = HTTPClientRequest(url: target)
        outbound.method = HTTPMethod(rawValue: request.method.rawValue)
        outbound.headers = Self.forwarded(request.headers)
        outbound.headers.add(name: "X-Forwarded-For", value: Self.forwardedFor(request, context))
        if let host = request.head.authority { outbound.headers.replaceOrAdd(name: "X-Forwarded-Host", value: host) }
        outbound.headers.replaceOrAdd(name: "X-Forwarded-Proto", value: request.head.scheme ?? "http")
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
        var headers = HTTPFields()
        let dropped = Self.connectionHeaders(response.headers)
        for header in response.headers where !dropped.contains(header.name.lowercased()) {
            if let name = HTTPField.Name(header.name) { headers.append(HTTPField(name: name, value: header.value)) }
        }
        // Chunk by chunk, written as they come. (On a graceful shutdown the server shuts the
        // client down, which ends streams that would otherwise never end.)
        return Response(
            status: .init(code: Int(response.status.code), reasonPhrase: response.status.reasonPhrase), headers: headers,
            body: ResponseBody(asyncSequence: response.body))
    }

    /// The request's headers minus the hop-by-hop ones (and those its `Connection` names).
    private static func forwarded(_ fields: HTTPFields) -> HTTPHeaders {
        var headers = HTTPHeaders()
        let connection = Set(fields[values: .connection].flatMap { $0.split(separator: ",") }.map {
            $0.trimmingCharacters(in: .whitespaces).lowercased()
        })
        for field in fields {
            let name = field.name.canonicalName
            guard !ProxyHeaders.hopByHop.contains(name), !connection.contains(name), !name.hasPrefix("x-forwarded-") else { continue }
            headers.add(name: field.name.rawName, value: field.value)
        }
        return headers
    }

    private static func connectionHeaders(_ headers: HTTPHeaders) -> Set<String> {
        var names = ProxyHeaders.hopByHop.subtracting(["host"])
        for value in headers["connection"] {
            for name in value.split(separator: ",") { names.insert(name.trimmingCharacters(in: .whitespaces).lowercased()) }
        }
        return names
    }

    /// The client's address, after any `X-Forwarded-For` it came with.
    private static func forwardedFor(_ request: Request, _ context: Context) -> String {
        let address = context.remoteAddress?.ipAddress ?? "unknown"
        guard let earlier = request.headers[.xForwardedFor], !earlier.isEmpty else { return address }
        return earlier + ", " + address
    }

    private static func badGateway(route: ProxyRoute, error: any Error, request: Request) -> Response {
        let text = String(describing: error)
        let reason =
            text.contains("connectTimeout") ? "it did not accept the connection in time"
            : text.contains("refused") || text.contains("connect") ? "connection refused; is it running?"
            : text
        let message = "devserve: cannot reach the backend for \(route.prefix) at \(route.target.absoluteString) (\(reason))"
        guard request.headers[.accept]?.contains("text/html") == true else {
            return .refusal(.badGateway, String(message.dropFirst("devserve: ".count)))
        }
        let page = """
            <!doctype html><meta charset="utf-8"><title>502 Bad Gateway</title>
            <body style="font: 15px/1.6 system-ui, sans-serif; margin: 2em">
            <h1 style="font-size: 1.3em">502 Bad Gateway</h1>
            <p>\(HTMLText.escaped(message))</p>
            <p>Start the backend, then reload this page.</p>
            """
        var headers = HTTPFields()
        headers[.contentType] = "text/html; charset=utf-8"
        headers[.cacheControl] = "no-store"
        return Response(status: .badGateway, headers: headers, body: .init(byteBuffer: ByteBuffer(string: page)))
    }
}

enum ProxyHeaders {
    /// Headers that belong to one connection, never forwarded (RFC 9110, 7.6.1), and `Host`,
    /// which the client sets for the backend.
    static let hopByHop: Set<String> = [
        "connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "proxy-connection", "te", "trailer",
        "transfer-encoding", "upgrade", "host",
    ]
}

extension HTTPField.Name {
    static let xForwardedFor = Self("X-Forwarded-For")!
}
