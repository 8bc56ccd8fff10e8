/// Inserts the client's `<script>` tag into an HTML page: before the last `</body>`, else before
/// the last `</html>`, else at the end. Tags are found without regard to case.
public struct HTMLInjector: Sendable {
    /// What is inserted.
    public let snippet: [UInt8]

    /// An injector of `snippet` (the client's `<script>` tag by default).
    public init(snippet: String = ClientScript.tag) {
        self.snippet = Array(snippet.utf8)
    }

    /// The page with the snippet before `</body>`, else `</html>`, else at the end.
    public func inject(into page: [UInt8]) -> [UInt8] {
        let offset = Self.lastIndex(of: "</body", in: page) ?? Self.lastIndex(of: "</html", in: page) ?? page.count
        var result = [UInt8]()
        result.reserveCapacity(page.count + snippet.count)
        result.append(contentsOf: page[..<offset])
        result.append(contentsOf: snippet)
        result.append(contentsOf: page[offset...])
        return result
    }

    /// The last occurrence of an ASCII `tag` in `bytes`, ignoring case.
    static func lastIndex(of tag: String, in bytes: [UInt8]) -> Int? {
        let needle = Array(tag.lowercased().utf8)
        guard bytes.count >= needle.count else { return nil }
        var start = bytes.count - needle.count
        while start >= 0 {
            var matched = true
            for (offset, expected) in needle.enumerated() {
                var byte = bytes[start + offset]
                if byte >= 0x41 && byte <= 0x5A { byte += 0x20 }
                if byte != expected {
                    matched = false
                    break
                }
            }
            if matched { return start }
            start -= 1
        }
        return nil
    }
}
