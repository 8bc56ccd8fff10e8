import Foundation
import Testing

@testable import DevServe

/// Source maps (`SourceMap`) and finding them (`SourceMapReference`): real esbuild output mapped
/// back to its TypeScript, hand-written maps for the corners of the format (names, unmapped
/// segments, `sourceRoot`, index maps), malformed and random maps that must never crash, and the
/// rules for annotations, data URLs and paths.
@Suite struct SourceMapTests {
    typealias Original = (source: String, line: Int, column: Int, name: String?)

    static func map(_ json: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> SourceMap {
        try #require(SourceMap(json: Array(json.utf8)), "not a map: \(json)", sourceLocation: sourceLocation)
    }

    static func parses(_ json: String) -> Bool {
        SourceMap(json: Array(json.utf8)) != nil
    }

    /// What a lookup found, as one string to compare: `a.ts:3:4`, `a.ts:3:4 name`, or `nothing`.
    static func describe(_ found: Original?) -> String {
        guard let found else { return "nothing" }
        return "\(found.source):\(found.line):\(found.column)" + (found.name.map { " \($0)" } ?? "")
    }

    /// A regular map with these sources, names (JSON arrays) and mappings.
    static func regularMap(sources: String = #"["a.js"]"#, names: String = "[]", _ mappings: String) -> String {
        #"{"version":3,"sources":\#(sources),"names":\#(names),"mappings":"\#(mappings)"}"#
    }

    /// The base64 VLQ of `value`, to write mappings by number where a literal would be cryptic.
    static func vlq(_ value: Int) -> String {
        let digits = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")
        var rest = value < 0 ? (-value << 1) | 1 : value << 1
        var text = ""
        repeat {
            var digit = rest & 31
            rest >>= 5
            if rest > 0 { digit |= 32 }
            text.append(digits[digit])
        } while rest > 0
        return text
    }

    /// Where the `occurrence`-th `token` starts in `text`: 1-based line, and 1-based column in
    /// UTF-16 code units, which is what maps and browsers count (`parse.ts` has an emoji before
    /// its `throw`: two units, one character).
    static func position(of token: String, in text: String, occurrence: Int = 1) -> (line: Int, column: Int)? {
        let haystack = Array(text.utf16)
        let needle = Array(token.utf16)
        guard !needle.isEmpty, needle.count <= haystack.count else { return nil }
        var seen = 0
        for start in 0...(haystack.count - needle.count) where haystack[start..<start + needle.count].elementsEqual(needle) {
            seen += 1
            guard seen == occurrence else { continue }
            let before = haystack[..<start]
            let lineStart = before.lastIndex(of: 10).map { $0 + 1 } ?? 0
            return (before.count(where: { $0 == 10 }) + 1, start - lineStart + 1)
        }
        return nil
    }

    // MARK: - esbuild

    /// A position to check in esbuild's output: where `generated` starts (plus `offset` columns)
    /// must map to where `original` starts in `source`, with `name`.
    struct Probe: Sendable {
        let generated: String
        var offset = 0
        let source: String
        let original: String
        var name: String? = nil
    }

    static let parse = "../src/parse.ts"
    static let greeter = "../src/lib/greeter.ts"
    static let app = "../src/app.ts"

    /// Checks each probe against `map`, finding the tokens in `generated` and in the sources.
    static func check(
        _ probes: [Probe], in generated: String, _ map: SourceMap, sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        for probe in probes {
            let at = try #require(
                position(of: probe.generated, in: generated), "\(probe.generated) is not in the output",
                sourceLocation: sourceLocation)
            let source = try #require(Esbuild.sources[probe.source], sourceLocation: sourceLocation)
            let expected = try #require(
                position(of: probe.original, in: source), "\(probe.original) is not in \(probe.source)",
                sourceLocation: sourceLocation)
            let want = "\(probe.source):\(expected.line):\(expected.column)" + (probe.name.map { " \($0)" } ?? "")
            #expect(
                describe(map.original(line: at.line, column: at.column + probe.offset)) == want,
                "\(probe.generated) at \(at.line):\(at.column + probe.offset)", sourceLocation: sourceLocation)
        }
    }

    static let bundleProbes: [Probe] = [
        // V8's frame for `throw new Error(…)` points at the `new`.
        Probe(generated: #"new Error("boom"#, source: greeter, original: #"new Error("boom"#),
        Probe(generated: #"throw new Error("boom"#, source: greeter, original: #"throw new Error("boom"#),
        // After "😀 é" on the same line: column 52 in UTF-16 units, 51 in characters.
        Probe(generated: "throw new TypeError", source: parse, original: "throw new TypeError"),
        // Inside a token: the greatest lower bound is the token's start.
        Probe(generated: #""boom ""#, offset: 3, source: greeter, original: #""boom ""#),
        Probe(generated: "return `Hello", source: greeter, original: "return `Hello"),
        Probe(generated: "greet(count", source: greeter, original: "greet(count"),
        Probe(generated: "explode(amount", source: app, original: "explode(amount"),
        Probe(generated: "greet(amount", source: app, original: "greet(amount"),
        Probe(generated: #"main("-3"#, source: app, original: #"main("-3"#),
        Probe(generated: "Number(digits)", source: parse, original: "Number(digits)"),
        Probe(generated: "addEventListener", source: app, original: "addEventListener"),
    ]

    @Test func esbuildBundleMapsBackToTheTypeScript() throws {
        let map = try Self.map(Esbuild.appMap)
        #expect(map.sources == [Self.parse, Self.greeter, Self.app])
        try Self.check(Self.bundleProbes, in: Esbuild.appJS, map)
        // What devserve does with a frame: the map's URL from the script, the source's from the map.
        let reference = try #require(SourceMapReference.url(in: Array(Esbuild.appJS.utf8)))
        let mapPath = SourceMapReference.resolve(reference, from: "/out/app.js")
        #expect(mapPath == "/out/app.js.map")
        let boom = try #require(Self.position(of: #"new Error("boom"#, in: Esbuild.appJS))
        let found = try #require(map.original(line: boom.line, column: boom.column))
        #expect(SourceMapReference.resolve(found.source, from: mapPath) == "/src/lib/greeter.ts")
    }

    @Test func esbuildMinifiedBundleMapsBackWithNames() throws {
        let map = try Self.map(Esbuild.minifiedMap)
        #expect(map.sources == [Self.parse, Self.greeter, Self.app])
        #expect(SourceMapReference.url(in: Array(Esbuild.minifiedJS.utf8)) == "app.min.js.map")
        try Self.check(
            [
                Probe(generated: #"new Error("boom"#, source: Self.greeter, original: #"new Error("boom"#),
                Probe(generated: "throw new TypeError", source: Self.parse, original: "throw new TypeError"),
                Probe(generated: #""boom ""#, source: Self.greeter, original: #""boom ""#),
                // Renamed by the minifier: the map names the original.
                Probe(generated: "u(e.value)", source: Self.app, original: "explode(amount", name: "explode"),
                Probe(generated: "o(r)", source: Self.parse, original: "parseAmount(", name: "parseAmount"),
                Probe(generated: #"a("-3"#, source: Self.app, original: #"main("-3"#, name: "main"),
                Probe(generated: "s.greet(", source: Self.app, original: "greeter.greet(", name: "greeter"),
                Probe(generated: "Number(e)", source: Self.parse, original: "Number(digits)"),
                Probe(generated: "greet(e){", source: Self.greeter, original: "greet(count"),
                Probe(generated: "addEventListener", source: Self.app, original: "addEventListener"),
            ], in: Esbuild.minifiedJS, map)
    }

    @Test func esbuildInlineMapIsFoundAndDecoded() throws {
        let url = try #require(SourceMapReference.url(in: Array(Esbuild.inlineJS.utf8)))
        #expect(url.hasPrefix("data:application/json;base64,"))
        let bytes = try #require(SourceMapReference.inlineBytes(url))
        #expect(bytes == Array(Esbuild.appMap.utf8), "the inline map is the file map, byte for byte")
        let map = try #require(SourceMap(json: bytes))
        try Self.check(Self.bundleProbes, in: Esbuild.inlineJS, map)
    }

    /// The fixtures are what they say: the maps carry the sources verbatim (`sourcesContent`).
    @Test func theFixturesAreEsbuildsOwn() throws {
        for json in [Esbuild.appMap, Esbuild.minifiedMap] {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
            #expect(object["sourcesContent"] as? [String] == [Esbuild.parseTS, Esbuild.greeterTS, Esbuild.appTS])
        }
        func code(_ script: String) -> [Substring] {
            script.split(separator: "\n").filter { !$0.hasPrefix("//# sourceMappingURL=") }
        }
        #expect(code(Esbuild.inlineJS) == code(Esbuild.appJS), "the inline build is the same code")
    }

    @Test func positionsWithoutAMappingGiveNothing() throws {
        let map = try Self.map(Esbuild.appMap)
        // `(() => {` and `// src/parse.ts`: esbuild maps neither (the mappings begin with `;;`).
        for (line, column) in [(1, 1), (1, 5), (2, 1), (2, 5), (38, 1), (999, 1), (Int.max, 1)] {
            #expect(Self.describe(map.original(line: line, column: column)) == "nothing", "\(line):\(column)")
        }
        for (line, column) in [(0, 1), (1, 0), (-1, -1), (Int.min, Int.min), (5, Int.max), (Int.max, Int.max)] {
            #expect(Self.describe(map.original(line: line, column: column)) == "nothing", "\(line):\(column)")
        }
    }

    // MARK: - Hand-written maps

    /// Line 1: `foo` from col 5, nothing from col 11 (a 1-field segment), `bar` from col 16;
    /// line 2: no segment; line 3: one from col 1. The VLQs, field by field: `IAAAA` is
    /// col 4, source 0, line 0, col 0, name 0; `M` col +6; `KCEGC` col +5, source +1, line +2,
    /// col +3, name +1; `ADGF` col 0, source −1, line +3, col −2.
    @Test func namesUnmappedSegmentsAndTheGreatestLowerBound() throws {
        let map = try Self.map(Self.regularMap(sources: #"["a.js","b.js"]"#, names: #"["foo","bar"]"#, "IAAAA,M,KCEGC;;ADGF"))
        let expected: [(line: Int, column: Int, found: String)] = [
            (1, 1, "nothing"), (1, 4, "nothing"),  // before the line's first mapping
            (1, 5, "a.js:1:1 foo"), (1, 10, "a.js:1:1 foo"),
            (1, 11, "nothing"), (1, 15, "nothing"),  // after the unmapped segment
            (1, 16, "b.js:3:4 bar"), (1, 999, "b.js:3:4 bar"),
            (2, 1, "nothing"), (2, 50, "nothing"),  // an empty line does not borrow from the one above
            (3, 1, "a.js:6:2"), (3, 50, "a.js:6:2"),
            (4, 1, "nothing"),  // past the last line
        ]
        for (line, column, found) in expected {
            #expect(Self.describe(map.original(line: line, column: column)) == found, "\(line):\(column)")
        }
        #expect(map.sources == ["a.js", "b.js"])
        // The test's own encoder agrees with the hand-written digits.
        #expect([4, 6, -1, -2, 2_147_483_647].map(Self.vlq) == ["I", "M", "D", "F", "+/////D"])
    }

    @Test func sourceRootIsPrependedWithASlash() throws {
        for (root, prefix) in [
            ("src", "src/"), ("src/", "src/"), ("", ""), ("/project", "/project/"),
            ("https://example.test/app", "https://example.test/app/"),
        ] {
            let map = try Self.map(
                #"{"version":3,"sourceRoot":"\#(root)","sources":["a.ts","lib/b.ts","webpack://app/c.ts",null],"names":[],"#
                    + #""mappings":"AAAA,KCAA,KCAA,KCAA"}"#)
            // A full URL keeps its own place; a null source is no source.
            #expect(map.sources == [prefix + "a.ts", prefix + "lib/b.ts", "webpack://app/c.ts"], "sourceRoot \(root)")
            #expect(
                [1, 6, 11, 16].map { map.original(line: 1, column: $0)?.source ?? "nothing" }
                    == [prefix + "a.ts", prefix + "lib/b.ts", "webpack://app/c.ts", "nothing"], "sourceRoot \(root)")
        }
        #expect(try Self.map(Self.regularMap("AAAA")).sources == ["a.js"])
        let odd = try Self.map(Self.regularMap(sources: #"["a.js","a.js",null,7]"#, "AAAA"))
        #expect(odd.sources == ["a.js"], "each once; non-strings are null")
    }

    /// Three sections: A from 1:1 (a mapping at col 21 of line 2 reaches into B and is
    /// dropped), B from col 21 of line 2 (its first mapping 5 columns further: before it,
    /// nothing; its second line is not moved by the column offset), C from line 4, with its own
    /// `sourceRoot`. B shares `one.ts` with A.
    static let sectionA = section(
        0, 0, #"{"version":3,"sources":["one.ts"],"names":["first"],"mappings":"AAAAA;AACA,UAAU,UAAU"}"#)
    static let sectionB = section(
        1, 20, #"{"version":3,"sources":["two.ts","one.ts"],"names":["second"],"mappings":"KAAAA;ACIE"}"#)
    static let sectionC = section(
        3, 0, #"{"version":3,"sourceRoot":"lib","sources":["three.ts"],"names":[],"mappings":"AAAA"}"#)

    /// A section of an index map: an offset (0-based) and a map.
    static func section(_ line: Int, _ column: Int, _ map: String) -> String {
        #"{"offset":{"line":\#(line),"column":\#(column)},"map":\#(map)}"#
    }

    @Test(arguments: [[sectionA, sectionB, sectionC], [sectionC, sectionB, sectionA]])
    func indexMapsAreFlattened(_ sections: [String]) throws {
        let map = try Self.map(#"{"version":3,"file":"joined.js","sections":[\#(sections.joined(separator: ","))]}"#)
        #expect(map.sources == ["one.ts", "two.ts", "lib/three.ts"], "each once, in offset order")
        let expected: [(line: Int, column: Int, found: String)] = [
            (1, 1, "one.ts:1:1 first"), (2, 1, "one.ts:2:1"), (2, 11, "one.ts:2:11"), (2, 20, "one.ts:2:11"),
            (2, 21, "nothing"), (2, 25, "nothing"),  // B's code before its first mapping
            (2, 26, "two.ts:1:1 second"), (2, 31, "two.ts:1:1 second"),  // not A's mapping at col 21
            (3, 1, "one.ts:5:3"), (3, 9, "one.ts:5:3"),
            (4, 1, "lib/three.ts:1:1"), (5, 1, "nothing"),
        ]
        for (line, column, found) in expected {
            #expect(Self.describe(map.original(line: line, column: column)) == found, "\(line):\(column)")
        }
    }

    @Test func indexMapSectionsThatAreNoMapAreSkipped() throws {
        let sections = [
            Self.section(0, 0, Self.regularMap(sources: #"["bad.ts"]"#, "!!")),
            Self.section(1, 0, #"{"version":3,"sections":[]}"#),  // index maps do not nest
            #""not a section""#,
            Self.section(2, 0, Self.regularMap(sources: #"["good.ts"]"#, "AAAA")),
        ]
        let skipped = try Self.map(#"{"version":3,"sections":[\#(sections.joined(separator: ","))]}"#)
        #expect(skipped.sources == ["good.ts"])
        #expect(Self.describe(skipped.original(line: 1, column: 1)) == "nothing")
        #expect(Self.describe(skipped.original(line: 3, column: 1)) == "good.ts:1:1")

        // Far offsets cost nothing; one beyond 32 bits is skipped.
        let farSections = [
            Self.section(2_000_000_000, 7, Self.regularMap(sources: #"["far.ts"]"#, "AAAA")),
            Self.section(1_000_000_000_000, 0, Self.regularMap(sources: #"["huge.ts"]"#, "AAAA")),
        ]
        let far = try Self.map(#"{"version":3,"sections":[\#(farSections.joined(separator: ","))]}"#)
        #expect(far.sources == ["far.ts"])
        #expect(Self.describe(far.original(line: 2_000_000_001, column: 8)) == "far.ts:1:1")
        #expect(Self.describe(far.original(line: 2_000_000_001, column: 7)) == "nothing")

        for json in [
            #"{"version":3,"sections":[{"map":{"version":3,"sources":[],"mappings":""}}]}"#,
            #"{"version":3,"sections":[{"offset":{"line":0,"column":0}}]}"#,
            #"{"version":3,"sections":{}}"#,
        ] {
            #expect(!Self.parses(json), "\(json)")
        }
    }

    // MARK: - Malformed maps

    @Test func malformedMapsGiveNil() {
        let malformed = [
            "", "not json", "[]", "null", "3", #"{"version":3,"sources":["a.js"],"mappings":"AAAA""#,
            #"{"version":2,"sources":[],"mappings":""}"#, #"{"sources":[],"mappings":""}"#,
            #"{"version":"3","sources":[],"mappings":""}"#, #"{"version":3,"sources":[]}"#,
            #"{"version":3,"sources":[],"mappings":7}"#, #"{"version":3,"mappings":"AAAA"}"#,
            #"{"version":3,"sources":"a.js","mappings":"AAAA"}"#,
            Self.regularMap("AA!A"),  // not base64
            Self.regularMap("AAAA;é"),
            Self.regularMap("AAAg"), Self.regularMap("gAAA,g"),  // a value cut short
            Self.regularMap("AA"), Self.regularMap("AAA"), Self.regularMap("AAAAAA"),  // 2, 3 and 6 fields
            Self.regularMap("ggggggggA"), Self.regularMap("ggggggE"),  // beyond 32 bits (2^31)
        ]
        for json in malformed {
            #expect(!Self.parses(json), "\(json)")
        }
    }

    /// The spec's line: a mapping that makes no sense is dropped, or maps to nothing; the rest
    /// of the map stays.
    @Test func nonsenseSegmentsAreDroppedNotTheMap() throws {
        let cases: [(mappings: String, names: String, expected: [(column: Int, found: String)])] = [
            ("D,CAAA", "[]", [(1, "a.js:1:1")]),  // column −1 has no place; the next one is relative to it
            ("ACAA,KDAA", "[]", [(1, "nothing"), (6, "a.js:1:1")]),  // source 1 of 1
            ("AADA,KACA", "[]", [(1, "nothing"), (6, "a.js:1:1")]),  // original line −1
            ("AAAAC", #"["x"]"#, [(1, "a.js:1:1")]),  // name 1 of 1: the mapping without it
            ("KAAK,LAAL", "[]", [(1, "a.js:1:1"), (5, "a.js:1:1"), (6, "a.js:1:6")]),  // unsorted
            (",,AAAA,,;;,", "[]", [(1, "a.js:1:1")]),  // empty segments
            ("+/////DAAAA", "[]", [(2_147_483_647, "nothing"), (2_147_483_648, "a.js:1:1"), (1 << 62, "nothing")]),
        ]
        for (mappings, names, expected) in cases {
            let map = try Self.map(Self.regularMap(names: names, mappings))
            for (column, found) in expected {
                #expect(Self.describe(map.original(line: 1, column: column)) == found, "\(mappings) at 1:\(column)")
            }
        }
        // What servers put before a map, and a byte order mark.
        for prefix in [")]}'\n", ")]}' anything\r\n"] {
            let map = try Self.map(prefix + Self.regularMap("AAAA"))
            #expect(Self.describe(map.original(line: 1, column: 1)) == "a.js:1:1", "\(prefix.debugDescription)")
        }
        let marked = try #require(SourceMap(json: [0xEF, 0xBB, 0xBF] + Array(Self.regularMap("AAAA").utf8)))
        #expect(Self.describe(marked.original(line: 1, column: 1)) == "a.js:1:1")
    }

    /// 20,000 lines of 50 segments: a 5 MB map. Each line's first segment goes back by the 245
    /// columns the line before it moved the original column. (How fast is not asserted here:
    /// timings belong in Benchmarks/.)
    @Test(.timeLimit(.minutes(1))) func aMapOfSeveralMegabytesDecodes() throws {
        let rest = String(repeating: ",KAAK", count: 49)
        let mappings = (["AAAA" + rest] + Array(repeating: "AAC" + Self.vlq(-245) + rest, count: 19_999)).joined(separator: ";")
        let json = Array(Self.regularMap(sources: #"["big.ts"]"#, mappings).utf8)
        #expect(json.count > 5_000_000)
        let parsed = try #require(SourceMap(json: json))
        #expect(Self.describe(parsed.original(line: 12_345, column: 5 * 17 + 4)) == "big.ts:12345:86")
        #expect(Self.describe(parsed.original(line: 20_000, column: 1_000)) == "big.ts:20000:246")
        #expect(Self.describe(parsed.original(line: 20_001, column: 1)) == "nothing")
    }

    // MARK: - Garbage never crashes

    /// Random bytes and JSON pieces: whatever parses, a lookup must not crash either.
    @Test func randomBytesNeverCrashTheParser() {
        var random = SplitMix64(seed: 23)  // the generator of RobustnessTests.swift
        let pieces = [
            "{", "}", "\"", "version", "3", ":", ",", "[", "]", "\"sections\"", "\"offset\"", "\"map\"", "\"line\"",
            "\"mappings\"", "\"sources\"", "\"names\"", "null", "\"AAAA\"", ";", "-1", "1e999", ")]}'", "\n",
            #"{"version":3,"sources":["a"],"mappings":""#,
        ]
        for _ in 0..<3_000 {
            var bytes: [UInt8] = []
            for _ in 0..<Int.random(in: 0...40, using: &random) {
                if Bool.random(using: &random) {
                    bytes += Array(pieces.randomElement(using: &random)!.utf8)
                } else {
                    bytes.append(UInt8.random(in: 0...255, using: &random))
                }
            }
            if let map = SourceMap(json: bytes) {
                _ = map.original(line: Int.random(in: -2...3, using: &random), column: Int.random(in: -2...9, using: &random))
            }
        }
    }

    /// Random mappings in a valid map: whatever a lookup finds is in range.
    @Test func randomMappingsNeverCrashAndStayInRange() {
        var random = SplitMix64(seed: 19)
        let alphabet = Array("AAAABCDEFKLgh+/z9,,;;!".utf8)
        for round in 0..<5_000 {
            let digits = (0..<Int.random(in: 0...40, using: &random)).map { _ in alphabet.randomElement(using: &random)! }
            let mappings = String(decoding: digits, as: UTF8.self)
            let sources = (0..<Int.random(in: 0...3, using: &random)).map { "\"s\($0).ts\"" }.joined(separator: ",")
            let json = Self.regularMap(sources: "[\(sources)]", names: #"["n"]"#, mappings)
            guard let map = SourceMap(json: Array(json.utf8)) else { continue }
            for _ in 0..<8 {
                let line = Int.random(in: -1...6, using: &random)
                let column = Int.random(in: -1...300, using: &random)
                guard let found = map.original(line: line, column: column) else { continue }
                let inRange = map.sources.contains(found.source) && found.line >= 1 && found.column >= 1
                if !inRange || (found.name != nil && found.name != "n") {
                    Issue.record("round \(round), \(mappings) at \(line):\(column): \(Self.describe(found))")
                    return
                }
            }
        }
    }

    /// esbuild's maps and the index map, cut at random places and with random bytes replaced.
    @Test func mangledMapsNeverCrash() {
        var random = SplitMix64(seed: 31)
        let index = #"{"version":3,"sections":[\#([Self.sectionA, Self.sectionB, Self.sectionC].joined(separator: ","))]}"#
        let noise = Array("AZaz09+/,;!g\"\\{}[]".utf8)
        for json in [Esbuild.appMap, Esbuild.minifiedMap, index].map({ Array($0.utf8) }) {
            for _ in 0..<200 {
                var bytes = Array(json.prefix(Int.random(in: (json.count / 2)...json.count, using: &random)))
                for _ in 0..<Int.random(in: 0...3, using: &random) where !bytes.isEmpty {
                    let at = Int.random(in: 0..<bytes.count, using: &random)
                    bytes[at] = noise.randomElement(using: &random)!
                }
                guard let map = SourceMap(json: bytes) else { continue }
                for line in 0...40 {
                    if let found = map.original(line: line, column: Int.random(in: 1...500, using: &random)) {
                        #expect(map.sources.contains(found.source) && found.line >= 1 && found.column >= 1)
                    }
                }
            }
        }
    }

    // MARK: - Finding the map

    @Test func theAnnotationIsTheLastCommentOfTheTrailingPart() {
        let cases: [(script: String, url: String?)] = [
            ("a();\n//# sourceMappingURL=app.js.map", "app.js.map"),
            ("a();\n//# sourceMappingURL=app.js.map\n", "app.js.map"),
            ("a();\n//# sourceMappingURL=app.js.map  \n\n \t\n", "app.js.map"),
            ("a();\r\n//# sourceMappingURL=app.js.map\r\n", "app.js.map"),
            ("a();\u{2028}//# sourceMappingURL=app.js.map", "app.js.map"),
            ("//# sourceMappingURL=app.js.map", "app.js.map"),
            ("a();\n//@ sourceMappingURL=legacy.js.map\n", "legacy.js.map"),
            ("a();\n//#sourceMappingURL=tight.js.map", "tight.js.map"),
            ("a();\n  //#   sourceMappingURL=spaced.js.map\t\n", "spaced.js.map"),
            ("a();\n//# sourceMappingURL=first.map\n//# sourceMappingURL=second.map\n", "second.map"),
            ("a();\n//# sourceMappingURL=app.js.map\n// built by esbuild\n", "app.js.map"),
            ("a();\n//# sourceMappingURL=app.js.map\n//# debugId=85314830-023f-4cf1-a267-535f4e37bb17\n", "app.js.map"),
            ("x\n//# sourceMappingURL=data:application/json;base64,e30=\n", "data:application/json;base64,e30="),
            // In a string, or followed by code: not the annotation.
            ("const s = \"//# sourceMappingURL=fake.js.map\";\nrun(s);\n", nil),
            ("const s = \"\\\n//# sourceMappingURL=fake.js.map\\\n\";\n", nil),
            ("//# sourceMappingURL=early.js.map\nrun();\n", nil),
            ("run(); //# sourceMappingURL=same-line.js.map", nil),
            // The spec's ambiguous case, and its rule: a quote in a later comment ends the search.
            ("let a = `\n//# sourceMappingURL=foo.js.map\n// `;\n", nil),
            ("run();\n//# sourceMappingURL=app.js.map\n// don't\n", nil),
            // Block comments (CSS), alone on their line.
            ("run();\n/*# sourceMappingURL=block.js.map */\n", "block.js.map"),
            ("body { color: red }\n/*# sourceMappingURL=style.css.map */", "style.css.map"),
            ("body {}\n/*# sourceMappingURL=style.css.map */\n/* end */\n", "style.css.map"),
            ("body {}\n/* a\n# sourceMappingURL=x.css.map */\n", nil),
            // Not annotations.
            ("run();\n//# sourceMappingURL=\n", nil),
            ("run();\n//# sourceMappingURL=a b.map\n", nil),
            ("run();\n// sourceMappingURL=nohash.map\n", nil),
            ("", nil), ("\n\n", nil),
        ]
        for (script, url) in cases {
            #expect(SourceMapReference.url(in: Array(script.utf8)) == url, "\(script.debugDescription)")
        }
        #expect(SourceMapReference.url(in: Array(Esbuild.appJS.utf8)) == "app.js.map")
    }

    @Test func inlineMapsAreDataURLs() {
        let json = #"{"version":3,"sources":["a.ts"],"names":["é"],"mappings":"AAAA"}"#
        let base64 = Data(json.utf8).base64EncodedString()
        #expect(base64.hasSuffix("="), "the padding cases below need padding")
        let cases: [(url: String, bytes: [UInt8]?)] = [
            ("data:application/json;base64," + base64, Array(json.utf8)),
            ("data:application/json;charset=utf-8;base64," + base64, Array(json.utf8)),
            ("DATA:Application/JSON;BASE64," + base64, Array(json.utf8)),
            ("data:application/json;base64," + base64.filter { $0 != "=" }, Array(json.utf8)),
            ("data:application/json;base64," + base64.replacingOccurrences(of: "=", with: "%3D"), Array(json.utf8)),
            ("data:application/json;base64,e30=#fragment", Array("{}".utf8)),
            ("data:application/json;charset=utf-8,%7B%22version%22%3A3%7D", Array(#"{"version":3}"#.utf8)),
            (#"data:application/json,{"version":3}"#, Array(#"{"version":3}"#.utf8)),
            ("data:,hello%20world", Array("hello world".utf8)),
            ("data:,100%", Array("100%".utf8)), ("data:,a%zzb", Array("a%zzb".utf8)),
            ("data:application/json;base64,@@@@", nil), ("data:application/json;base64,A", nil),
            ("data:application/json;base64,e3=0", nil),
            ("app.js.map", nil), ("http://cdn.test/app.js.map", nil), ("data:application/json", nil), ("", nil),
        ]
        for (url, bytes) in cases {
            #expect(SourceMapReference.inlineBytes(url) == bytes, "\(url)")
        }
        let inline = SourceMapReference.inlineBytes("data:application/json;base64," + base64)
        #expect(inline.flatMap { SourceMap(json: $0) }?.sources == ["a.ts"])
    }

    @Test func resolveWorksLikeURLs() {
        let cases: [(reference: String, from: String, resolved: String)] = [
            ("app.js.map", "/js/app.js", "/js/app.js.map"),
            ("../src/a.ts", "/js/app.js.map", "/src/a.ts"),
            ("../../../../etc/passwd", "/js/app.js.map", "/etc/passwd"),
            ("/maps/app.js.map", "/js/app.js", "/maps/app.js.map"),
            ("/a/../../b", "/js/app.js", "/b"),
            ("http://cdn.test/app.js.map", "/js/app.js", "http://cdn.test/app.js.map"),
            ("webpack://app/./src/a.ts", "/js/app.js.map", "webpack://app/./src/a.ts"),
            ("data:application/json;base64,e30=", "/js/app.js", "data:application/json;base64,e30="),
            ("//cdn.test/a.map", "/js/app.js", "//cdn.test/a.map"),
            ("./a/./b/../c.ts", "/js/app.js", "/js/a/c.ts"),
            ("app.js.map", "/js/app.js?v=3#top", "/js/app.js.map"),
            ("app.js.map?v=3", "/js/app.js", "/js/app.js.map?v=3"),
            ("a.map", "/app.js", "/a.map"), ("a.map", "app.js", "/a.map"),
            ("..", "/js/app.js", "/"), (".", "/js/app.js", "/js/"),
            ("%2e%2e/%2E%2E/x", "/a/b/c.js", "/x"),
            ("", "/js/app.js", "/js/app.js"),
            ("a//b.ts", "/js/app.js", "/js/a//b.ts"),
            ("./a:b", "/x/y.js", "/x/a:b"),
            // Paths on disk, as devserve resolves a map's sources next to it.
            ("src/a.ts", "/work/project/dist/app.js.map", "/work/project/dist/src/a.ts"),
            ("../src/a.ts", "/work/project/dist/app.js.map", "/work/project/src/a.ts"),
        ]
        for (reference, from, resolved) in cases {
            #expect(SourceMapReference.resolve(reference, from: from) == resolved, "\(reference) from \(from)")
        }
    }

    /// Random scripts, data URLs and paths: nothing crashes, a found URL is one word, and a
    /// resolved path stays under `/` with no dot segment left.
    @Test func randomReferencesNeverCrash() {
        var random = SplitMix64(seed: 37)
        func text(_ pieces: [String], _ count: ClosedRange<Int>) -> String {
            (0..<Int.random(in: count, using: &random)).map { _ in pieces.randomElement(using: &random)! }.joined()
        }
        let scriptPieces = [
            "//", "#", "@", " sourceMappingURL=", "x.map", "\n", "\r", "\u{2028}", "/*", "*/", "\"", "`", " ", "a", "é", "\t",
        ]
        let urlPieces = ["data:", ";base64", ",", "%", "%2", "%3D", "=", "e30", "A", "+", "/", "#", " ", "é", "json"]
        let pathPieces = ["..", ".", "/", "a", "%2e", "%2E.", "b.js", "é", " ", "\\"]
        let dots: Set<String> = [".", "..", "%2e", ".%2e", "%2e.", "%2e%2e"]
        for _ in 0..<5_000 {
            if let url = SourceMapReference.url(in: Array(text(scriptPieces, 0...12).utf8)) {
                #expect(!url.isEmpty && !url.contains(" ") && !url.contains("\t"), "\(url)")
            }
            _ = SourceMapReference.inlineBytes(text(urlPieces, 0...10))
            let reference = text(pathPieces, 0...8)
            let resolved = SourceMapReference.resolve(reference, from: text(pathPieces, 0...6))
            if !reference.hasPrefix("//") {
                #expect(resolved.hasPrefix("/"), "\(reference) → \(resolved)")
                let segments = resolved.split(separator: "/").map { $0.lowercased() }
                #expect(!segments.contains { dots.contains($0) }, "\(reference) → \(resolved)")
            }
        }
    }
}

extension SourceMapTests {
    /// Real output of esbuild 0.17.0 (Debian's `esbuild` package), verbatim, for a small
    /// TypeScript project written for these tests in /tmp: `src/app.ts` imports `src/parse.ts`
    /// and `src/lib/greeter.ts` (below), built in that folder three ways:
    ///
    ///     esbuild src/app.ts --bundle --sourcemap --outfile=out/app.js
    ///     esbuild src/app.ts --bundle --sourcemap=inline --outfile=out/inline.js
    ///     esbuild src/app.ts --bundle --minify --sourcemap --outfile=out/app.min.js
    ///
    /// Each literal ends with the file's last line break.
    enum Esbuild {
        static let sources = ["../src/parse.ts": parseTS, "../src/lib/greeter.ts": greeterTS, "../src/app.ts": appTS]

        /// `src/app.ts`.
        static let appTS = #"""
            // The entry: wires a button to code in two other modules.
            import { parseAmount, type Amount } from "./parse";
            import { explode, Greeter } from "./lib/greeter";

            const greeter = new Greeter("devserve");

            export function main(input: string): Amount {
              const amount = parseAmount(input);
              if (amount.value < 0) {
                explode(amount.value);
              }
              document.title = greeter.greet(amount.value);
              return amount;
            }

            window.addEventListener("click", () => main("-3 €"));

            """#

        /// `src/parse.ts` (line 10: an emoji, two UTF-16 code units, before `throw`).
        static let parseTS = #"""
            export interface Amount {
              value: number;
              currency: string;
            }

            /** Reads "12 €" or "-3 $". */
            export function parseAmount(text: string): Amount {
              const [digits, currency = "€"] = text.trim().split(/\s+/);
              const value = Number(digits);
              if (Number.isNaN(value)) { const label = "😀 é"; throw new TypeError(`not a number: ${label} ${digits}`); }
              return { value, currency };
            }

            """#

        /// `src/lib/greeter.ts` (the `throw` indented by six spaces).
        static let greeterTS = #"""
            export class Greeter {
              constructor(private readonly name: string) {}

              greet(count: number): string {
                return `Hello from ${this.name}, ${count} times`;
              }
            }

            export function explode(value: number): never {
                  throw new Error("boom " + value);
            }

            """#

        /// `out/app.js` from `--bundle --sourcemap`.
        static let appJS = #"""
            (() => {
              // src/parse.ts
              function parseAmount(text) {
                const [digits, currency = "\u20AC"] = text.trim().split(/\s+/);
                const value = Number(digits);
                if (Number.isNaN(value)) {
                  const label = "\u{1F600} \xE9";
                  throw new TypeError(`not a number: ${label} ${digits}`);
                }
                return { value, currency };
              }

              // src/lib/greeter.ts
              var Greeter = class {
                constructor(name) {
                  this.name = name;
                }
                greet(count) {
                  return `Hello from ${this.name}, ${count} times`;
                }
              };
              function explode(value) {
                throw new Error("boom " + value);
              }

              // src/app.ts
              var greeter = new Greeter("devserve");
              function main(input) {
                const amount = parseAmount(input);
                if (amount.value < 0) {
                  explode(amount.value);
                }
                document.title = greeter.greet(amount.value);
                return amount;
              }
              window.addEventListener("click", () => main("-3 \u20AC"));
            })();
            //# sourceMappingURL=app.js.map

            """#

        /// `out/app.js.map`.
        static let appMap = #"""
            {
              "version": 3,
              "sources": ["../src/parse.ts", "../src/lib/greeter.ts", "../src/app.ts"],
              "sourcesContent": ["export interface Amount {\n  value: number;\n  currency: string;\n}\n\n/** Reads \"12 \u20AC\" or \"-3 $\". */\nexport function parseAmount(text: string): Amount {\n  const [digits, currency = \"\u20AC\"] = text.trim().split(/\\s+/);\n  const value = Number(digits);\n  if (Number.isNaN(value)) { const label = \"\uD83D\uDE00 \u00E9\"; throw new TypeError(`not a number: ${label} ${digits}`); }\n  return { value, currency };\n}\n", "export class Greeter {\n  constructor(private readonly name: string) {}\n\n  greet(count: number): string {\n    return `Hello from ${this.name}, ${count} times`;\n  }\n}\n\nexport function explode(value: number): never {\n      throw new Error(\"boom \" + value);\n}\n", "// The entry: wires a button to code in two other modules.\nimport { parseAmount, type Amount } from \"./parse\";\nimport { explode, Greeter } from \"./lib/greeter\";\n\nconst greeter = new Greeter(\"devserve\");\n\nexport function main(input: string): Amount {\n  const amount = parseAmount(input);\n  if (amount.value < 0) {\n    explode(amount.value);\n  }\n  document.title = greeter.greet(amount.value);\n  return amount;\n}\n\nwindow.addEventListener(\"click\", () => main(\"-3 \u20AC\"));\n"],
              "mappings": ";;AAMO,WAAS,YAAY,MAAsB;AAChD,UAAM,CAAC,QAAQ,WAAW,QAAG,IAAI,KAAK,KAAK,EAAE,MAAM,KAAK;AACxD,UAAM,QAAQ,OAAO,MAAM;AAC3B,QAAI,OAAO,MAAM,KAAK,GAAG;AAAE,YAAM,QAAQ;AAAQ,YAAM,IAAI,UAAU,iBAAiB,SAAS,QAAQ;AAAA,IAAG;AAC1G,WAAO,EAAE,OAAO,SAAS;AAAA,EAC3B;;;ACXO,MAAM,UAAN,MAAc;AAAA,IACnB,YAA6B,MAAc;AAAd;AAAA,IAAe;AAAA,IAE5C,MAAM,OAAuB;AAC3B,aAAO,cAAc,KAAK,SAAS;AAAA,IACrC;AAAA,EACF;AAEO,WAAS,QAAQ,OAAsB;AACxC,UAAM,IAAI,MAAM,UAAU,KAAK;AAAA,EACrC;;;ACNA,MAAM,UAAU,IAAI,QAAQ,UAAU;AAE/B,WAAS,KAAK,OAAuB;AAC1C,UAAM,SAAS,YAAY,KAAK;AAChC,QAAI,OAAO,QAAQ,GAAG;AACpB,cAAQ,OAAO,KAAK;AAAA,IACtB;AACA,aAAS,QAAQ,QAAQ,MAAM,OAAO,KAAK;AAC3C,WAAO;AAAA,EACT;AAEA,SAAO,iBAAiB,SAAS,MAAM,KAAK,WAAM,CAAC;",
              "names": []
            }

            """#

        /// `out/app.min.js` from `--bundle --minify --sourcemap`.
        static let minifiedJS = #"""
            (()=>{function o(r){let[e,i="\u20AC"]=r.trim().split(/\s+/),n=Number(e);if(Number.isNaN(n)){let m="\u{1F600} \xE9";throw new TypeError(`not a number: ${m} ${e}`)}return{value:n,currency:i}}var t=class{constructor(e){this.name=e}greet(e){return`Hello from ${this.name}, ${e} times`}};function u(r){throw new Error("boom "+r)}var s=new t("devserve");function a(r){let e=o(r);return e.value<0&&u(e.value),document.title=s.greet(e.value),e}window.addEventListener("click",()=>a("-3 \u20AC"));})();
            //# sourceMappingURL=app.min.js.map

            """#

        /// `out/app.min.js.map` (with `names`: the minifier renames).
        static let minifiedMap = #"""
            {
              "version": 3,
              "sources": ["../src/parse.ts", "../src/lib/greeter.ts", "../src/app.ts"],
              "sourcesContent": ["export interface Amount {\n  value: number;\n  currency: string;\n}\n\n/** Reads \"12 \u20AC\" or \"-3 $\". */\nexport function parseAmount(text: string): Amount {\n  const [digits, currency = \"\u20AC\"] = text.trim().split(/\\s+/);\n  const value = Number(digits);\n  if (Number.isNaN(value)) { const label = \"\uD83D\uDE00 \u00E9\"; throw new TypeError(`not a number: ${label} ${digits}`); }\n  return { value, currency };\n}\n", "export class Greeter {\n  constructor(private readonly name: string) {}\n\n  greet(count: number): string {\n    return `Hello from ${this.name}, ${count} times`;\n  }\n}\n\nexport function explode(value: number): never {\n      throw new Error(\"boom \" + value);\n}\n", "// The entry: wires a button to code in two other modules.\nimport { parseAmount, type Amount } from \"./parse\";\nimport { explode, Greeter } from \"./lib/greeter\";\n\nconst greeter = new Greeter(\"devserve\");\n\nexport function main(input: string): Amount {\n  const amount = parseAmount(input);\n  if (amount.value < 0) {\n    explode(amount.value);\n  }\n  document.title = greeter.greet(amount.value);\n  return amount;\n}\n\nwindow.addEventListener(\"click\", () => main(\"-3 \u20AC\"));\n"],
              "mappings": "MAMO,SAASA,EAAYC,EAAsB,CAChD,GAAM,CAACC,EAAQC,EAAW,QAAG,EAAIF,EAAK,KAAK,EAAE,MAAM,KAAK,EAClDG,EAAQ,OAAOF,CAAM,EAC3B,GAAI,OAAO,MAAME,CAAK,EAAG,CAAE,IAAMC,EAAQ,iBAAQ,MAAM,IAAI,UAAU,iBAAiBA,KAASH,GAAQ,CAAG,CAC1G,MAAO,CAAE,MAAAE,EAAO,SAAAD,CAAS,CAC3B,CCXO,IAAMG,EAAN,KAAc,CACnB,YAA6BC,EAAc,CAAd,UAAAA,CAAe,CAE5C,MAAMC,EAAuB,CAC3B,MAAO,cAAc,KAAK,SAASA,SACrC,CACF,EAEO,SAASC,EAAQC,EAAsB,CACxC,MAAM,IAAI,MAAM,QAAUA,CAAK,CACrC,CCNA,IAAMC,EAAU,IAAIC,EAAQ,UAAU,EAE/B,SAASC,EAAKC,EAAuB,CAC1C,IAAMC,EAASC,EAAYF,CAAK,EAChC,OAAIC,EAAO,MAAQ,GACjBE,EAAQF,EAAO,KAAK,EAEtB,SAAS,MAAQJ,EAAQ,MAAMI,EAAO,KAAK,EACpCA,CACT,CAEA,OAAO,iBAAiB,QAAS,IAAMF,EAAK,WAAM,CAAC",
              "names": ["parseAmount", "text", "digits", "currency", "value", "label", "Greeter", "name", "count", "explode", "value", "greeter", "Greeter", "main", "input", "amount", "parseAmount", "explode"]
            }

            """#

        /// `out/inline.js` from `--bundle --sourcemap=inline`: the map in a base64 data URL.
        static let inlineJS = #"""
            (() => {
              // src/parse.ts
              function parseAmount(text) {
                const [digits, currency = "\u20AC"] = text.trim().split(/\s+/);
                const value = Number(digits);
                if (Number.isNaN(value)) {
                  const label = "\u{1F600} \xE9";
                  throw new TypeError(`not a number: ${label} ${digits}`);
                }
                return { value, currency };
              }

              // src/lib/greeter.ts
              var Greeter = class {
                constructor(name) {
                  this.name = name;
                }
                greet(count) {
                  return `Hello from ${this.name}, ${count} times`;
                }
              };
              function explode(value) {
                throw new Error("boom " + value);
              }

              // src/app.ts
              var greeter = new Greeter("devserve");
              function main(input) {
                const amount = parseAmount(input);
                if (amount.value < 0) {
                  explode(amount.value);
                }
                document.title = greeter.greet(amount.value);
                return amount;
              }
              window.addEventListener("click", () => main("-3 \u20AC"));
            })();
            //# sourceMappingURL=data:application/json;base64,ewogICJ2ZXJzaW9uIjogMywKICAic291cmNlcyI6IFsiLi4vc3JjL3BhcnNlLnRzIiwgIi4uL3NyYy9saWIvZ3JlZXRlci50cyIsICIuLi9zcmMvYXBwLnRzIl0sCiAgInNvdXJjZXNDb250ZW50IjogWyJleHBvcnQgaW50ZXJmYWNlIEFtb3VudCB7XG4gIHZhbHVlOiBudW1iZXI7XG4gIGN1cnJlbmN5OiBzdHJpbmc7XG59XG5cbi8qKiBSZWFkcyBcIjEyIFx1MjBBQ1wiIG9yIFwiLTMgJFwiLiAqL1xuZXhwb3J0IGZ1bmN0aW9uIHBhcnNlQW1vdW50KHRleHQ6IHN0cmluZyk6IEFtb3VudCB7XG4gIGNvbnN0IFtkaWdpdHMsIGN1cnJlbmN5ID0gXCJcdTIwQUNcIl0gPSB0ZXh0LnRyaW0oKS5zcGxpdCgvXFxzKy8pO1xuICBjb25zdCB2YWx1ZSA9IE51bWJlcihkaWdpdHMpO1xuICBpZiAoTnVtYmVyLmlzTmFOKHZhbHVlKSkgeyBjb25zdCBsYWJlbCA9IFwiXHVEODNEXHVERTAwIFx1MDBFOVwiOyB0aHJvdyBuZXcgVHlwZUVycm9yKGBub3QgYSBudW1iZXI6ICR7bGFiZWx9ICR7ZGlnaXRzfWApOyB9XG4gIHJldHVybiB7IHZhbHVlLCBjdXJyZW5jeSB9O1xufVxuIiwgImV4cG9ydCBjbGFzcyBHcmVldGVyIHtcbiAgY29uc3RydWN0b3IocHJpdmF0ZSByZWFkb25seSBuYW1lOiBzdHJpbmcpIHt9XG5cbiAgZ3JlZXQoY291bnQ6IG51bWJlcik6IHN0cmluZyB7XG4gICAgcmV0dXJuIGBIZWxsbyBmcm9tICR7dGhpcy5uYW1lfSwgJHtjb3VudH0gdGltZXNgO1xuICB9XG59XG5cbmV4cG9ydCBmdW5jdGlvbiBleHBsb2RlKHZhbHVlOiBudW1iZXIpOiBuZXZlciB7XG4gICAgICB0aHJvdyBuZXcgRXJyb3IoXCJib29tIFwiICsgdmFsdWUpO1xufVxuIiwgIi8vIFRoZSBlbnRyeTogd2lyZXMgYSBidXR0b24gdG8gY29kZSBpbiB0d28gb3RoZXIgbW9kdWxlcy5cbmltcG9ydCB7IHBhcnNlQW1vdW50LCB0eXBlIEFtb3VudCB9IGZyb20gXCIuL3BhcnNlXCI7XG5pbXBvcnQgeyBleHBsb2RlLCBHcmVldGVyIH0gZnJvbSBcIi4vbGliL2dyZWV0ZXJcIjtcblxuY29uc3QgZ3JlZXRlciA9IG5ldyBHcmVldGVyKFwiZGV2c2VydmVcIik7XG5cbmV4cG9ydCBmdW5jdGlvbiBtYWluKGlucHV0OiBzdHJpbmcpOiBBbW91bnQge1xuICBjb25zdCBhbW91bnQgPSBwYXJzZUFtb3VudChpbnB1dCk7XG4gIGlmIChhbW91bnQudmFsdWUgPCAwKSB7XG4gICAgZXhwbG9kZShhbW91bnQudmFsdWUpO1xuICB9XG4gIGRvY3VtZW50LnRpdGxlID0gZ3JlZXRlci5ncmVldChhbW91bnQudmFsdWUpO1xuICByZXR1cm4gYW1vdW50O1xufVxuXG53aW5kb3cuYWRkRXZlbnRMaXN0ZW5lcihcImNsaWNrXCIsICgpID0+IG1haW4oXCItMyBcdTIwQUNcIikpO1xuIl0sCiAgIm1hcHBpbmdzIjogIjs7QUFNTyxXQUFTLFlBQVksTUFBc0I7QUFDaEQsVUFBTSxDQUFDLFFBQVEsV0FBVyxRQUFHLElBQUksS0FBSyxLQUFLLEVBQUUsTUFBTSxLQUFLO0FBQ3hELFVBQU0sUUFBUSxPQUFPLE1BQU07QUFDM0IsUUFBSSxPQUFPLE1BQU0sS0FBSyxHQUFHO0FBQUUsWUFBTSxRQUFRO0FBQVEsWUFBTSxJQUFJLFVBQVUsaUJBQWlCLFNBQVMsUUFBUTtBQUFBLElBQUc7QUFDMUcsV0FBTyxFQUFFLE9BQU8sU0FBUztBQUFBLEVBQzNCOzs7QUNYTyxNQUFNLFVBQU4sTUFBYztBQUFBLElBQ25CLFlBQTZCLE1BQWM7QUFBZDtBQUFBLElBQWU7QUFBQSxJQUU1QyxNQUFNLE9BQXVCO0FBQzNCLGFBQU8sY0FBYyxLQUFLLFNBQVM7QUFBQSxJQUNyQztBQUFBLEVBQ0Y7QUFFTyxXQUFTLFFBQVEsT0FBc0I7QUFDeEMsVUFBTSxJQUFJLE1BQU0sVUFBVSxLQUFLO0FBQUEsRUFDckM7OztBQ05BLE1BQU0sVUFBVSxJQUFJLFFBQVEsVUFBVTtBQUUvQixXQUFTLEtBQUssT0FBdUI7QUFDMUMsVUFBTSxTQUFTLFlBQVksS0FBSztBQUNoQyxRQUFJLE9BQU8sUUFBUSxHQUFHO0FBQ3BCLGNBQVEsT0FBTyxLQUFLO0FBQUEsSUFDdEI7QUFDQSxhQUFTLFFBQVEsUUFBUSxNQUFNLE9BQU8sS0FBSztBQUMzQyxXQUFPO0FBQUEsRUFDVDtBQUVBLFNBQU8saUJBQWlCLFNBQVMsTUFBTSxLQUFLLFdBQU0sQ0FBQzsiLAogICJuYW1lcyI6IFtdCn0K

            """#
    }
}
