import Foundation

/// A parsed source map (version 3, https://tc39.es/ecma426/): what `mappings` says about each
/// generated position.
///
/// `mappings` is one group per generated line, separated by `;`, each a list of segments
/// separated by `,`; a segment is 1, 4 or 5 base64 VLQ numbers: the generated column, then the
/// source index, original line, original column and name index. Every mapping is decoded once, up
/// front, into one array sorted by generated position; a lookup is a binary search in it.
///
/// The traps:
/// - The generated column is relative to the previous segment *of the same line* (it starts
///   again at 0 after each `;`), but the four other fields are relative to their previous value
///   anywhere in the map, across lines.
/// - A 1-field segment is not noise: it says the code from there on maps to nothing (code the
///   compiler wrote itself). A position after one must give nil, not the segment before it.
/// - The greatest lower bound is looked for on the generated line only: a position before the
///   first segment of its line maps to nothing, whatever the line above says.
/// - Lines and columns are 0-based in the map, 1-based in stack traces and in this API. Columns
///   count UTF-16 code units on both sides (an emoji is two), so they are compared as they are:
///   never converted to bytes or characters.
/// - Segments need not be sorted within a line (the spec sorts them; so does this).
/// - VLQ values are limited to 32 bits (sign included); a longer one, a byte outside the base64
///   alphabet, a value cut short or a segment of 2, 3 or 6 fields is a malformed map: nil.
///   Values that decode but make no sense are the segment's problem, as the spec says: a negative
///   generated column drops the segment; a source index out of range or a negative original
///   position makes it map to nothing; a name index out of range drops the name.
/// - `sourceRoot` is prepended with a `/` between (`src` + `a.ts` is `src/a.ts`). Two departures
///   from the letter of the spec, as browsers do: an empty `sourceRoot` is no root (the spec
///   would make every source absolute, `/a.ts`), and a source that is a full URL
///   (`webpack://app/a.ts`) is kept as it is. `null` sources are left out of ``sources`` and
///   what maps to them maps to nothing.
/// - An index map (`sections`) is flattened: each section's mappings move by its offset (the
///   column offset applies to the section's first line only), its sources are added once each.
///   The code of a section begins unmapped (a position there before the section's first mapping
///   does not fall back on the section before), and mappings of a section that reach past the
///   next section's offset are dropped, so overlapping sections cannot interleave. A section
///   that is not a valid map is skipped, as the spec says; the map around it stays.
/// - A map served over HTTP may begin with `)]}'` (a guard against cross-site script inclusion):
///   that first line is skipped, as is a UTF-8 byte order mark.
/// - Huge offsets never allocate anything in proportion: no table per generated line is kept.
struct SourceMap: Sendable {
    /// The map's `sources`, with `sourceRoot` applied (each once; `null` entries left out).
    let sources: [String]
    private let names: [String]
    /// Every mapping, sorted by generated position (line, then column; equal ones in map order).
    private let segments: [SourceMapSegment]

    /// Parses the JSON text of a map; nil when it is not a valid version-3 map. Index maps
    /// (`sections`) are supported too (flatten them).
    init?(json: [UInt8]) {
        guard let object = Self.jsonObject(json), object["version"] as? Int == 3 else { return nil }
        var builder = SourceMapBuilder()
        if let listed = object["sections"] {
            guard let sections = listed as? [Any], builder.addSections(sections) else { return nil }
        } else {
            guard let map = RegularSourceMap(object) else { return nil }
            builder.add(map, at: SourceMapPosition(line: 0, column: 0), before: nil)
        }
        builder.sortSegments()
        sources = builder.sources
        names = builder.names
        segments = builder.segments
    }

