/// The part of a build's output devserve keeps for the `error` event and its diagnostics: the
/// first ``headLimit`` bytes and the last ``tailLimit``, with one line saying how much of the
/// middle was left out.
///
/// Both ends matter: the command and its first complaint come first, while most tools print the
/// error that failed the build, and their summary, last. Keeping only the head (as devserve did)
/// lost the error after a long log, and the diagnostics with it.
struct KeptOutput: Sendable {
    /// Bytes kept from the start.
    static let headLimit = 256 << 10
    /// Bytes kept from the end.
    static let tailLimit = 768 << 10

    let headLimit: Int
    let tailLimit: Int
    private(set) var head: [UInt8] = []
    /// The end so far; it may hold up to twice ``tailLimit`` before the front is dropped, so that
    /// appending costs amortised constant time per byte.
    private var tail: [UInt8] = []
    /// Bytes seen in all.
    private(set) var total = 0

    init(headLimit: Int = Self.headLimit, tailLimit: Int = Self.tailLimit) {
        self.headLimit = headLimit
        self.tailLimit = tailLimit
    }

    mutating func append(_ bytes: some Collection<UInt8>) {
        total += bytes.count
        var rest = bytes[...]
        let room = headLimit - head.count
        if room > 0 {
            head.append(contentsOf: rest.prefix(room))
            rest = rest.dropFirst(room)
        }
        guard !rest.isEmpty else { return }
        tail.append(contentsOf: rest)
        if tail.count > 2 * tailLimit { tail.removeFirst(tail.count - tailLimit) }
    }

    /// Whether some of the middle was left out.
    var isCut: Bool { total > head.count + min(tail.count, tailLimit) }

    /// The kept output as text. Where the middle was left out, the tail starts at a line start
    /// after one line saying how many bytes are missing.
    var text: String {
        var end = tail.suffix(tailLimit)
        guard isCut else { return String(decoding: head + end, as: UTF8.self) }
        if let newline = end.firstIndex(of: UInt8(ascii: "\n")) { end = end[end.index(after: newline)...] }
        let left = total - head.count - end.count
        var text = String(decoding: head, as: UTF8.self)
        if text.last != "\n" { text += "\n" }
        text += "[devserve: \(left) bytes of output left out here; the first \(head.count) and the last \(end.count) are kept]\n"
        return text + String(decoding: end, as: UTF8.self)
    }
}
