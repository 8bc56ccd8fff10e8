import HummingbirdCore
import Logging
import NIOCore
import NIOHTTP1
import NIOHTTPTypes
import NIOHTTPTypesHTTP1

/// Hummingbird's HTTP/1.1 child channel (`HTTP1Channel`) with more handlers:
/// - ``RawBytesWriter``, first of all, for the bytes ``ConnectionRules`` writes itself;
/// - with `--proxy`, a ``TunnelEnd``, before NIO's HTTP decoder, which carries a WebSocket
///   tunnel's bytes once the connection is one;
/// - ``ConnectionRules``, before the request head is converted to `HTTPRequest` (which drops what
///   it needs: the target's form, the HTTP version): targets, CONNECT, closing after a final
///   answer, and the request and write deadlines;
/// - with `--proxy`, the ``WebSocketTunnel``, after ``ConnectionRules``: it takes WebSocket
///   handshakes on proxied paths, which never reach Hummingbird;
/// - ``EventStreamHandler``, after Hummingbird's connection state handler: it answers the event
///   stream, `GET /__hmr`, and passes every other request on to the router.
struct DevServeChannel: ServerChildChannel, HTTPChannelHandler {
    typealias Value = NIOAsyncChannel<HTTPRequestPart, HTTPResponsePart>

    let responder: HTTPChannelHandler.Responder
    let configuration: HTTP1Channel.Configuration
    /// A request must arrive whole within it, and a client that stops reading is dropped after it.
    let requestTimeout: Duration
    /// Makes the event-stream handler of one connection.
    let eventStream: @Sendable () -> EventStreamHandler
    /// Whether the connection came through TLS (``DevServeTLSChannel``): requests are `https`.
    var secure = false
    /// Where WebSocket upgrades are tunnelled to (`--proxy`), or nil.
    var webSockets: WebSocketTunnel.Configuration? = nil

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        channel.eventLoop.makeCompletedFuture {
            var limits = NIOHTTPDecoderLimitConfiguration()
            limits.maxHeaderFieldSize = configuration.httpDecoder.maxHeaderFieldSize
            limits.maxHeaderListSize = configuration.httpDecoder.maxHeaderListSize
            limits.maxHeaderFieldCount = configuration.httpDecoder.maxHeaderFieldCount
            let rawWriter = RawBytesWriter()
            // First of this pipeline's handlers, after TLS's when there is TLS (its bytes are
            // raw HTTP, never raw on the socket).
            try channel.pipeline.syncOperations.addHandler(rawWriter, position: .last)
            let tunnelEnd = webSockets.map { _ in TunnelEnd() }
            if let tunnelEnd { try channel.pipeline.syncOperations.addHandler(tunnelEnd, position: .last) }
            try channel.pipeline.syncOperations.configureHTTPServerPipeline(
                withPipeliningAssistance: false, withErrorHandling: false, withOutboundHeaderValidation: false,
                withEncoderConfiguration: .init(), withDecoderLimitConfiguration: limits)
            try channel.pipeline.syncOperations.addHandler(ConnectionRules(requestTimeout: requestTimeout, rawWriter: rawWriter))
            if let webSockets, let tunnelEnd {
                try channel.pipeline.syncOperations.addHandler(
                    WebSocketTunnel(configuration: webSockets, secure: secure, clientEnd: tunnelEnd, logger: logger))
            }
            try channel.pipeline.syncOperations.addHandler(HTTP1ToHTTPServerCodec(secure: secure))
            try channel.pipeline.syncOperations.addHandlers(configuration.additionalChannelHandlers())
            try channel.pipeline.syncOperations.addHandler(
                HTTPConnectionStateHandler(idleTimeout: configuration.idleTimeout.map { .init($0) }, logger: logger))
            try channel.pipeline.syncOperations.addHandler(eventStream())
            return try NIOAsyncChannel(wrappingChannelSynchronously: channel, configuration: .init(isOutboundHalfClosureEnabled: true))
        }
    }

    func handle(value: Value, logger: Logger) async {
        await handleHTTP(asyncChannel: value, logger: logger)
    }
}

extension HTTPServerBuilder {
    /// HTTP/1.1 through ``DevServeChannel``.
    /// - Parameter webSockets: where WebSocket upgrades are tunnelled to (`--proxy`), or nil.
    static func devServe(
        configuration: HTTP1Channel.Configuration, requestTimeout: Duration,
        eventStream: @escaping @Sendable () -> EventStreamHandler, webSockets: WebSocketTunnel.Configuration? = nil
    ) -> HTTPServerBuilder {
        .init { responder in
            DevServeChannel(
                responder: responder, configuration: configuration, requestTimeout: requestTimeout, eventStream: eventStream,
                webSockets: webSockets)
        }
    }
}
