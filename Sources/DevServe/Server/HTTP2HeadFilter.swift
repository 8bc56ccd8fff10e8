import HTTPTypes
import NIOCore
import NIOHTTPTypes

/// Drops connection-specific fields from response heads on an HTTP/2 stream.
///
/// The trap: HTTP/2 forbids them (RFC 9113 §8.2.2), and a response head that has one is a
/// protocol error, so NIOHTTP2 resets the stream and the client gets no answer at all (curl:
/// "stream was not closed cleanly"). devserve's refusals carry `Connection: close` on purpose,
/// for HTTP/1.1, where ``ConnectionRules`` ends the connection after them; over HTTP/2 a refusal
/// ends its stream only, and the header has to go. It is the first of a stream's own handlers, so
/// it sees what the ``EventStreamHandler`` writes as well as the router's responses.
final class HTTP2HeadFilter: ChannelOutboundHandler, RemovableChannelHandler {
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    /// The fields that only mean something to one HTTP/1.1 connection.
    static let connectionSpecific: [HTTPField.Name] = [
        .connection, .transferEncoding, .upgrade, HTTPField.Name("keep-alive")!, HTTPField.Name("proxy-connection")!,
    ]

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        guard case .head(var head) = unwrapOutboundIn(data) else {
            context.write(data, promise: promise)
            return
        }
        for name in Self.connectionSpecific { head.headerFields[name] = nil }
        context.write(wrapOutboundOut(.head(head)), promise: promise)
    }
}
