import NIOCore
import NIOHTTP1

/// The rules of one HTTP/1.1 connection, applied where the request line and the raw header lines
/// are still visible (before Hummingbird turns them into HTTP types) and where every response
/// passes on its way out:
///
/// - **Targets.** A target that is not origin-form (`/…`) is marked with
///   ``RequestTarget/nonOriginFormMark``, so that ``RequestTarget`` refuses it with 400: the
///   conversion to HTTP types drops the scheme and authority of `GET http://evil.com/x`, which
///   would become `/x`.
/// - **CONNECT** gets a complete 400, written as raw bytes, and the connection is closed. (NIO's
///   encoder strips the length and the body of any answer to CONNECT, since a 2xx one starts a
///   tunnel; a client would then wait for a body that never ends.)
/// - **Closing after a final answer.** A request that does not keep the connection (HTTP/1.0
///   without `keep-alive`, `Connection: close` in any case) is marked `Connection: close`,
///   exactly the spelling Hummingbird stops on. An answer that says `Connection: close` (the
///   refusals of ``SecurityMiddleware``, Hummingbird's 400 for a request it cannot parse) ends
///   the connection once written: the sending side is shut at once, and the connection is closed
///   after a short linger, so a client still sending its body reads the answer instead of a
///   reset, and nothing sent after it is read. HTTP/1.0 clients get HTTP/1.0 answers (no chunked
///   bodies, which they cannot read).
/// - **Deadlines.** A request must arrive whole, headers and body, within `requestTimeout` of its
///   head: Hummingbird's idle timeout restarts with every part, so a body trickled one byte at a
///   time would hold the connection for good. And a client that stops reading is dropped once the
///   connection has stayed unwritable (more than NIO's high-water mark, 64 KiB, waiting) for
///   `requestTimeout`; a slow reader that keeps reading is not. A connection that becomes a
///   WebSocket tunnel (``WebSocketTunnel``) is not HTTP any more: the tunnel removes these rules
///   once the backend has switched protocols.
final class ConnectionRules: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart
    typealias OutboundIn = HTTPServerResponsePart
    typealias OutboundOut = HTTPServerResponsePart

    /// How long a closing connection goes on reading (and dropping) before it is closed.
    static let linger = TimeAmount.seconds(2)

    private let requestTimeout: TimeAmount
    private let rawWriter: RawBytesWriter
    /// Per request not answered yet, in order: whether it asked for HTTP/1.0.
    private var unanswered: [Bool] = []
    /// The answer being written ends the connection.
    private var closeAfterAnswer = false
    /// The connection is ending: nothing more is read.
    private var closing = false
    private var requestDeadline: Scheduled<Void>?
    private var writeDeadline: Scheduled<Void>?

    /// - Parameter rawWriter: the first handler of the pipeline, for bytes the encoder must not see.
    init(requestTimeout: Duration, rawWriter: RawBytesWriter) {
        self.requestTimeout = .nanoseconds(Int64(requestTimeout / .nanoseconds(1)))
        self.rawWriter = rawWriter
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        requestDeadline?.cancel()
        writeDeadline?.cancel()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !closing else { return }
        switch unwrapInboundIn(data) {
        case .head(var head):
            if head.method == .CONNECT {
                refuseConnect(context: context)
                return
            }
            if !head.uri.hasPrefix("/") { head.uri = RequestTarget.nonOriginFormMark + head.uri }
            if !head.isKeepAlive {
                // Hummingbird stops only on exactly `Connection: close`. The other tokens name
                // hop-by-hop fields, meant for devserve alone (the proxy drops them by those
                // names): they go before the tokens do.
                for token in head.headers[canonicalForm: "connection"] where !["close", "keep-alive"].contains(token.lowercased()) {
                    head.headers.remove(name: String(token))
                }
                head.headers.replaceOrAdd(name: "connection", value: "close")
            }
            unanswered.append(head.version.major == 1 && head.version.minor == 0)
            requestDeadline?.cancel()
            requestDeadline = context.eventLoop.assumeIsolated().scheduleTask(in: requestTimeout) { [weak self] in
                self?.requestDeadline = nil
                context.close(promise: nil)
            }
            context.fireChannelRead(wrapInboundOut(.head(head)))
        case .body:
            context.fireChannelRead(data)
        case .end:
            requestDeadline?.cancel()
            requestDeadline = nil
            context.fireChannelRead(data)
        }
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        switch unwrapOutboundIn(data) {
        case .head(var head) where head.status.code >= 200 || head.status == .switchingProtocols:
            let http10 = unanswered.isEmpty ? false : unanswered.removeFirst()
            if http10 {
                head.version = .http1_0
                head.headers.replaceOrAdd(name: "connection", value: "close")
            }
            closeAfterAnswer = head.headers[canonicalForm: "connection"].contains { $0.lowercased() == "close" }
            context.write(wrapOutboundOut(.head(head)), promise: promise)
        case .end where closeAfterAnswer:
            closeAfterAnswer = false
            closing = true
            let loop = context.eventLoop
            let written = context.writeAndFlush(data)
            written.cascade(to: promise)
            written.assumeIsolated().whenComplete { _ in
                context.close(mode: .output, promise: nil)
                loop.assumeIsolated().scheduleTask(in: Self.linger) { context.close(promise: nil) }
            }
        default:
            context.write(data, promise: promise)
        }
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable {
            writeDeadline?.cancel()
            writeDeadline = nil
        } else if writeDeadline == nil {
            writeDeadline = context.eventLoop.assumeIsolated().scheduleTask(in: requestTimeout) { [weak self] in
                self?.writeDeadline = nil
                context.close(promise: nil)
            }
        }
        context.fireChannelWritabilityChanged()
    }

    private func refuseConnect(context: ChannelHandlerContext) {
        closing = true
        let body = "devserve: CONNECT is not served here; devserve is not a proxy\n"
        let text =
            "HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: \(body.utf8.count)\r\n"
            + "Cache-Control: no-store\r\nCross-Origin-Resource-Policy: same-origin\r\nX-Content-Type-Options: nosniff\r\n"
            + "Connection: close\r\n\r\n" + body
        rawWriter.writeAndClose(ByteBuffer(string: text))
    }
}

/// The first handler of a connection's pipeline: passes every write on, and lets
/// ``ConnectionRules`` write bytes that no HTTP encoder sees.
final class RawBytesWriter: ChannelOutboundHandler, RemovableChannelHandler {
    typealias OutboundIn = IOData
    typealias OutboundOut = IOData

    private var context: ChannelHandlerContext?

    func handlerAdded(context: ChannelHandlerContext) { self.context = context }
    func handlerRemoved(context: ChannelHandlerContext) { self.context = nil }

    /// Writes `bytes` to the socket, then closes the connection.
    func writeAndClose(_ bytes: ByteBuffer) {
        guard let context else { return }
        context.writeAndFlush(wrapOutboundOut(.byteBuffer(bytes))).assumeIsolated().whenComplete { _ in
            context.close(promise: nil)
        }
    }
}
