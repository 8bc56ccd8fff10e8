import NIOCore
import NIOHTTPTypes

/// One `/__hmr` client, as the ``EventHub`` sees it: a connection it writes messages to on the
/// connection's event loop.
///
/// The hub writes to every client of an event loop in one task on that loop, instead of waking a
/// task per client that then hops to the loop: with a thousand clients or more, the wake-ups and
/// hops cost more than the writes themselves (see BENCHMARKS.md, fan-out).
protocol EventStreamClient: Sendable {
    /// The loop ``send(_:)`` and ``close()`` run on.
    var eventLoop: any EventLoop { get }
    /// Writes and flushes one message; on `eventLoop`. False when the client has fallen too far
    /// behind to take it: the caller closes it (its browser reconnects and replays).
    func send(_ message: ByteBuffer) -> Bool
    /// Closes the connection; on `eventLoop`.
    func close()
}

/// An event stream over an HTTP/1 connection: each message is one chunk of the response body,
/// written below Hummingbird's response writer, which has already sent the head.
struct ChannelEventStreamClient: EventStreamClient {
    let channel: any Channel

    var eventLoop: any EventLoop { channel.eventLoop }

    func send(_ message: ByteBuffer) -> Bool {
        // Not writable: more than the channel's high-water mark (64 KiB) is waiting to be sent.
        guard channel.isWritable else { return false }
        channel.writeAndFlush(HTTPResponsePart.body(message), promise: nil)
        return true
    }

    func close() {
        channel.close(promise: nil)
    }
}
