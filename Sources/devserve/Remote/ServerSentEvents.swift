import NIOCore

/// One message of an event stream.
struct ServerSentEvent: Sendable, Equatable {
    var event: String
    var data: String
    /// The `id:` field, when the message had one.
    var id: String?
}

/// The messages of a `text/event-stream` body, parsed as the WHATWG spec says: lines end with
/// CR, LF or CRLF; `event:`, `data:` (several join with newlines), `id:`; comments (`:`) and
/// unknown fields are skipped; a blank line ends a message; a message without data is dropped.
struct ServerSentEvents<Body: AsyncSequence & Sendable>: AsyncSequence, Sendable where Body.Element == ByteBuffer {
    typealias Element = ServerSentEvent
    let body: Body

    func makeAsyncIterator() -> Iterator { Iterator(body: body.makeAsyncIterator()) }

    struct Iterator: AsyncIteratorProtocol {
        var body: Body.AsyncIterator
        var parser = Parser()

        mutating func next() async throws -> ServerSentEvent? {
            while true {
                if let event = parser.nextEvent() { return event }
                guard let buffer = try await body.next() else { return nil }
                parser.feed(buffer.readableBytesView)
            }
        }
    }

    /// The parser, fed bytes as they arrive.
    struct Parser {
        private var line: [UInt8] = []
        private var afterCR = false
        private var event = ""
        private var data: [String] = []
        private var id: String?
        private var ready: [ServerSentEvent] = []

        mutating func feed(_ bytes: some Sequence<UInt8>) {
            for byte in bytes {
                if afterCR && byte == UInt8(ascii: "\n") {
                    afterCR = false
                    continue
                }
                afterCR = byte == UInt8(ascii: "\r")
                if byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r") {
                    take(String(decoding: line, as: UTF8.self))
                    line.removeAll(keepingCapacity: true)
                } else {
                    line.append(byte)
                }
            }
        }

        mutating func nextEvent() -> ServerSentEvent? {
            ready.isEmpty ? nil : ready.removeFirst()
        }

        private mutating func take(_ line: String) {
            if line.isEmpty {
                if !data.isEmpty {
                    ready.append(ServerSentEvent(event: event.isEmpty ? "message" : event, data: data.joined(separator: "\n"), id: id))
                }
                event = ""
                data = []
                id = nil
                return
            }
            if line.hasPrefix(":") { return }
            let colon = line.firstIndex(of: ":")
            let field = colon.map { String(line[..<$0]) } ?? line
            var value = colon.map { line[line.index(after: $0)...] } ?? ""
            if value.first == " " { value = value.dropFirst() }
            switch field {
            case "event": event = String(value)
            case "data": data.append(String(value))
            case "id" where !value.contains("\0"): id = String(value)
            default: break
            }
        }
    }
}