    /// The original position of a generated one. `line` is 1-based, `column` 1-based (as browsers'
    /// stack traces print them); returns 1-based line and column and the source as the map names it
    /// (sourceRoot applied), or nil when the position maps to nothing. Use the mapping segment with
    /// the greatest generated column <= the column on that line (the usual "greatest lower bound").
    func original(line: Int, column: Int) -> (source: String, line: Int, column: Int, name: String?)? {
        guard line >= 1, column >= 1, let line = Int32(exactly: line - 1), let column = Int32(exactly: column - 1) else {
            return nil
        }
        // The first segment after the position; the one before it is the greatest lower bound.
        var low = 0
        var high = segments.count
        while low < high {
            let middle = low + (high - low) / 2
            let segment = segments[middle]
            if segment.generatedLine < line || (segment.generatedLine == line && segment.generatedColumn <= column) {
                low = middle + 1
            } else {
                high = middle
            }
        }
        guard low > 0 else { return nil }
        let found = segments[low - 1]
        guard found.generatedLine == line, found.source >= 0 else { return nil }
        return (
            sources[Int(found.source)], Int(found.originalLine) + 1, Int(found.originalColumn) + 1,
            found.name >= 0 ? names[Int(found.name)] : nil
        )
    }

    /// The JSON object of a map's text, after the `)]}'` line and byte order mark some servers put first.
    private static func jsonObject(_ json: [UInt8]) -> [String: Any]? {
        var body = json[...]
        if body.starts(with: [0xEF, 0xBB, 0xBF]) { body = body.dropFirst(3) }
        if body.starts(with: Array(")]}'".utf8)) {
            body = body.drop(while: { $0 != UInt8(ascii: "\n") && $0 != UInt8(ascii: "\r") })
        }
        return (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any]
    }
}

/// One mapping: a generated position and what it maps to. 24 bytes, so a map of a million
/// segments takes 24 MB.
private struct SourceMapSegment: Sendable {
    var generatedLine: Int32
    var generatedColumn: Int32
    /// An index in the sources, or -1 when the code from here on maps to nothing.
    var source: Int32 = -1
    var originalLine: Int32 = 0
    var originalColumn: Int32 = 0
    /// An index in the names, or -1.
    var name: Int32 = -1

    /// Whether `self` comes before `other` in the generated code.
    func precedes(_ other: SourceMapSegment) -> Bool {
        generatedLine < other.generatedLine || (generatedLine == other.generatedLine && generatedColumn < other.generatedColumn)
    }
}

/// A 0-based position in the generated code (an index map's section offset).
private struct SourceMapPosition: Comparable {
    var line: Int
    var column: Int

    static func < (a: SourceMapPosition, b: SourceMapPosition) -> Bool {
        (a.line, a.column) < (b.line, b.column)
    }
}

/// One regular (not index) map, decoded and checked, with its own source and name indexes.
private struct RegularSourceMap {
    /// With `sourceRoot` applied; nil for a `null` entry.
    var sources: [String?]
    var names: [String]
    /// In map order, not sorted yet.
    var segments: [SourceMapSegment]

    /// Nil when `object` lacks `mappings` (a string) or `sources` (an array), is not version 3,
    /// or its mappings are malformed. Entries of the wrong type are read as the spec says: a
    /// source that is not a string as `null`, a name that is not one as `""`.
    init?(_ object: [String: Any]) {
        guard object["version"] as? Int == 3, var mappings = object["mappings"] as? String,
            let listed = object["sources"] as? [Any]
        else { return nil }
        let root = object["sourceRoot"] as? String ?? ""
        let prefix = root.isEmpty || root.hasSuffix("/") ? root : root + "/"
        let sources: [String?] = listed.map { entry in
            guard let source = entry as? String else { return nil }
            return SourceMapReference.hasScheme(source) ? source : prefix + source
        }
        let names = (object["names"] as? [Any] ?? []).map { $0 as? String ?? "" }
        guard
            let segments = mappings.withUTF8({
                Self.decode($0, sourceCount: sources.count, nameCount: names.count)
            })
        else { return nil }
        self.sources = sources
        self.names = names
        self.segments = segments
    }

