/// The request target, checked before anything else looks at it.
///
/// Only origin-form targets (`/path?query`) are served. The path must percent-decode to valid
/// UTF-8 (overlong encodings are not), and must not hide a separator or a dot segment: `%2f`,
/// `%5c`, `\`, `%00`, control characters, `#`, `//`, `/./` and `/../` (raw or encoded) are refused
/// with 400. Browsers never send any of these for a link in a page; they resolve dot segments and
/// keep the fragment to themselves. The query plays no part in which file is read.
public struct RequestTarget: Sendable, Equatable {
    /// The percent-decoded path, starting with `/`.
    public let path: String

    /// Put in front of absolute-form and authority-form targets before HTTP types drop their
    /// scheme and authority (see ``ConnectionRules``); such targets are refused.
    static let nonOriginFormMark = "!"

    /// Why a target is refused, in one line.
    public struct Refused: Error, Equatable, CustomStringConvertible {
        /// Why the target is refused.
        public let description: String
    }

    /// Checks a raw request target as it arrived on the request line.
    public init(_ raw: String) throws(Refused) {
        guard raw.hasPrefix("/") else {
            throw Refused(description: "only origin-form request targets (/path) are served")
        }
        let rawPath = raw.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)[0]
        guard !rawPath.hasPrefix("//"), !rawPath.contains("#") else {
            throw Refused(description: "the request target has an empty segment or a fragment")
        }
        guard !rawPath.contains("\\") else {
            throw Refused(description: "the request path has an encoded separator, a backslash or a NUL")
        }
        let decoded: String
        if rawPath.utf8.contains(UInt8(ascii: "%")) {
            let lowered = rawPath.lowercased()
            guard !lowered.contains("%2f"), !lowered.contains("%5c"), !lowered.contains("%00") else {
                throw Refused(description: "the request path has an encoded separator, a backslash or a NUL")
            }
            guard let percentDecoded = String(rawPath).removingPercentEncoding else {
                throw Refused(description: "the request path is not valid percent-encoded UTF-8")
            }
            decoded = percentDecoded
        } else {
            decoded = String(rawPath)  // nothing to decode (most requests): no Foundation round trip
        }
        guard !decoded.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7f }) else {
            throw Refused(description: "the request path has control characters")
        }
        let segments = decoded.split(separator: "/", omittingEmptySubsequences: false).dropFirst()
        // An empty segment is allowed only last (`/folder/`).
        guard !segments.dropLast().contains(""), !segments.contains("."), !segments.contains("..") else {
            throw Refused(description: "the request path has dot segments or an empty segment")
        }
        self.path = decoded
    }
}
