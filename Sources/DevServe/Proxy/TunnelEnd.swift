import NIOCore

/// One end of a WebSocket tunnel (``WebSocketTunnel``): a byte-level handler that, once linked
/// to the other end, writes what the other end reads, so that the client and the backend talk
/// through devserve as if connected.
///
/// Each end is the first handler of its connection's pipeline (after TLS's, if any), before
/// NIO's HTTP handlers, and passes HTTP through until the tunnel takes the connection over
/// (``hold()``, then ``link(to:)``). It has to sit there, in front of the decoders:
/// - On the client's connection: once it has read the head of an upgrade, NIO's request decoder
///   stops parsing and keeps every byte after it to itself, and drops them when it is removed
///   (`configureHTTPServerPipeline` without an upgrader removes with `.dropBytes`), so what the
///   client sends through the tunnel must be taken before the decoder sees it. (Bytes that came
///   in the very read that carried the head stay in the decoder: a client sends nothing after
///   its handshake before the answer, RFC 6455 4.1, so there are none.)
/// - On the backend's connection the response decoder is removed after the 101, handing on the
///   bytes that came with it (``keepAhead(_:)``). Whatever comes meanwhile, and above all the end
///   of the backend's input, must not reach it: on the end of input it would drop those bytes
///   instead (its leftovers go on only when it is removed without having seen the end).
///
/// Then the usual glue: each end writes the other's reads and flushes when a read burst ends; an
/// end reads only while the other end's channel is writable (backpressure, so a slow reader is
/// not sent more than the socket's buffers hold); a half-close (the peer's end of input) shuts
/// the other's output, and a channel that closes closes the other. While the tunnel is being
/// set up, an end reads nothing more and keeps what it had read for the other.
final class TunnelEnd: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundIn = IOData
    typealias OutboundOut = IOData

    private enum State {
        /// HTTP as usual: every event goes on, untouched.
        case passing
        /// The handshake is under way: what arrives is kept for the backend, nothing more is
        /// read, and whether the client has finished sending is remembered.
        case holding([ByteBuffer], inputClosed: Bool)
        /// The handshake was answered without a tunnel and the connection is ending: what
        /// arrives is dropped (nothing more is answered, and NIO's decoder, which has stopped,
        /// would only pile it up).
        case draining
        /// Linked: what arrives is written to the other end.
        case relaying(TunnelEnd)
        /// The channel has closed.
        case closed
    }

    private var state: State
    private var context: ChannelHandlerContext?
    /// A read was asked for and not done, because the other end could take no more (or the
    /// tunnel is not linked yet).
    private var readPending = false

    /// How many of the kept buffers were put ahead of the others by ``keepAhead(_:)``.
    private var keptAhead = 0

    /// An end that passes HTTP through until ``hold()``.
    init() {
        state = .passing
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    /// The channel has closed (or the end was removed): the ends let go of each other.
    func handlerRemoved(context: ChannelHandlerContext) {
        state = .closed
        self.context = nil
    }

    // MARK: What the tunnel tells an end

    /// The handshake is under way: keep what arrives, read no more.
    func hold() {
        if case .passing = state { state = .holding([], inputClosed: false) }
    }

    /// Keeps `buffer` ahead of what arrived since ``hold()``: bytes that came before those, and
    /// that an HTTP decoder behind this end hands on as it leaves.
    func keepAhead(_ buffer: ByteBuffer) {
        guard case .holding(var kept, let inputClosed) = state else { return }
        kept.insert(buffer, at: keptAhead)
        keptAhead += 1
        state = .holding(kept, inputClosed: inputClosed)
    }

    /// The handshake was answered without a tunnel: drop what arrives, and read again so that
    /// the answer's linger is not spent with a full receive buffer.
    func drain() {
        switch state {
        case .passing, .holding:
            state = .draining
            if readPending {
                readPending = false
                context?.read()
            }
        case .draining, .relaying, .closed:
            break
        }
    }

    /// The tunnel is up (both channels have no HTTP handlers left that could see raw bytes;
    /// each end is linked to the other): what was kept goes to the other end, followed by the
    /// end of input if it came, and reading starts again.
    func link(to partner: TunnelEnd) {
        guard case .holding(let kept, let inputClosed) = state, let context else {
            partner.partnerCloseFull()
            return
        }
        state = .relaying(partner)
        for buffer in kept { partner.partnerWrite(buffer) }
        partner.partnerFlush()
        if inputClosed { partner.partnerWriteEOF() }
        context.flush()
        if context.channel.isWritable { partner.partnerBecameWritable() }
        if readPending, partner.partnerWritable {
            readPending = false
            context.read()
        }
    }

    // MARK: Events

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch state {
        case .passing:
            context.fireChannelRead(data)
        case .holding(var kept, let inputClosed):
            kept.append(unwrapInboundIn(data))
            state = .holding(kept, inputClosed: inputClosed)
        case .relaying(let partner):
            partner.partnerWrite(unwrapInboundIn(data))
        case .draining, .closed:
            break
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        switch state {
        case .passing: context.fireChannelReadComplete()
        case .relaying(let partner): partner.partnerFlush()
        case .holding, .draining, .closed: break
        }
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if case .relaying(let partner) = state, context.channel.isWritable { partner.partnerBecameWritable() }
        context.fireChannelWritabilityChanged()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if case .passing = state {
            context.fireUserInboundEventTriggered(event)
            return
        }
        if event is ChannelShouldQuiesceEvent {
            // devserve is stopping: a tunnel would keep it waiting for good.
            context.close(promise: nil)
            return
        }
        guard let event = event as? ChannelEvent, event == .inputClosed else { return }
        switch state {
        case .holding(let kept, _):
            // The client has sent all it will; the backend is told once the tunnel is up.
            state = .holding(kept, inputClosed: true)
        case .relaying(let partner):
            partner.partnerWriteEOF()
        case .passing, .draining, .closed:
            break
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        if case .relaying(let partner) = state { partner.partnerCloseFull() }
        state = .closed
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if case .passing = state {
            context.fireErrorCaught(error)
        } else {
            // A reset, a TLS failure: the tunnel ends (and the other end with it).
            context.close(promise: nil)
        }
    }

    func read(context: ChannelHandlerContext) {
        switch state {
        case .passing, .draining, .closed:
            context.read()
        case .holding:
            readPending = true
        case .relaying(let partner):
            if partner.partnerWritable {
                context.read()
            } else {
                readPending = true
            }
        }
    }

    // MARK: What the other end does here

    private func partnerWrite(_ buffer: ByteBuffer) {
        context?.write(wrapOutboundOut(.byteBuffer(buffer)), promise: nil)
    }

    private func partnerFlush() {
        context?.flush()
    }

    /// The other end's peer has finished sending: so does this end, once what is queued is sent.
    private func partnerWriteEOF() {
        context?.close(mode: .output, promise: nil)
    }

    private func partnerCloseFull() {
        context?.close(promise: nil)
    }

    /// The other end's channel can take more: read again, if a read was held back (not while
    /// the tunnel is being set up: ``link(to:)`` starts reading then).
    private func partnerBecameWritable() {
        guard case .relaying = state else { return }
        if readPending, let context {
            readPending = false
            context.read()
        }
    }

    /// Whether this end's channel can take more.
    private var partnerWritable: Bool {
        context?.channel.isWritable ?? false
    }
}