    /// Decodes a `mappings` string, by hand over its bytes (a map of a few MB is a few million
    /// of them); nil when it is malformed.
    private static func decode(_ bytes: UnsafeBufferPointer<UInt8>, sourceCount: Int, nameCount: Int) -> [SourceMapSegment]? {
        let comma = UInt8(ascii: ","), semicolon = UInt8(ascii: ";")
        func endsSegment(_ index: Int) -> Bool {
            index == bytes.count || bytes[index] == comma || bytes[index] == semicolon
        }
        var segments: [SourceMapSegment] = []
        segments.reserveCapacity(bytes.count / 5)
        // The decoder's state: the generated line and column, and the four fields that are
        // relative to their previous value anywhere in the map.
        var line = 0, column = 0, source = 0, originalLine = 0, originalColumn = 0, name = 0
        var index = 0
        while index < bytes.count {
            if bytes[index] == semicolon {
                line += 1
                column = 0
                index += 1
                continue
            }
            if bytes[index] == comma {  // an empty segment (`,,`, or a trailing `,`): nothing to read
                index += 1
                continue
            }
            guard let columnDelta = vlq(bytes, &index) else { return nil }
            column &+= columnDelta
            var mapped = false
            var named = false
            if !endsSegment(index) {
                guard let sourceDelta = vlq(bytes, &index), !endsSegment(index),
                    let lineDelta = vlq(bytes, &index), !endsSegment(index),
                    let originalColumnDelta = vlq(bytes, &index)
                else { return nil }
                source &+= sourceDelta
                originalLine &+= lineDelta
                originalColumn &+= originalColumnDelta
                mapped = true
                if !endsSegment(index) {
                    guard let nameDelta = vlq(bytes, &index), endsSegment(index) else { return nil }
                    name &+= nameDelta
                    named = true
                }
            }
            guard column >= 0, let generatedLine = Int32(exactly: line), let generatedColumn = Int32(exactly: column) else {
                continue  // a negative (or absurd) generated column: the segment has no place
            }
            var segment = SourceMapSegment(generatedLine: generatedLine, generatedColumn: generatedColumn)
            if mapped, source >= 0, source < sourceCount, originalLine >= 0, originalColumn >= 0,
                let sourceIndex = Int32(exactly: source), let lineIndex = Int32(exactly: originalLine),
                let columnIndex = Int32(exactly: originalColumn)
            {
                segment.source = sourceIndex
                segment.originalLine = lineIndex
                segment.originalColumn = columnIndex
                if named, name >= 0, name < nameCount, let nameIndex = Int32(exactly: name) {
                    segment.name = nameIndex
                }
            }
            segments.append(segment)
        }
        return segments
    }

    /// Reads one base64 VLQ at `index`, advancing past it: 5 bits a digit, least significant
    /// first, the 6th bit saying another digit follows, and the lowest bit of the whole its sign.
    /// Nil for a byte outside the base64 alphabet (`,` and `;` included: a value cut short) or a
    /// value beyond 32 bits (7 digits at most, so the shifts cannot overflow).
    private static func vlq(_ bytes: UnsafeBufferPointer<UInt8>, _ index: inout Int) -> Int? {
        var value = 0
        var shift = 0
        while index < bytes.count {
            guard let digit = base64Digit(bytes[index]) else { return nil }
            index += 1
            value |= (digit & 31) << shift
            if digit & 32 == 0 {
                guard value <= 0xFFFF_FFFF else { return nil }
                return value & 1 == 1 ? -(value >> 1) : value >> 1
            }
            shift += 5
            guard shift <= 30 else { return nil }
        }
        return nil
    }
}

/// Gathers the mappings of one map, or of every section of an index map, with sources and names
/// shared.
private struct SourceMapBuilder {
    var sources: [String] = []
    var names: [String] = []
    var segments: [SourceMapSegment] = []
    private var sourceIndexes: [String: Int32] = [:]

