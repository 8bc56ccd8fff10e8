import HTTPTypes
import HummingbirdCore
import NIOCore
import NIOHTTPTypes

/// Answers `GET /__hmr`, the event stream, on the connection itself: Server-Sent Events that
/// start with `hello` and `retry:` (or the events missed since `Last-Event-ID`), then every
/// published event and a heartbeat, until the client goes away or the server stops (with a final
/// `shutdown` event). Every other request goes on to the router.
///
/// The stream lives in the channel pipeline rather than in a router handler because an open
/// stream then costs no suspended task: a handler would keep the connection's task suspended deep
/// in the middleware chain for as long as the page stays open, and a task keeps its deepest stack
/// for life, which was three quarters of the memory of an idle client (see BENCHMARKS.md).
///
/// It sits after Hummingbird's `HTTPConnectionStateHandler`, which so counts the stream as a
/// request in progress: the idle timeout spares it, and a graceful shutdown waits for it to end.
/// The request passes the same ``RequestScreen`` as every other; one it refuses goes on to the
/// router, whose ``SecurityMiddleware`` answers the refusal.
final class EventStreamHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    private enum State {
        /// Requests go on to the router; `inFlight` of them are not answered in full yet.
        case forwarding(inFlight: Int)
        /// An event-stream request waits for the answers to the requests sent before it.
        case waiting(HTTPRequest, inFlight: Int)
        /// The stream is open, known to the hub as `token`. Whatever the client sends now is
        /// dropped: nothing after an event stream is ever answered.
        case streaming(token: Int)
        /// The stream has ended (or was refused with 503), or the connection has closed.
        case ended
    }

    private let hub: EventHub
    private let screen: RequestScreen
    /// The user's `--header`s, on the stream's answers too.
    private let extraHeaders: [ResponseHeader]
    /// Whether this handler serves one HTTP/2 stream (``DevServeTLSChannel``). There, the end
    /// of the client's side is every request's `END_STREAM`, not a client going away: the
    /// stream must stay open. (A client that leaves resets the stream, which closes it.)
    var servesHTTP2Stream = false
    private var state = State.forwarding(inFlight: 0)
    private var context: ChannelHandlerContext?

    init(hub: EventHub, screen: RequestScreen, extraHeaders: [ResponseHeader] = []) {
        self.hub = hub
        self.screen = screen
        self.extraHeaders = extraHeaders
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    /// The connection has closed (NIO removes every handler then), however it ended: the hub
    /// forgets the stream. (`channelInactive` would not do: Hummingbird's connection state
    /// handler, before this one, does not pass it on.)
    func handlerRemoved(context: ChannelHandlerContext) {
        end()
        self.context = nil
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let part = unwrapInboundIn(data)
        switch state {
        case .forwarding(let inFlight):
            guard case .head(let head) = part else {
                context.fireChannelRead(data)
                return
            }
            if isEventStream(head) {
                if inFlight == 0 { start(head, context: context) } else { state = .waiting(head, inFlight: inFlight) }
            } else {
                state = .forwarding(inFlight: inFlight + 1)
                context.fireChannelRead(data)
            }
        case .waiting, .streaming, .ended:
            break
        }
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        // Only the router's answers come through here; the stream's own writes start below.
        let isEnd = if case .end = unwrapOutboundIn(data) { true } else { false }
        switch state {
        case .forwarding(let inFlight) where isEnd:
            // (Hummingbird's 400 for a request it could not parse was never counted.)
            state = .forwarding(inFlight: max(inFlight - 1, 0))
        case .waiting(let head, let inFlight) where isEnd:
            context.write(data, promise: promise)
            if inFlight == 1 { start(head, context: context) } else { state = .waiting(head, inFlight: inFlight - 1) }
            return
        case .streaming, .ended:
            // The router answers a request sent after the stream's (a malformed one): never
            // written into the stream.
            promise?.fail(ChannelError.ioOnClosedChannel)
            return
        default:
            break
        }
        context.write(data, promise: promise)
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        // The client shut its sending side: it is gone.
        if !servesHTTP2Stream, case .streaming = state, let event = event as? ChannelEvent, event == .inputClosed {
            end()
            context.close(promise: nil)
        }
        context.fireUserInboundEventTriggered(event)
    }

    // MARK: The stream

    /// Whether `head` asks for the event stream and passes the screen.
    private func isEventStream(_ head: HTTPRequest) -> Bool {
        guard head.method == .get, let path = head.path, path.hasPrefix("/__hmr") || path.contains("%") else { return false }
        guard case .success(let target) = screen.screen(head) else { return false }
        return target.path == "/__hmr"
    }

    private func start(_ head: HTTPRequest, context: ChannelHandlerContext) {
        let lastEventID = head.headerFields[.lastEventID] ?? URI(head.path ?? "").queryParameters["lastEventId"].map(String.init)
        let client = Client(handler: NIOLoopBound(self, eventLoop: context.eventLoop))
        guard let token = hub.connect(client, lastEventID: lastEventID) else {
            let body = ByteBuffer.plainMessage(
                "too many event streams (\(hub.maxClients)); close some tabs or raise --max-clients")
            var headers = HTTPFields.plainMessage
            headers[.contentLength] = String(body.readableBytes)
            headers[.connection] = "close"
            headers.set(extraHeaders)
            state = .ended
            context.write(wrapOutboundOut(.head(HTTPResponse(status: .serviceUnavailable, headerFields: headers))), promise: nil)
            context.write(wrapOutboundOut(.body(body)), promise: nil)
            let channel = context.channel
            context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in channel.close(promise: nil) }
            return
        }
        state = .streaming(token: token)
        // Before the hub's first message, which it queued on this loop.
        var headers = Self.headers
        headers.set(extraHeaders)
        context.writeAndFlush(wrapOutboundOut(.head(HTTPResponse(status: .ok, headerFields: headers))), promise: nil)
    }

    /// The stream is over: the hub forgets it.
    private func end() {
        if case .streaming(let token) = state { hub.remove(token) }
        state = .ended
    }

    /// The stream's response headers (also HEAD's answer).
    static let headers: HTTPFields = {
        var headers = HTTPFields()
        headers[.contentType] = "text/event-stream; charset=utf-8"
        headers[.cacheControl] = "no-cache, no-transform"
        headers[.xAccelBuffering] = "no"
        headers.addSecurityHeaders()
        return headers
    }()

    /// The stream as the hub sees it; every call comes on the connection's loop.
    private struct Client: EventStreamClient {
        let handler: NIOLoopBound<EventStreamHandler>

        var eventLoop: any EventLoop { handler.eventLoop }

        func send(_ message: ByteBuffer) -> Bool {
            let handler = self.handler.value
            guard case .streaming = handler.state, let context = handler.context else { return true }
            // Not writable: more than the channel's high-water mark (64 KiB) is waiting to be sent.
            guard context.channel.isWritable else { return false }
            context.writeAndFlush(handler.wrapOutboundOut(.body(message)), promise: nil)
            return true
        }

        func finish() {
            let handler = self.handler.value
            guard case .streaming = handler.state, let context = handler.context else { return }
            handler.state = .ended
            let channel = context.channel
            context.writeAndFlush(handler.wrapOutboundOut(.end(nil))).whenComplete { _ in channel.close(promise: nil) }
        }

        func close() {
            handler.value.context?.close(promise: nil)
        }
    }
}

extension HTTPField.Name {
    static let lastEventID = Self("Last-Event-ID")!
    static let xAccelBuffering = Self("X-Accel-Buffering")!
}
