import HummingbirdCore
import Logging
import NIOCore
import NIOHTTP1
import NIOHTTPTypes
import NIOHTTPTypesHTTP1

/// Hummingbird's HTTP/1.1 child channel (`HTTP1Channel`) with two more handlers:
/// - ``NonOriginFormMarker``, before the request head is converted to `HTTPRequest`: that
///   conversion drops the scheme and authority of an absolute-form target (`GET
///   http://evil.com/x HTTP/1.1` would become `/x`), so the raw target is checked there, while it
///   is still visible. Browsers send only origin-form targets to a server that is not a proxy;
///   any other form is marked so that ``RequestTarget`` refuses it with 400.
/// - ``EventStreamHandler``, after Hummingbird's connection state handler: it answers the event
///   stream, `GET /__hmr`, and passes every other request on to the router.
struct DevServeChannel: ServerChildChannel, HTTPChannelHandler {
    typealias Value = NIOAsyncChannel<HTTPRequestPart, HTTPResponsePart>

    let responder: HTTPChannelHandler.Responder
    let configuration: HTTP1Channel.Configuration
    /// Makes the event-stream handler of one connection.
    let eventStream: @Sendable () -> EventStreamHandler

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        channel.eventLoop.makeCompletedFuture {
            var limits = NIOHTTPDecoderLimitConfiguration()
            limits.maxHeaderFieldSize = configuration.httpDecoder.maxHeaderFieldSize
            limits.maxHeaderListSize = configuration.httpDecoder.maxHeaderListSize
            limits.maxHeaderFieldCount = configuration.httpDecoder.maxHeaderFieldCount
            try channel.pipeline.syncOperations.configureHTTPServerPipeline(
                withPipeliningAssistance: false, withErrorHandling: false, withOutboundHeaderValidation: false,
                withEncoderConfiguration: .init(), withDecoderLimitConfiguration: limits)
            try channel.pipeline.syncOperations.addHandler(NonOriginFormMarker())
            try channel.pipeline.syncOperations.addHandler(HTTP1ToHTTPServerCodec(secure: false))
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
    static func devServe(
        configuration: HTTP1Channel.Configuration, eventStream: @escaping @Sendable () -> EventStreamHandler
    ) -> HTTPServerBuilder {
        .init { responder in DevServeChannel(responder: responder, configuration: configuration, eventStream: eventStream) }
    }
}

/// Prefixes a request target that is not origin-form (`/…`) with ``RequestTarget/nonOriginFormMark``.
final class NonOriginFormMarker: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard case .head(var head) = unwrapInboundIn(data), !head.uri.hasPrefix("/") else {
            context.fireChannelRead(data)
            return
        }
        head.uri = RequestTarget.nonOriginFormMark + head.uri
        context.fireChannelRead(wrapInboundOut(.head(head)))
    }
}