    /// Adds `map`'s mappings moved by `offset` (its column on the map's first line only), keeping
    /// only those before `end`.
    mutating func add(_ map: RegularSourceMap, at offset: SourceMapPosition, before end: SourceMapPosition?) {
        var sourceIndex: [Int32] = []
        for source in map.sources {
            if let source { sourceIndex.append(intern(source)) } else { sourceIndex.append(-1) }
        }
        let firstName = names.count
        names += map.names
        // A lone regular map whose indexes are already the shared ones (no duplicate or null
        // source) is taken as it is: no second pass over a million segments.
        if segments.isEmpty, end == nil, offset == SourceMapPosition(line: 0, column: 0), firstName == 0,
            sourceIndex.elementsEqual(0..<Int32(truncatingIfNeeded: sourceIndex.count))
        {
            segments = map.segments
            return
        }
        for var segment in map.segments {
            let moved = SourceMapPosition(
                line: Int(segment.generatedLine) + offset.line,
                column: Int(segment.generatedColumn) + (segment.generatedLine == 0 ? offset.column : 0))
            if let end, moved >= end { continue }
            guard let line = Int32(exactly: moved.line), let column = Int32(exactly: moved.column) else { continue }
            segment.generatedLine = line
            segment.generatedColumn = column
            if segment.source >= 0 { segment.source = sourceIndex[Int(segment.source)] }
            if segment.name >= 0 {
                guard let name = Int32(exactly: Int(segment.name) + firstName) else { continue }
                segment.name = name
            }
            segments.append(segment)
        }
    }

    /// Adds the sections of an index map; false when one has no `offset` or `map` object (the
    /// spec's errors). Sections are taken in offset order whatever order they come in.
    mutating func addSections(_ entries: [Any]) -> Bool {
        var sections: [(offset: SourceMapPosition, map: RegularSourceMap?)] = []
        for entry in entries {
            guard let section = entry as? [String: Any] else { continue }
            guard let offset = section["offset"] as? [String: Any], let map = section["map"] as? [String: Any] else {
                return false
            }
            let line = offset["line"] as? Int ?? 0
            let column = offset["column"] as? Int ?? 0
            guard (0...Int(Int32.max)).contains(line), (0...Int(Int32.max)).contains(column) else { continue }
            sections.append((SourceMapPosition(line: line, column: column), RegularSourceMap(map)))
        }
        sections.sort { $0.offset < $1.offset }
        for (index, section) in sections.enumerated() {
            // The section's code is its own: it starts unmapped, not as the previous section's last mapping.
            segments.append(
                SourceMapSegment(generatedLine: Int32(section.offset.line), generatedColumn: Int32(section.offset.column)))
            if let map = section.map {
                add(map, at: section.offset, before: index + 1 < sections.count ? sections[index + 1].offset : nil)
            }
        }
        return true
    }

    /// Sorts the mappings by generated position, if they are not already (they usually are).
    /// Swift's sort is stable, so equal positions keep their order: a section's own mapping at its
    /// offset stays after the unmapped mark put there, and wins the lookup.
    mutating func sortSegments() {
        var sorted = true
        for index in segments.indices.dropFirst() where segments[index].precedes(segments[index - 1]) {
            sorted = false
            break
        }
        if !sorted { segments.sort { $0.precedes($1) } }
    }

    /// The index of `source` in `sources`, added if it is new.
    private mutating func intern(_ source: String) -> Int32 {
        if let known = sourceIndexes[source] { return known }
        let index = Int32(truncatingIfNeeded: sources.count)
        sources.append(source)
        sourceIndexes[source] = index
        return index
    }
}

/// The value of a base64 digit (`A`–`Z`, `a`–`z`, `0`–`9`, `+`, `/`), or nil.
private func base64Digit(_ byte: UInt8) -> Int? {
    switch byte {
    case UInt8(ascii: "A")...UInt8(ascii: "Z"): Int(byte - UInt8(ascii: "A"))
    case UInt8(ascii: "a")...UInt8(ascii: "z"): Int(byte - UInt8(ascii: "a")) + 26
    case UInt8(ascii: "0")...UInt8(ascii: "9"): Int(byte - UInt8(ascii: "0")) + 52
    case UInt8(ascii: "+"): 62
    case UInt8(ascii: "/"): 63
    default: nil
    }
}

