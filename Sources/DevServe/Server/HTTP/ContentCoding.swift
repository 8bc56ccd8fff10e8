/// A content coding devserve can send (RFC 9110 §8.4.1): the bytes as they are, gzip (made
/// here, or read from a `.gz` sibling), or Brotli (only ever read from a `.br` sibling: devserve
/// does not compress with Brotli itself).
enum ContentCoding: String, CaseIterable, Sendable {
    case identity
    case gzip
    case br

    /// The `Content-Encoding` value; nil for identity, which is never named in a response.
    var headerValue: String? { self == .identity ? nil : rawValue }

    /// The extension of a precompressed sibling in this coding (`app.js.gz`); nil for identity.
    var siblingSuffix: String? {
        switch self {
        case .identity: nil
        case .gzip: ".gz"
        case .br: ".br"
        }
    }

    /// The representation's `ETag`, from the tag of the bytes it was made from: the same tag for
    /// identity, `"abc"` → `"abc-gz"` / `"abc-br"` otherwise.
    ///
    /// Each representation needs a strong validator of its own. Were the gzip bytes to carry
    /// the identity tag, a cache holding one representation would revalidate it with the tag
    /// and get a 304 for the other (RFC 9110 §8.8.3 ties a strong tag to the bytes), and an
    /// `If-Range` could splice ranges of two representations together.
    func tag(from base: EntityTag) -> EntityTag {
        switch self {
        case .identity: base
        case .gzip: EntityTag(opaque: base.opaque + "-gz", isWeak: base.isWeak)
        case .br: EntityTag(opaque: base.opaque + "-br", isWeak: base.isWeak)
        }
    }
}
