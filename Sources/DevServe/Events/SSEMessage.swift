/// One Server-Sent Events message, encoded per the WHATWG `text/event-stream` format.
public struct SSEMessage: Sendable, Equatable {
    /// The `event:` field; nil for a plain message.
    public var event: String?
    /// The payload; each of its lines becomes a `data:` line.
    public var data: String
    /// The `id:` field.
    public var id: String?
    /// The reconnection delay the browser should use, in milliseconds.
    public var retry: Int?

    /// A message.
    public init(event: String? = nil, data: String, id: String? = nil, retry: Int? = nil) {
        self.event = event
        self.data = data
        self.id = id
        self.retry = retry
    }

    /// The wire form: `event:`, `id:`, `retry:` and one `data:` line per line of `data`
    /// (LF, CRLF and CR all split lines), ended by a blank line.
    ///
    /// Line breaks in `event` and `id` would end the field early, so they are removed; so is NUL
    /// in `id`, which makes browsers ignore the field.
    public var encoded: String {
        var text = ""
        if let event { text += "event: \(Self.singleLine(event))\n" }
        if let id { text += "id: \(Self.singleLine(id).filter { $0 != "\0" })\n" }
        if let retry { text += "retry: \(retry)\n" }
        var line = ""
        var previousWasCR = false
        for scalar in data.unicodeScalars {
            if scalar == "\n" && previousWasCR {
                previousWasCR = false
                continue
            }
            previousWasCR = scalar == "\r"
            if scalar == "\n" || scalar == "\r" {
                text += "data: \(line)\n"
                line = ""
            } else {
                line.unicodeScalars.append(scalar)
            }
        }
        text += "data: \(line)\n\n"
        return text
    }

    /// A comment line: sent to keep proxies from timing out, never seen by page scripts.
    public static func comment(_ text: String) -> String {
        ": \(singleLine(text))\n\n"
    }

    private static func singleLine(_ value: String) -> String {
        String(value.unicodeScalars.filter { $0 != "\n" && $0 != "\r" })
    }
}