/// Where a served script's source map is.
enum SourceMapReference {
    /// The URL in the last `//# sourceMappingURL=URL` (or `//@ sourceMappingURL=`, or `/*# sourceMappingURL=URL */` for CSS)
    /// comment of `script` (only comments in the last few lines / trailing part count, as browsers do), or nil.
    ///
    /// This is the spec's extraction "without parsing": the lines are read from the last one up,
    /// over blank lines and comments, and the first annotation found wins; the first line of code
    /// ends the search. So an annotation inside a string earlier in the file is never taken, nor
    /// one followed by code. The traps:
    /// - A line comment with a quote or a backquote in it, or a `*/`, may sit inside a string,
    ///   a template or a block comment (`` let a = `\n//# sourceMappingURL=x\n// `; ``): it ends
    ///   the search too, as the spec says.
    /// - Lines end at `\n`, `\r`, `\r\n`, U+2028 and U+2029, as in JavaScript.
    /// - A block comment counts when it stands alone on its line (CSS has no other kind, and
    ///   browsers accept it in scripts too); one spread over several lines ends the search.
    /// - The URL is the run of non-space characters after `sourceMappingURL=`; only spaces may
    ///   follow it (`# sourceMappingURL=a b` is no annotation). An empty one is nil.
    static func url(in script: [UInt8]) -> String? {
        var end = script.count
        while true {
            var start = end
            while start > 0, lineBreakLength(before: start, in: script) == 0 { start -= 1 }
            switch classify(script[start..<end]) {
            case .annotation(let url): return url
            case .code: return nil
            case .nothing: break
            }
            guard start > 0 else { return nil }
            end = start - lineBreakLength(before: start, in: script)
        }
    }

    /// The bytes of a `data:application/json;base64,...` (or `;charset=utf-8;base64,`, or not base64: percent-encoded) URL; nil for other URLs.
    ///
    /// Read as browsers read data URLs (the Fetch standard): the body is percent-decoded first,
    /// then, when the media type ends in `;base64`, decoded from base64 forgivingly (spaces
    /// ignored, padding optional); a fragment (`#…`) is not part of it. Any media type is taken:
    /// parsing the bytes as a map is the real check. Nil also for base64 that is not.
    static func inlineBytes(_ url: String) -> [UInt8]? {
        let bytes = Array(url.utf8)
        guard bytes.count >= 5, String(decoding: bytes[..<5], as: UTF8.self).lowercased() == "data:",
            let comma = bytes.firstIndex(of: UInt8(ascii: ","))
        else { return nil }
        let mediaType = String(decoding: bytes[5..<comma], as: UTF8.self)
        var body = bytes[(comma + 1)...]
        if let fragment = body.firstIndex(of: UInt8(ascii: "#")) { body = body[..<fragment] }
        let decoded = percentDecoded(body)
        return isBase64(mediaType) ? forgivingBase64(decoded) : decoded
    }

    /// Resolves a relative map URL (or a map's `sources` entry) against the URL path of the file it came from:
    /// `("app.js.map", from: "/js/app.js")` → `"/js/app.js.map"`; `("../src/a.ts", from: "/js/app.js.map")` → `"/src/a.ts"`;
    /// absolute paths stay; full URLs (`http://…`, `webpack://…`) are returned unchanged. Dot segments resolved; never above `/`.
    ///
    /// As URL resolution does: a reference with a scheme, or one that names a host (`//cdn/x.js`),
    /// is kept; the query and fragment of `urlPath` are ignored and those of `reference` kept;
    /// an empty reference is `urlPath` itself; `%2e` counts as a dot in dot segments (so
    /// `%2e%2e/` cannot climb where `../` may not); empty segments (`a//b`) stay. Nothing is
    /// percent-decoded.
    static func resolve(_ reference: String, from urlPath: String) -> String {
        if hasScheme(reference) || reference.hasPrefix("//") { return reference }
        let pathEnd = reference.firstIndex { $0 == "?" || $0 == "#" } ?? reference.endIndex
        let path = reference[..<pathEnd]
        let base = urlPath.prefix { $0 != "?" && $0 != "#" }
        let joined: String
        if path.hasPrefix("/") {
            joined = String(path)
        } else if path.isEmpty {
            joined = String(base)
        } else {
            let folderEnd = base.lastIndex(of: "/").map { base.index(after: $0) } ?? base.startIndex
            joined = String(base[..<folderEnd]) + path
        }
        return removingDotSegments(joined) + reference[pathEnd...]
    }

