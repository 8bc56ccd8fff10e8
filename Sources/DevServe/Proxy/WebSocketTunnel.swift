import Foundation
import HTTPTypes
import HummingbirdCore
import Logging
import NIOCore
import NIOHTTP1
import NIOPosix

/// WebSocket upgrades through `--proxy`. A handshake on a proxied path (``WebSocketHandshake``)
/// is taken off the HTTP/1.1 connection, passes the checks every request passes
/// (``RequestScreen``: one allowed `Host`, a clean target) and the ``WebSocketOriginPolicy``,
/// and only then goes to the backend, on a connection of its own. If the backend switches
/// protocols, the client gets its 101 and the two connections become one tunnel of bytes
/// (``TunnelEnd``), half-closes and closes passed on, until either side ends it. Any other answer
/// from the backend is passed on and ends the connection; a refusal, a backend that cannot be
/// reached (502, at once) or that does not answer in time (504) get one line of text.
///
/// It sits after ``ConnectionRules`` (which has refused CONNECT and marked targets that are not
/// origin-form already) and before the conversion to HTTP types, where requests and answers are
/// still NIO's parts. What it answers goes out through ``ConnectionRules`` and NIO's encoder like
/// any answer (`Connection: close` ends the connection); the tunnel's bytes go through the
/// ``TunnelEnd`` in front of the decoder and the encoder.
///
/// The traps:
/// - The handshake must not reach Hummingbird. Its handlers would answer it as a plain request,
///   and `HTTPConnectionStateHandler`, which never sees it, counts the connection idle and would
///   close a tunnel after the idle timeout (`--request-timeout`). The handshake's parts stop
///   here, and the state handler is removed from the connection once the tunnel is being set up
///   (a graceful shutdown, which it would have acted on, closes the ``TunnelEnd``).
/// - ``ConnectionRules``' request deadline ends with the handshake's end, which it passes on;
///   its write deadline would drop a client that stays unwritable for a while, and is HTTP's:
///   ``ConnectionRules`` is removed once the backend has switched protocols.
/// - NIO's request decoder keeps the bytes that follow an upgrade's head (see ``TunnelEnd``).
/// - NIO's response decoder on the backend's connection also stops at the 101 and keeps what
///   came after it (a backend may send its first message with the 101, in one read). It is
///   removed with `.forwardBytes`, which hands those bytes on, and the backend's ``TunnelEnd``,
///   in front of it, holds what comes meanwhile, above all the end of input, on which the
///   decoder would drop them instead (see ``BackendHandshake``).
/// - Requests pipelined before the handshake are answered first: the handshake waits until
///   every earlier answer has been written.
///
/// HTTP/2 has no upgrade: a WebSocket over it needs extended CONNECT (RFC 8441), which devserve
/// does not offer, so a browser opens its WebSockets over HTTP/1.1, and over TLS that is this
/// same pipeline (``DevServeChannel`` with `secure`), so `wss://` goes the same way, with `https`
/// origins.
final class WebSocketTunnel: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart
    typealias OutboundIn = HTTPServerResponsePart
    typealias OutboundOut = HTTPServerResponsePart

    /// What the tunnels of one server share.
    struct Configuration: Sendable {
        /// The proxy routes (`--proxy`).
        var routes: [ProxyRoute]
        /// The checks every request passes.
        var screen: RequestScreen
        /// How long a backend has to accept the connection and answer the handshake.
        var handshakeTimeout: Duration
        /// The user's `--header`s, on devserve's own answers and on a backend's refusal.
        var extraHeaders: [ResponseHeader] = []
    }

    /// How long a backend has to accept the connection, as for the HTTP proxy's client.
    static let connectTimeout = TimeAmount.seconds(5)
    /// The most a backend's answer head may hold (headers, names and values): a longer one gets 502.
    static let answerHeadLimit = 16 * 1024

    private enum State {
        /// Requests go on to Hummingbird; `inFlight` of them are not answered in full yet.
        case forwarding(inFlight: Int)
        /// A handshake's head has come; its end comes next (it has no body).
        case handshakeRead(WebSocketHandshake, inFlight: Int)
        /// The handshake waits for the answers to the requests before it.
        case waiting(WebSocketHandshake, inFlight: Int)
        /// Connecting to the backend.
        case connecting(WebSocketHandshake)
        /// The backend has the handshake; its answer has not come.
        case handshaking(WebSocketHandshake, backend: any Channel)
        /// The backend declined the upgrade; its answer is being passed on.
        case answering(backend: any Channel)
        /// The tunnel is up, or the handshake was answered, or the connection has closed: the
        /// connection is not HTTP any more, and nothing more is read here.
        case ended
    }

    private let configuration: Configuration
    private let secure: Bool
    private let clientEnd: TunnelEnd
    private let logger: Logger
    private var state = State.forwarding(inFlight: 0)
    private var context: ChannelHandlerContext?
    private var deadline: Scheduled<Void>?

    /// - Parameters:
    ///   - secure: whether the connection is TLS (requests are `https`).
    ///   - clientEnd: the first handler of the connection's pipeline, which carries the tunnel.
    init(configuration: Configuration, secure: Bool, clientEnd: TunnelEnd, logger: Logger) {
        self.configuration = configuration
        self.secure = secure
        self.clientEnd = clientEnd
        self.logger = logger
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        connectionEnded()
        self.context = nil
    }

    func channelInactive(context: ChannelHandlerContext) {
        connectionEnded()
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let part = unwrapInboundIn(data)
        switch (state, part) {
        case (.forwarding(let inFlight), .head(let head)):
            if let handshake = WebSocketHandshake(head, routes: configuration.routes, secure: secure) {
                state = .handshakeRead(handshake, inFlight: inFlight)
            } else {
                state = .forwarding(inFlight: inFlight + 1)
                context.fireChannelRead(data)
            }
        case (.forwarding, _):
            context.fireChannelRead(data)
        case (.handshakeRead(let handshake, let inFlight), .end):
            if inFlight == 0 { start(handshake) } else { state = .waiting(handshake, inFlight: inFlight) }
        default:
            // After a handshake's head NIO's decoder has stopped: nothing more comes.
            break
        }
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        // Only Hummingbird's answers come through here; the tunnel's own start below.
        guard case .end = unwrapOutboundIn(data) else {
            context.write(data, promise: promise)
            return
        }
        switch state {
        case .forwarding(let inFlight):
            state = .forwarding(inFlight: max(inFlight - 1, 0))
        case .handshakeRead(let handshake, let inFlight):
            state = .handshakeRead(handshake, inFlight: max(inFlight - 1, 0))
        case .waiting(let handshake, let inFlight):
            context.write(data, promise: promise)
            if inFlight <= 1 { start(handshake) } else { state = .waiting(handshake, inFlight: inFlight - 1) }
            return
        default:
            break
        }
        context.write(data, promise: promise)
    }

    // MARK: The handshake

    /// Checks the handshake, then connects to the backend.
    private func start(_ handshake: WebSocketHandshake) {
        guard let context else { return }
        if case .failure(let refusal) = configuration.screen.screenWebSocket(handshake.request) {
            answer(WebSocketHandshake.refusal(refusal.status, refusal.message, extraHeaders: configuration.extraHeaders))
            return
        }
        clientEnd.hold()
        let pipeline = context.pipeline.syncOperations
        if let idleTimeout = try? pipeline.handler(type: HTTPConnectionStateHandler.self) {
            pipeline.removeHandler(idleTimeout, promise: nil)
        }
        state = .connecting(handshake)
        let timeout = configuration.handshakeTimeout
        deadline = context.eventLoop.assumeIsolated().scheduleTask(in: .nanoseconds(Int64(timeout / .nanoseconds(1)))) {
            [weak self] in
            self?.deadline = nil
            self?.backendFailed(.gatewayTimeout, "did not answer the WebSocket handshake within \(timeout)")
        }
        // The backend's connection lives on the client's event loop: the two ends of the tunnel
        // call each other directly.
        guard let bootstrap = ClientBootstrap(validatingGroup: context.eventLoop) else {
            backendFailed(.badGateway, "cannot be connected to from this event loop")
            return
        }
        let (host, port) = handshake.route.backendAddress
        bootstrap.connectTimeout(Self.connectTimeout)
            .channelOption(ChannelOptions.allowRemoteHalfClosure, value: true)
            .connect(host: host, port: port)
            .assumeIsolated()
            .whenComplete { [weak self] result in self?.connected(result) }
    }

    private func connected(_ result: Result<any Channel, any Error>) {
        guard case .connecting(let handshake) = state, let context else {
            if case .success(let backend) = result { backend.close(promise: nil) }
            return
        }
        let backend: any Channel
        switch result {
        case .success(let channel):
            backend = channel
        case .failure(let error):
            logger.warning("proxy: \(handshake.route.target.absoluteString) did not take the WebSocket for \(handshake.route.prefix): \(error)")
            fail(.badGateway, handshake.route.unreachable(error))
            return
        }
        state = .handshaking(handshake, backend: backend)
        // Added now rather than in the bootstrap's initializer, which may run for several
        // connections (Happy Eyeballs tries IPv6 and IPv4 at once) of which one is kept; nothing
        // comes from the backend before it has the handshake.
        var limits = NIOHTTPDecoderLimitConfiguration()
        limits.maxHeaderFieldSize = Self.answerHeadLimit
        limits.maxHeaderListSize = Self.answerHeadLimit
        let end = TunnelEnd()
        let encoder = HTTPRequestEncoder()
        let decoder = ByteToMessageHandler(HTTPResponseDecoder(leftOverBytesStrategy: .forwardBytes, limitConfiguration: limits))
        let backendHandshake = BackendHandshake(tunnel: self, end: end, encoder: encoder, decoder: decoder)
        do {
            try backend.pipeline.syncOperations.addHandlers([end, encoder, decoder, backendHandshake])
        } catch {
            backendFailed(.badGateway, "could not be talked to: \(error)")
            return
        }
        backendHandshake.send(handshake.backendRequest(clientAddress: context.channel.remoteAddress?.ipAddress))
    }

    // MARK: What the backend answered (``BackendHandshake`` calls these)

    /// The backend switched protocols: the client gets the 101, the connection stops being HTTP,
    /// and the client's ``TunnelEnd`` is returned, for the backend's to link with; nil when the
    /// client has gone.
    func backendSwitched(_ head: HTTPResponseHead) -> TunnelEnd? {
        guard case .handshaking = state, let context else { return nil }
        cancelDeadline()
        state = .ended
        context.writeAndFlush(wrapOutboundOut(.head(WebSocketHandshake.clientAnswer(to: head, extraHeaders: configuration.extraHeaders))), promise: nil)
        let pipeline = context.pipeline.syncOperations
        if let rules = try? pipeline.handler(type: ConnectionRules.self) {
            pipeline.removeHandler(rules, promise: nil)
        }
        return clientEnd
    }

    /// The backend declined the upgrade: its answer's head goes to the client.
    func backendAnswered(_ head: HTTPResponseHead) {
        guard case .handshaking(_, let backend) = state, let context else { return }
        cancelDeadline()
        state = .answering(backend: backend)
        clientEnd.drain()
        context.write(wrapOutboundOut(.head(WebSocketHandshake.clientAnswer(to: head, extraHeaders: configuration.extraHeaders))), promise: nil)
    }

    /// Part of the body of the backend's answer.
    func backendAnswerBody(_ buffer: ByteBuffer) {
        guard case .answering = state, let context else { return }
        context.writeAndFlush(wrapOutboundOut(.body(.byteBuffer(buffer))), promise: nil)
    }

    /// The end of the backend's answer; ``ConnectionRules`` ends the connection after it.
    func backendAnswerEnded() {
        guard case .answering(let backend) = state, let context else { return }
        state = .ended
        backend.close(promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
    }

    /// The backend's connection failed or ended before its answer did (or the deadline passed):
    /// 502 or 504 when nothing was answered yet, a cut answer otherwise.
    func backendFailed(_ status: HTTPResponse.Status, _ problem: String) {
        switch state {
        case .connecting(let handshake), .handshaking(let handshake, _):
            if case .handshaking(_, let backend) = state { backend.close(promise: nil) }
            let route = handshake.route
            logger.warning("proxy: the WebSocket backend for \(route.prefix) at \(route.target.absoluteString) \(problem)")
            fail(status, "the backend for \(route.prefix) at \(route.target.absoluteString) \(problem)")
        case .answering(let backend):
            backend.close(promise: nil)
            state = .ended
            context?.close(promise: nil)
        case .forwarding, .handshakeRead, .waiting, .ended:
            break
        }
    }

    // MARK: Answers

    private func fail(_ status: HTTPResponse.Status, _ message: String) {
        cancelDeadline()
        answer(WebSocketHandshake.refusal(status, message, extraHeaders: configuration.extraHeaders))
    }

    /// devserve's own answer; the connection ends after it.
    private func answer(_ answer: (head: HTTPResponseHead, body: ByteBuffer)) {
        state = .ended
        clientEnd.drain()
        guard let context else { return }
        context.write(wrapOutboundOut(.head(answer.head)), promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(answer.body))), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
    }

    /// The client's connection has closed: a backend connection being set up for it goes too.
    private func connectionEnded() {
        cancelDeadline()
        switch state {
        case .handshaking(_, let backend), .answering(let backend):
            backend.close(promise: nil)
        default:
            break
        }
        state = .ended
    }

    private func cancelDeadline() {
        deadline?.cancel()
        deadline = nil
    }
}
