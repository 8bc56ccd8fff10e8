@testable import DevServe
import Testing

/// RFC 9110's range and conditional rules, decided by pure functions (the server tests below
/// check that the responder follows them).
@Suite struct ByteRangeRequestTests {
    typealias Range = ByteRangeRequest

    @Test func singleRangesOfEveryForm() {
        #expect(Range.evaluate("bytes=0-99", size: 1000) == .part(0...99))
        #expect(Range.evaluate("bytes=999-", size: 1000) == .part(999...999))
        #expect(Range.evaluate("bytes=-100", size: 1000) == .part(900...999), "a suffix range is the last bytes")
        #expect(Range.evaluate("bytes=-5000", size: 1000) == .part(0...999))
        #expect(Range.evaluate("BYTES = 2-5", size: 1000) == .part(2...5), "the unit is case-insensitive")
    }

    @Test func aLastPositionPastTheEndStopsAtTheEndHoweverLong() {
        #expect(Range.evaluate("bytes=0-99999999999999999999999", size: 20) == .part(0...19))
        #expect(Range.evaluate("bytes=5-2000", size: 20) == .part(5...19))
    }

    @Test func unsatisfiableRanges() {
        #expect(Range.evaluate("bytes=1000-", size: 1000) == .unsatisfiable)
        #expect(Range.evaluate("bytes=2000-3000", size: 1000) == .unsatisfiable)
        #expect(Range.evaluate("bytes=99999999999999999999999-", size: 1000) == .unsatisfiable)
        #expect(Range.evaluate("bytes=-0", size: 1000) == .unsatisfiable)
        #expect(Range.evaluate("bytes=-10", size: 0) == .unsatisfiable)
        #expect(Range.evaluate("bytes=0-", size: 0) == .unsatisfiable)
    }

    @Test func unknownUnitsAndMalformedHeadersAreIgnored() {
        for header in ["items=0-1", "bytes", "bytes=", "bytes=a-b", "bytes=5-2", "bytes=1-2-3", "bytes=--1", "0-1", "bytes=0x1-2"] {
            #expect(Range.evaluate(header, size: 1000) == .whole, "\(header)")
        }
    }

    @Test func severalRangesMergeWhenTheyTouchAndOtherwiseGetTheWholeFile() {
        #expect(Range.evaluate("bytes=0-0,1-1", size: 20) == .part(0...1))
        #expect(Range.evaluate("bytes=0-5, 3-9 ,,10-12", size: 20) == .part(0...12))
        #expect(Range.evaluate("bytes=0-0,5-5", size: 20) == .whole)
        #expect(Range.evaluate("bytes=0-1,50-60", size: 20) == .part(0...1), "unsatisfiable ranges among others are dropped")
        #expect(Range.evaluate("bytes=50-60,70-", size: 20) == .unsatisfiable)
    }
}

@Suite struct PreconditionTests {
    let tag = EntityTag(opaque: "abc")

    func evaluate(ifMatch: String? = nil, ifNoneMatch: String? = nil, ifRange: String? = nil) -> Preconditions.Outcome {
        Preconditions.evaluate(ifMatch: ifMatch, ifNoneMatch: ifNoneMatch, ifRange: ifRange, current: tag)
    }

    @Test func entityTagLists() {
        #expect(EntityTag.list("*") == .any)
        #expect(EntityTag.list(#""a", W/"b" ,"c,d""#) == .tags([.init(opaque: "a"), .init(opaque: "b", isWeak: true), .init(opaque: "c,d")]))
        #expect(EntityTag.list(#""a", junk, "b""#) == .tags([.init(opaque: "a")]), "what does not parse ends the list")
    }

    @Test func ifNoneMatchIsAWeakComparisonAndStarMatchesAnExistingFile() {
        #expect(evaluate(ifNoneMatch: #""abc""#) == .notModified)
        #expect(evaluate(ifNoneMatch: #"W/"abc""#) == .notModified)
        #expect(evaluate(ifNoneMatch: #""x", "abc""#) == .notModified)
        #expect(evaluate(ifNoneMatch: "*") == .notModified)
        #expect(evaluate(ifNoneMatch: #""abd""#) == .proceed(honourRange: true))
    }

    @Test func ifMatchIsAStrongComparison() {
        #expect(evaluate(ifMatch: #""abc""#) == .proceed(honourRange: true))
        #expect(evaluate(ifMatch: "*") == .proceed(honourRange: true))
        #expect(evaluate(ifMatch: #"W/"abc""#) == .preconditionFailed)
        #expect(evaluate(ifMatch: #""other""#) == .preconditionFailed)
        #expect(evaluate(ifMatch: #""other""#, ifNoneMatch: #""abc""#) == .preconditionFailed, "If-Match is evaluated first")
    }

    @Test func ifRangeHonoursTheRangeOnlyForTheCurrentStrongTag() {
        #expect(evaluate(ifRange: #""abc""#) == .proceed(honourRange: true))
        #expect(evaluate(ifRange: #"W/"abc""#) == .proceed(honourRange: false), "a weak tag never matches")
        #expect(evaluate(ifRange: #""old""#) == .proceed(honourRange: false))
        #expect(evaluate(ifRange: "Wed, 21 Oct 2015 07:28:00 GMT") == .proceed(honourRange: false), "no Last-Modified to compare")
    }
}

@Suite struct KeptOutputTests {
    @Test func shortOutputIsKeptWhole() {
        var output = KeptOutput(headLimit: 10, tailLimit: 10)
        output.append(Array("0123456789abcdefghij".utf8))
        #expect(!output.isCut)
        #expect(output.text == "0123456789abcdefghij")
    }

    @Test func longOutputKeepsItsHeadAndItsTailFromALineStart() {
        var output = KeptOutput(headLimit: 6, tailLimit: 16)
        output.append(Array("start\n".utf8))
        for index in 0..<1000 { output.append(Array("line \(index)\n".utf8)) }
        output.append(Array("ERROR\n".utf8))
        #expect(output.isCut)
        let lines = output.text.split(separator: "\n")
        #expect(lines.first == "start")
        #expect(lines.last == "ERROR", "the error printed last is kept")
        #expect(lines.dropFirst().first?.hasPrefix("[devserve: ") == true, "\(lines)")
        #expect(lines.dropFirst(2).first == "line 999", "the tail starts at a line start: \(lines)")
    }

    @Test func theHelloCopyOfAFailedBuildKeepsOnlyTheTail() {
        let output = String(repeating: "x\n", count: 50_000) + "the error\n"
        let failed = DevServerEvent(kind: .error, id: 2, changed: [], exitCode: 1, output: output)
        let status = BuildStatus(status: .error, changed: [], error: failed).withOutputTail(1000)
        let kept = status.error?.output ?? ""
        #expect(kept.utf8.count < 1200)
        #expect(kept.hasSuffix("the error\n"))
        #expect(kept.hasPrefix("[devserve: the first "))
    }
}
