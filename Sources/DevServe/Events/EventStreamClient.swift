import NIOCore

/// One `/__hmr` client, as the ``EventHub`` sees it: a connection it writes messages to on the
/// connection's event loop.
///
/// The hub writes to every client of an event loop in one task on that loop, instead of waking a
/// task per client that then hops to the loop: with a thousand clients or more, the wake-ups and
/// hops cost more than the writes themselves (see BENCHMARKS.md, fan-out).
protocol EventStreamClient: Sendable {
    /// The loop ``send(_:)``, ``finish()`` and ``close()`` run on.
    var eventLoop: any EventLoop { get }
    /// Writes and flushes one message. False when the client has fallen too far behind to take
    /// it: the caller closes it (its browser reconnects and replays).
    func send(_ message: ByteBuffer) -> Bool
    /// Ends the response, then closes the connection: the hub is done with the client.
    func finish()
    /// Closes the connection at once.
    func close()
}
