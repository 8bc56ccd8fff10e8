@testable import DevServe
import Foundation
import Testing

/// `POST /__hmr/error`: what a page reports becomes a `browser-error` event and a terminal line,
/// with its frames named as the developer's files; within limits, and only from the same origin.
@Suite(.timeLimit(.minutes(3))) struct BrowserErrorTests {
    func withSite(_ body: (TestServer, FixtureCopy) async throws -> Void) async throws {
        try await TestServer.withSite({ _ in }, body)
    }

    func post(_ server: TestServer, _ json: String, origin: String? = "same") async throws -> RawResponse {
        let originLine = origin.map { "Origin: \($0 == "same" ? "http://127.0.0.1:\(server.port)" : $0)\r\n" } ?? ""
        return try await server.raw(
            "POST /__hmr/error HTTP/1.1\r\nHost: 127.0.0.1:\(server.port)\r\n\(originLine)Content-Type: application/json\r\n"
                + "Content-Length: \(json.utf8.count)\r\nConnection: close\r\n\r\n\(json)")
    }

    @Test func aReportIsPublishedWithItsFramesNamedAsFilesAndAnswered() async throws {
        try await withSite { server, _ in
            let events = server.server.events()
            let report = #"{"kind":"error","message":"x is not defined\nmore","stack":[{"file":"http://127.0.0.1:\#(server.port)/app.js?v=1","line":2,"column":9},{"file":"https://cdn.example/lib.js","line":1,"column":1}],"page":"/index.html"}"#
            let answer = try await post(server, report)
            #expect(answer.status == 200, "\(answer.text)")
            #expect(answer.body == #"{"stack":[{"column":9,"file":"app.js","line":2},{"column":1,"file":"https://cdn.example/lib.js","line":1}]}"#)
            let published = try await withTimeout(.seconds(30), "a browser-error event") {
                for await event in events where event.kind == .browserError { return event }
                throw TestFailure("the events ended")
            }
            let error = try #require(published.browserError)
            #expect(error.line == "browser error · x is not defined · app.js:2:9 (page /index.html)")
            #expect(published.json.hasPrefix(#"{"id":"#) && published.json.contains(#""kind":"error""#))
            #expect(try DevServerEvent.decode(kind: .browserError, json: published.json) == published)
        }
    }

    @Test(arguments: [
        (#"{"kind":"error","message":"m","stack":[],"page":"/"}"#, "http://evil.example", 403),
        (#"{"kind":"error","message":"m","stack":[],"page":"/"}"#, nil, 403),
        (#"{"kind":"nonsense","message":"m","stack":[],"page":"/"}"#, "same", 400),
        ("not json", "same", 400),
        (#"{"kind":"error","message":""# + String(repeating: "x", count: 20_000) + #"","stack":[],"page":"/"}"#, "same", 413),
    ] as [(String, String?, Int)])
    func badOrForeignReportsAreRefused(_ json: String, _ origin: String?, _ status: Int) async throws {
        try await withSite { server, _ in
            let answer = try await post(server, json, origin: origin)
            #expect(answer.status == status, "\(answer.text.prefix(200))")
        }
    }

    @Test func theBudgetTakesSoManyReportsPerWindow() {
        let budget = ReportBudget(limit: 3, window: .seconds(10))
        let start = ContinuousClock.now
        #expect((0..<3).allSatisfy { _ in budget.take(now: start) })
        #expect(!budget.take(now: start + .seconds(5)), "the fourth report within the window is dropped")
        #expect(budget.take(now: start + .seconds(10)), "the window moved on")
    }

    @Test func theTerminalLineIsOneLine() {
        let error = BrowserError(
            kind: "rejection", message: "first\nsecond", stack: [.init(file: "src/a.ts", line: 3, column: 5)], page: "/p?x=1")
        #expect(error.line == "browser unhandled rejection · first · src/a.ts:3:5 (page /p?x=1)")
        #expect(BrowserError(kind: "console-warn", message: "", stack: [], page: "/").line == "browser console.warn · (no message) (page /)")
    }
}
