import HTTPTypes
import NIOCore
import NIOHTTP1

/// The backend's side of a WebSocket handshake, last in the pipeline of devserve's connection to
/// the backend: a ``TunnelEnd``, NIO's request encoder and response decoder, then this. It sends
/// the handshake and hands the answer to the ``WebSocketTunnel``.
///
/// On a 101 the connection becomes a tunnel: its ``TunnelEnd`` holds what comes from then on
/// (the end of input too), this handler and the encoder leave, and the decoder leaves last,
/// handing the bytes that came with the 101 (a backend's first message often does) to the
/// ``TunnelEnd``, ahead of what it holds. Only then are the two ends linked, so that no HTTP
/// handler here is ever given raw bytes to read or to write.
final class BackendHandshake: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPClientResponsePart
    typealias OutboundIn = HTTPClientRequestPart
    typealias OutboundOut = HTTPClientRequestPart

    private let tunnel: WebSocketTunnel
    private let end: TunnelEnd
    private let encoder: HTTPRequestEncoder
    private let decoder: ByteToMessageHandler<HTTPResponseDecoder>
    private var context: ChannelHandlerContext?
    /// A 101 whose end has not come yet.
    private var switching: HTTPResponseHead?
    /// The answer has ended (or the protocol switched): the connection may end now.
    private var done = false

    /// - Parameters:
    ///   - end: the first handler of the connection's pipeline.
    ///   - encoder, decoder: the HTTP handlers between it and this one.
    init(tunnel: WebSocketTunnel, end: TunnelEnd, encoder: HTTPRequestEncoder, decoder: ByteToMessageHandler<HTTPResponseDecoder>) {
        self.tunnel = tunnel
        self.end = end
        self.encoder = encoder
        self.decoder = decoder
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
    }

    /// Sends the handshake (through the encoder, and the decoder, which so knows what it answers).
    func send(_ head: HTTPRequestHead) {
        guard let context else { return }
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            // (The decoder drops 1xx answers other than 101.)
            if head.status.code == 101 { switching = head } else { tunnel.backendAnswered(head) }
        case .body(let buffer):
            tunnel.backendAnswerBody(buffer)
        case .end:
            done = true
            if let head = switching {
                switchProtocols(head, context: context)
            } else {
                tunnel.backendAnswerEnded()
                context.close(promise: nil)
            }
        }
    }

    /// The 101's end has come, and the decoder parses no more: the connection becomes a tunnel.
    /// (Not at the 101's head: its end still comes through the decoder.)
    private func switchProtocols(_ head: HTTPResponseHead, context: ChannelHandlerContext) {
        guard let clientEnd = tunnel.backendSwitched(head) else {
            context.close(promise: nil)
            return
        }
        end.hold()
        let backendEnd = end
        let channel = context.channel
        let leftovers = DecoderLeftovers(end: backendEnd)
        let pipeline = context.pipeline.syncOperations
        do {
            try pipeline.addHandler(leftovers, position: .after(decoder))
        } catch {
            context.close(promise: nil)
            return
        }
        pipeline.removeHandler(encoder, promise: nil)
        pipeline.removeHandler(context: context, promise: nil)
        // The decoder leaves on the next turn of the loop, handing on what it kept. (If the
        // connection has closed by then, linking closes the client's end.)
        pipeline.removeHandler(decoder).assumeIsolated().whenComplete { _ in
            channel.pipeline.syncOperations.removeHandler(leftovers, promise: nil)
            backendEnd.link(to: clientEnd)
            clientEnd.link(to: backendEnd)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // An answer the decoder cannot read (a head over the limit, not HTTP), a reset.
        if !done { tunnel.backendFailed(.badGateway, "sent an answer to the WebSocket handshake that cannot be read (\(error))") }
        done = true
        context.close(promise: nil)
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        // The backend has finished sending (the decoder has ended an answer that ends with the
        // connection before passing this on).
        if let event = event as? ChannelEvent, event == .inputClosed {
            ended(context: context)
        }
        context.fireUserInboundEventTriggered(event)
    }

    func channelInactive(context: ChannelHandlerContext) {
        ended(context: context)
        context.fireChannelInactive()
    }

    private func ended(context: ChannelHandlerContext) {
        if !done { tunnel.backendFailed(.badGateway, "closed the connection without answering the WebSocket handshake") }
        done = true
        context.close(promise: nil)
    }
}

/// Takes the bytes NIO's response decoder hands on as it leaves (those that came with the 101)
/// to the backend's ``TunnelEnd``, ahead of what it holds.
private final class DecoderLeftovers: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer

    private let end: TunnelEnd

    init(end: TunnelEnd) {
        self.end = end
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        end.keepAhead(unwrapInboundIn(data))
    }
}
