import HTTPTypes
import Hummingbird
import ServiceLifecycle

/// The routes under `/__hmr`: the event stream, the status and the client script.
struct HMRRoutes<Context: RequestContext> {
    let hub: EventHub

    func register(on router: Router<Context>) {
        router.get("/__hmr") { request, _ in self.eventStream(request) }
        router.get("/__hmr/status") { _, _ in
            Self.json(JSON.encode(StatusPayload(status: self.hub.status, clients: self.hub.clientCount)))
        }
        router.get("/__hmr/client.js") { _, _ in
            var headers = HTTPFields()
            headers[.contentType] = "text/javascript; charset=utf-8"
            headers[.cacheControl] = "no-cache"
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: ClientScript.source)))
        }
    }

    /// `GET /__hmr`: Server-Sent Events. Starts with `retry:` and `hello` (or the events missed
    /// since `Last-Event-ID`), then every published event and a heartbeat, flushed one by one.
    ///
    /// The stream ends when the client goes away (noticed at once through the closed inbound
    /// side) or when the server shuts down gracefully (with a final `shutdown` event).
    private func eventStream(_ request: Request) -> Response {
        let lastEventID = request.headers[.lastEventID] ?? request.uri.queryParameters["lastEventId"].map(String.init)
        guard let (first, rest, token) = hub.connect(lastEventID: lastEventID) else {
            return .refusal(
                .serviceUnavailable,
                "too many event streams (\(hub.maxClients)); close some tabs or raise --max-clients")
        }
        var headers = HTTPFields()
        headers[.contentType] = "text/event-stream; charset=utf-8"
        headers[.cacheControl] = "no-cache, no-transform"
        headers[.xAccelBuffering] = "no"
        let hub = self.hub
        return Response(
            status: .ok, headers: headers,
            body: ResponseBody { writer in
                do {
                    try await request.body.consumeWithCancellationOnInboundClose { _ in
                        try await withGracefulShutdownHandler {
                            try await writer.write(first)
                            for await message in rest {
                                try await writer.write(message)
                            }
                        } onGracefulShutdown: {
                            hub.disconnect(token)
                        }
                    }
                } catch is CancellationError {
                    // The client went away.
                }
                hub.disconnect(token)
                try await writer.finish(nil)
            })
    }

    static func json(_ text: String) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "application/json; charset=utf-8"
        headers[.cacheControl] = "no-store"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}

extension HTTPField.Name {
    static let lastEventID = Self("Last-Event-ID")!
    static let xAccelBuffering = Self("X-Accel-Buffering")!
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
