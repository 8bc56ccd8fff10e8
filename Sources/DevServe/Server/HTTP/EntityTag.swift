import Foundation

/// An entity tag (RFC 9110 §8.8.3): `"opaque"`, or `W/"opaque"` for a weak one.
struct EntityTag: Equatable, Sendable {
    let opaque: String
    let isWeak: Bool

    init(opaque: String, isWeak: Bool = false) {
        self.opaque = opaque
        self.isWeak = isWeak
    }

    /// The header form.
    var header: String { (isWeak ? "W/" : "") + "\"" + opaque + "\"" }

    /// Strong comparison: both strong and the same (If-Match, If-Range).
    func strongMatch(_ other: EntityTag) -> Bool { !isWeak && !other.isWeak && opaque == other.opaque }

    /// Weak comparison: the same opaque tag, weak or not (If-None-Match).
    func weakMatch(_ other: EntityTag) -> Bool { opaque == other.opaque }

    /// The value of `If-Match` or `If-None-Match`: `*`, or a list of tags.
    enum List: Equatable {
        case any
        case tags([EntityTag])
    }

    /// Parses a field value (the lines of a repeated field joined with `,`). A comma is allowed
    /// inside the quotes, so the list is read character by character; what does not parse ends
    /// the list (the tags before it still count).
    static func list(_ value: String) -> List {
        if value.trimmingCharacters(in: .whitespaces) == "*" { return .any }
        var tags: [EntityTag] = []
        var rest = Substring(value)
        while true {
            rest = rest.drop { $0 == " " || $0 == "\t" || $0 == "," }
            guard !rest.isEmpty, let (tag, after) = parseOne(rest) else { break }
            tags.append(tag)
            rest = after
        }
        return .tags(tags)
    }

    /// One tag at the start of `text`, and what follows it.
    static func parseOne(_ text: Substring) -> (EntityTag, Substring)? {
        var rest = text
        var weak = false
        if rest.hasPrefix("W/") {
            weak = true
            rest = rest.dropFirst(2)
        }
        guard rest.first == "\"" else { return nil }
        rest = rest.dropFirst()
        guard let close = rest.firstIndex(of: "\"") else { return nil }
        return (EntityTag(opaque: String(rest[..<close]), isWeak: weak), rest[rest.index(after: close)...])
    }
}