    /// Whether `reference` begins with a URL scheme (`http:`, `webpack:`, `data:`): letters,
    /// digits, `+`, `-` and `.` after a first letter, then `:`.
    fileprivate static func hasScheme(_ reference: String) -> Bool {
        guard let colon = reference.firstIndex(of: ":"), let first = reference.first, first.isASCII, first.isLetter else {
            return false
        }
        return reference[..<colon].allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "+-.".contains($0)) }
    }

    // MARK: - Annotations

    /// What a line of the trailing part of a script says.
    private enum TrailingLine {
        case annotation(String)
        /// A blank line, or a comment that is not an annotation: keep looking above.
        case nothing
        /// Code, or what may be inside a string or a comment: stop.
        case code
    }

    private static func classify(_ line: ArraySlice<UInt8>) -> TrailingLine {
        let slash = UInt8(ascii: "/"), star = UInt8(ascii: "*")
        let text = line.drop(while: isSpace)
        guard text.count >= 2 else { return text.isEmpty ? .nothing : .code }
        let second = text[text.startIndex + 1]
        if text.first == slash, second == slash {
            let comment = text.dropFirst(2)
            let quotes: Set<UInt8> = [UInt8(ascii: "\""), UInt8(ascii: "'"), UInt8(ascii: "`")]
            if comment.contains(where: { quotes.contains($0) }) || containsCommentEnd(comment) { return .code }
            return annotation(in: comment).map(TrailingLine.annotation) ?? .nothing
        }
        if text.first == slash, second == star {
            var comment = text.dropFirst(2)
            while let last = comment.last, isSpace(last) { comment.removeLast() }
            guard comment.count >= 2, comment.last == slash, comment[comment.endIndex - 2] == star else { return .code }
            comment.removeLast(2)
            if containsCommentEnd(comment) { return .code }  // `/* a */ code /* b */`
            return annotation(in: comment).map(TrailingLine.annotation) ?? .nothing
        }
        return .code
    }

    /// The URL of a comment's text (after `//` or `/*`) that reads `# sourceMappingURL=URL` or
    /// `@ sourceMappingURL=URL`, spaces allowed after the `#` and around the URL; else nil.
    private static func annotation(in comment: ArraySlice<UInt8>) -> String? {
        guard let marker = comment.first, marker == UInt8(ascii: "#") || marker == UInt8(ascii: "@") else { return nil }
        let key = Array("sourceMappingURL=".utf8)
        var rest = comment.dropFirst().drop(while: isSpace)
        guard rest.starts(with: key) else { return nil }
        rest = rest.dropFirst(key.count)
        let url = rest.prefix { !isSpace($0) }
        guard !url.isEmpty, rest[url.endIndex...].allSatisfy(isSpace) else { return nil }
        return String(decoding: url, as: UTF8.self)
    }

    private static func containsCommentEnd(_ text: ArraySlice<UInt8>) -> Bool {
        zip(text, text.dropFirst()).contains { $0 == UInt8(ascii: "*") && $1 == UInt8(ascii: "/") }
    }

    /// Spaces and tabs (line breaks are gone by then).
    private static func isSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0B || byte == 0x0C
    }

    /// How many bytes the line break that ends right before `index` takes (0 when none does):
    /// `\n`, `\r`, `\r\n`, or U+2028/U+2029 (3 bytes in UTF-8).
    private static func lineBreakLength(before index: Int, in bytes: [UInt8]) -> Int {
        guard index > 0 else { return 0 }
        switch bytes[index - 1] {
        case UInt8(ascii: "\n"): return index > 1 && bytes[index - 2] == UInt8(ascii: "\r") ? 2 : 1
        case UInt8(ascii: "\r"): return 1
        case 0xA8, 0xA9: return index > 2 && bytes[index - 2] == 0x80 && bytes[index - 3] == 0xE2 ? 3 : 0
        default: return 0
        }
    }

    // MARK: - Data URLs

    /// Whether a data URL's media type says base64: it ends in `;base64` (any case, spaces
    /// allowed before `base64`).
    private static func isBase64(_ mediaType: String) -> Bool {
        var type = Substring(mediaType.lowercased())
        while let last = type.last, last == " " || last == "\t" { type.removeLast() }
        guard type.hasSuffix("base64") else { return false }
        type.removeLast(6)
        while type.last == " " { type.removeLast() }
        return type.hasSuffix(";")
    }

    /// `%XX` sequences decoded; a `%` not followed by two hex digits stays as it is.
    private static func percentDecoded(_ bytes: ArraySlice<UInt8>) -> [UInt8] {
        func hex(_ byte: UInt8) -> UInt8? {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
            default: nil
            }
        }
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var index = bytes.startIndex
        while index < bytes.endIndex {
            if bytes[index] == UInt8(ascii: "%"), index + 2 < bytes.endIndex, let high = hex(bytes[index + 1]),
                let low = hex(bytes[index + 2])
            {
                output.append(high << 4 | low)
                index += 3
            } else {
                output.append(bytes[index])
                index += 1
            }
        }
        return output
    }

    /// The WHATWG "forgiving base64" decode: ASCII whitespace ignored, `=` padding optional but
    /// only at the end; nil for anything else that is not a base64 digit, or a length that
    /// cannot be (one digit too many).
    private static func forgivingBase64(_ text: [UInt8]) -> [UInt8]? {
        let whitespace: Set<UInt8> = [0x20, 0x09, 0x0A, 0x0C, 0x0D]
        var digits = text.filter { !whitespace.contains($0) }
        if digits.count % 4 == 0, digits.last == UInt8(ascii: "=") {
            digits.removeLast()
            if digits.last == UInt8(ascii: "=") { digits.removeLast() }
        }
        guard digits.count % 4 != 1 else { return nil }
        var output: [UInt8] = []
        output.reserveCapacity(digits.count / 4 * 3 + 2)
        var buffer = 0
        var bits = 0
        for byte in digits {
            guard let digit = base64Digit(byte) else { return nil }
            buffer = buffer << 6 | digit
            bits += 6
            if bits >= 8 {
                bits -= 8
                output.append(UInt8(truncatingIfNeeded: buffer >> bits))
                buffer &= (1 << bits) - 1
            }
        }
        return output
    }

    // MARK: - Paths

    /// `path` with `.` and `..` segments applied, from the root (a `..` at the root stays there).
    private static func removingDotSegments(_ path: String) -> String {
        let segments = path.split(separator: "/", omittingEmptySubsequences: false)
        let parts = path.hasPrefix("/") ? segments.dropFirst() : segments[...]
        var kept: [Substring] = []
        for (index, part) in parts.enumerated() {
            let isLast = index == parts.count - 1
            switch part.lowercased() {
            case ".", "%2e":
                if isLast { kept.append("") }  // `/js/.` is the folder `/js/`
            case "..", ".%2e", "%2e.", "%2e%2e":
                if !kept.isEmpty { kept.removeLast() }
                if isLast { kept.append("") }
            default:
                kept.append(part)
            }
        }
        return "/" + kept.joined(separator: "/")
    }
}
