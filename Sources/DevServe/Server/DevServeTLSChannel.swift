import HummingbirdCore
import HummingbirdHTTP2
import Logging
import NIOCore
import NIOSSL
import NIOTLS

/// HTTPS (`--https`): TLS, then HTTP/2 for a client that offers `h2` in ALPN (every browser),
/// HTTP/1.1 for one that does not (`curl --http1.1`, WebSocket connections, old tools). A
/// `wss://` handshake through `--proxy` comes over HTTP/1.1 (browsers open WebSockets on their own
/// HTTP/1.1 connection when the server offers no RFC 8441 extended CONNECT, as here), so it is
/// tunnelled by ``DevServeChannel``'s ``WebSocketTunnel`` as over plain HTTP.
///
/// HTTP/1.1 goes through ``DevServeChannel``, with all its connection rules. HTTP/2 goes through
/// Hummingbird's `HTTP2Channel`, with an ``EventStreamHandler`` on every stream, so `/__hmr` is
/// answered the same way over both, and an ``HTTP2HeadFilter`` that drops the `Connection: close`
/// HTTP/1.1's refusals carry. The rules of ``ConnectionRules`` are HTTP/1.1's own
/// (targets, CONNECT, closing, trickled bodies); HTTP/2 frames have no request line to forge,
/// the codec refuses CONNECT, and NIOHTTP2 bounds what a stream may buffer.
///
/// The traps:
/// - A stream's idle timeout would close an open event stream: `HTTPConnectionStateHandler`
///   comes after the ``EventStreamHandler`` in a stream's pipeline, never sees the stream's
///   request, and would count the stream as idle. Streams get none; the connection's idle
///   timeout (no stream open) and the TLS handshake deadline are what close idle clients.
/// - A client that connects and never completes the handshake would hold the connection for
///   good: it is closed once `handshakeTimeout` passes without a negotiated protocol.
struct DevServeTLSChannel: HTTPChannelHandler {
    enum Negotiated: Sendable {
        case http1(DevServeChannel.Value)
        case http2(HTTP2Channel.Value)
    }

    struct Value: ServerChildChannelValue {
        let negotiated: EventLoopFuture<Negotiated>
        let channel: any Channel
    }

    let http1: DevServeChannel
    let http2: HTTP2Channel
    let sslContext: NIOSSLContext
    let handshakeTimeout: Duration

    var responder: Responder { http1.responder }

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        channel.eventLoop.makeCompletedFuture {
            try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: sslContext))
            let negotiation = NIOTypedApplicationProtocolNegotiationHandler<Negotiated> { [http1, http2] result in
                switch result {
                case .negotiated("h2"):
                    return http2.setup(channel: channel, logger: logger).map { .http2($0) }
                case .negotiated("http/1.1"), .fallback:
                    return http1.setup(channel: channel, logger: logger).map { .http1($0) }
                case .negotiated:
                    // Only h2 and http/1.1 are offered; anything else is a broken client.
                    return channel.close().flatMapThrowing { throw ChannelError.inappropriateOperationForState }
                }
            }
            try channel.pipeline.syncOperations.addHandler(negotiation)
            let deadline = channel.eventLoop.scheduleTask(in: .nanoseconds(Int64(handshakeTimeout / .nanoseconds(1)))) {
                channel.close(promise: nil)
            }
            let negotiated = negotiation.protocolNegotiationResult
            negotiated.whenComplete { _ in deadline.cancel() }
            return Value(negotiated: negotiated, channel: channel)
        }
    }

    func handle(value: Value, logger: Logger) async {
        do {
            switch try await value.negotiated.get() {
            case .http1(let connection): await http1.handle(value: connection, logger: logger)
            case .http2(let connection): await http2.handle(value: connection, logger: logger)
            }
        } catch {
            logger.debug("TLS connection ended before a protocol was negotiated: \(error)")
        }
    }
}

extension DevServeTLSChannel {
    /// - Parameter identity: the certificate chain and key, as PEM files.
    /// - Throws: ``DevServeError`` naming the file NIOSSL could not load.
    init(
        identity: ServerIdentity, responder: @escaping Responder, requestTimeout: Duration,
        eventStream: @escaping @Sendable () -> EventStreamHandler, webSockets: WebSocketTunnel.Configuration? = nil
    ) throws(DevServeError) {
        let chain: [NIOSSLCertificate]
        let key: NIOSSLPrivateKey
        do {
            chain = try NIOSSLCertificate.fromPEMFile(identity.certificatePath)
        } catch {
            throw DevServeError("cannot load the certificate \(identity.certificatePath): \(error)")
        }
        do {
            key = try NIOSSLPrivateKey(file: identity.keyPath, format: .pem)
        } catch {
            throw DevServeError("cannot load the key \(identity.keyPath): \(error)")
        }
        var tls = TLSConfiguration.makeServerConfiguration(certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(key))
        tls.applicationProtocols = ["h2", "http/1.1"]
        do {
            sslContext = try NIOSSLContext(configuration: tls)
        } catch {
            throw DevServeError("cannot use the certificate \(identity.certificatePath) with the key \(identity.keyPath): \(error)")
        }
        http1 = DevServeChannel(
            responder: responder, configuration: .init(idleTimeout: .init(requestTimeout)), requestTimeout: requestTimeout,
            eventStream: eventStream, secure: true, webSockets: webSockets)
        http2 = HTTP2Channel(
            responder: responder,
            configuration: .init(
                idleTimeout: requestTimeout, gracefulCloseTimeout: .seconds(2),
                streamConfiguration: .init(additionalChannelHandlers: [HTTP2HeadFilter(), Self.streamHandler(eventStream)], idleTimeout: nil)))
        handshakeTimeout = requestTimeout
    }
}

extension DevServeTLSChannel {
    /// The event-stream handler of one HTTP/2 stream.
    static func streamHandler(_ make: @Sendable () -> EventStreamHandler) -> EventStreamHandler {
        let handler = make()
        handler.servesHTTP2Stream = true
        return handler
    }
}

extension HTTPServerBuilder {
    /// HTTPS through ``DevServeTLSChannel``.
    static func devServeTLS(
        identity: ServerIdentity, requestTimeout: Duration, eventStream: @escaping @Sendable () -> EventStreamHandler,
        webSockets: WebSocketTunnel.Configuration? = nil
    ) throws(DevServeError) -> HTTPServerBuilder {
        // Loaded now, so a bad file is an error at start rather than at the first connection.
        let check = try DevServeTLSChannel(
            identity: identity, responder: { _, _, _ in }, requestTimeout: requestTimeout, eventStream: eventStream,
            webSockets: webSockets)
        return .init { responder in
            DevServeTLSChannel(
                http1: DevServeChannel(
                    responder: responder, configuration: check.http1.configuration, requestTimeout: requestTimeout,
                    eventStream: eventStream, secure: true, webSockets: webSockets),
                http2: HTTP2Channel(responder: responder, configuration: check.http2.configuration),
                sslContext: check.sslContext, handshakeTimeout: check.handshakeTimeout)
        }
    }
}
