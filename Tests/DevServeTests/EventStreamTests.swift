import DevServe
import Foundation
import Testing

/// `/__hmr` over real HTTP: real file writes, real events.
@Suite(.timeLimit(.minutes(3))) struct EventStreamTests {
    func withSite(_ body: (TestServer, FixtureCopy) async throws -> Void) async throws {
        try await TestServer.withSite({ $0.heartbeat = .milliseconds(300) }, body)
    }

    @Test func headersRetryAndHello() async throws {
        try await withSite { server, _ in
            let events = try await server.events()
            defer { events.close() }
            #expect(events.response.status == .ok)
            #expect(events.response.headers["Content-Type"].first == "text/event-stream; charset=utf-8")
            #expect(events.response.headers["Cache-Control"].first == "no-cache, no-transform")
            #expect(events.response.headers["X-Accel-Buffering"].first == "no")
            #expect(events.response.headers["Content-Encoding"].isEmpty)
            let hello = try await events.expect("hello")
            #expect(events.retry.value == 1000)
            #expect(hello.json["instance"] as? String == server.server.hub.instance)
            #expect(hello.json["heartbeatMs"] as? Int == 300)
            #expect((hello.json["state"] as? [String: Any])?["status"] as? String == "idle")
            #expect(hello.id == "\(server.server.hub.instance)-0")
        }
    }

    @Test func heartbeatsReachPageScripts() async throws {
        try await withSite { server, _ in
            let events = try await server.events()
            defer { events.close() }
            _ = try await events.expect("hello")
            let next = try #require(try await events.next(within: .seconds(30), "a heartbeat"))
            #expect(next.event == "heartbeat", "heartbeats are named events, not comments")
        }
    }

    @Test func aWriteBecomesBuildingThenBuilt() async throws {
        try await withSite { server, site in
            let events = try await server.events()
            defer { events.close() }
            _ = try await events.expect("hello")
            try site.write("index.html", "<html><body>changed</body></html>")
            let building = try await events.expect("building")
            #expect(building.changed == ["index.html"])
            let built = try await events.expect("built")
            #expect(built.changed == ["index.html"])
            #expect(built.json["durationMs"] as? Int == 0)
            let buildingID = try #require(building.json["id"] as? Int)
            #expect(built.json["id"] as? Int == buildingID + 1)
            #expect(built.id == "\(server.server.hub.instance)-\(buildingID + 1)")
            let (_, page) = try await server.fetch("/")
            #expect(page.contains("changed"))
        }
    }

    @Test func aBurstOfWritesIsOneBatch() async throws {
        try await withSite { server, site in
            let events = try await server.events()
            defer { events.close() }
            _ = try await events.expect("hello")
            try site.write("style.css", "body { color: red }")
            try site.write("app.js", "console.log(1)")
            try site.write("img/new.txt", "x")
            let building = try await events.expect("building")
            #expect(Set(building.changed) == ["style.css", "app.js", "img/new.txt"])
            _ = try await events.expect("built")
        }
    }

    @Test func newFoldersAreWatchedWithWhatIsAlreadyInThem() async throws {
        try await withSite { server, site in
            let events = try await server.events()
            defer { events.close() }
            _ = try await events.expect("hello")
            // A whole tree appears at once (like `cp -r` or `tar x`).
            let staging = site.folder.deletingLastPathComponent().appendingPathComponent("staging")
            try FileManager.default.createDirectory(at: staging.appendingPathComponent("deep/er"), withIntermediateDirectories: true)
            try Data("a".utf8).write(to: staging.appendingPathComponent("deep/er/file.txt"))
            try FileManager.default.moveItem(at: staging, to: site.url("tree"))
            let first = try await events.expect("building")
            #expect(first.changed.contains("tree/deep/er/file.txt"), "files inside a moved-in tree are reported: \(first.changed)")
            _ = try await events.expect("built")
            // And the new folders are watched from now on.
            try site.write("tree/deep/er/later.txt", "b")
            let second = try await events.expect("building")
            #expect(second.changed == ["tree/deep/er/later.txt"])
            _ = try await events.expect("built")
        }
    }

    @Test func renamedFoldersReportTheirNewPath() async throws {
        try await withSite { server, site in
            let events = try await server.events()
            defer { events.close() }
            _ = try await events.expect("hello")
            try FileManager.default.moveItem(at: site.url("about"), to: site.url("team"))
            _ = try await events.expect("building")
            _ = try await events.expect("built")
            try site.write("team/index.html", "<p>team</p>")
            let building = try await events.expect("building")
            #expect(building.changed == ["team/index.html"])
        }
    }

    @Test func ignoredFilesNeverTrigger() async throws {
        try await withSite { server, site in
            let events = try await server.events()
            defer { events.close() }
            _ = try await events.expect("hello")
            try site.write(".index.html.swp", "x")
            try site.write("node_modules/pkg/index.js", "x")
            try site.write("index.html~", "x")
            try site.write("app.js", "// real")
            let building = try await events.expect("building")
            #expect(building.changed == ["app.js"])
        }
    }

    @Test func reconnectingWithLastEventIDReplaysWhatWasMissed() async throws {
        try await withSite { server, site in
            let first = try await server.events()
            _ = try await first.expect("hello")
            try site.write("a.html", "1")
            _ = try await first.expect("building")
            let seen = try await first.expect("built")
            first.close()
            let lastID = try #require(seen.id)
            // While away: one more batch.
            let watcher = try await server.events()
            defer { watcher.close() }
            _ = try await watcher.expect("hello")
            try site.write("b.html", "2")
            _ = try await watcher.expect("building")
            _ = try await watcher.expect("built")

            let again = try await server.events(lastEventID: lastID)
            defer { again.close() }
            _ = try await again.expect("hello")
            let missedBuilding = try await again.expect("building")
            #expect(missedBuilding.changed == ["b.html"])
            let missedBuilt = try await again.expect("built")
            #expect(missedBuilt.changed == ["b.html"])

            let upToDate = try await server.events(lastEventID: missedBuilt.id)
            defer { upToDate.close() }
            _ = try await upToDate.expect("hello")
            let next = try await upToDate.next(within: .seconds(30), "a heartbeat")
            #expect(next?.event == "heartbeat", "nothing to replay for a client that saw everything")
        }
    }

    @Test func anIDFromAnotherInstanceGetsHello() async throws {
        try await withSite { server, _ in
            let events = try await server.events(lastEventID: "someone-else-3")
            defer { events.close() }
            let hello = try await events.expect("hello")
            #expect(hello.id == "\(server.server.hub.instance)-0")
        }
    }

    @Test func statusIsJSON() async throws {
        try await withSite { server, _ in
            let (response, body) = try await server.fetch("/__hmr/status")
            #expect(response.headers["Content-Type"].first == "application/json; charset=utf-8")
            #expect(body == #"{"changed":[],"clients":0,"error":null,"status":"idle"}"#)
            let events = try await server.events()
            defer { events.close() }
            _ = try await events.expect("hello")
            #expect(try await server.fetch("/__hmr/status").1.contains(#""clients":1"#))
        }
    }

    @Test func disconnectedClientsAreRemovedAtOnce() async throws {
        try await withSite { server, _ in
            let events = try await server.events()
            _ = try await events.expect("hello")
            #expect(server.server.hub.clientCount == 1)
            events.close()
            try await waitUntil("the closed client is removed") { server.server.hub.clientCount == 0 }
        }
    }

    /// A client is forgotten however its connection ends: half-closed (it stops sending), or
    /// reset (RST, as on a close with unread data or a crash). A reset is not passed on as
    /// `channelInactive` by Hummingbird's connection state handler, so the stream's handler must
    /// not rely on that.
    @Test(arguments: ["half-closed", "reset"])
    func aClientIsRemovedHoweverItsConnectionEnds(_ ending: String) async throws {
        try await withSite { server, _ in
            var connection: RawConnection? = try RawConnection(port: server.port)
            _ = await connection?.send("GET /__hmr HTTP/1.1\r\nHost: localhost\r\nAccept: text/event-stream\r\n\r\n")
            let (bytes, _) = await connection?.read(timeout: .seconds(10)) { $0.contains(Array("event: hello".utf8)) } ?? ([], true)
            #expect(String(decoding: bytes, as: UTF8.self).contains("event: hello"))
            #expect(server.server.hub.clientCount == 1)
            if ending == "reset" {
                connection?.resetOnClose()
                connection = nil  // closes it
            } else {
                connection?.finishSending()  // and stays open
            }
            try await waitUntil("the \(ending) client is removed") { server.server.hub.clientCount == 0 }
            withExtendedLifetime(connection) {}
        }
    }

    /// The stream is one long request: the request timeout, which closes idle connections, spares it.
    /// Told by events, not by a clock: a connection opened after the stream, which sends
    /// nothing, is closed by the request timeout; then the stream, older than that connection,
    /// still carries what happens next.
    @Test func anOpenStreamOutlivesTheRequestTimeout() async throws {
        try await TestServer.withSite({ $0.heartbeat = .milliseconds(300); $0.requestTimeout = .seconds(1) }) { server, site in
            let events = try await server.events()
            defer { events.close() }
            _ = try await events.expect("hello")
            let idle = try RawConnection(port: server.port)
            let (_, closed) = await idle.read(timeout: .seconds(60))
            try #require(closed, "the request timeout (1 s) never closed a connection that sent nothing (waited 60 s)")
            try site.write("index.html", "<html><body>after the timeout</body></html>")
            let building = try await events.expect("building", within: .seconds(60))
            #expect(building.changed == ["index.html"], "the stream carried the build of a write made after the request timeout")
            _ = try await events.expect("built", within: .seconds(60))
        }
    }

    /// A stream asked for on a connection that is still answering an earlier request (pipelined)
    /// starts once that answer is complete, never in the middle of it.
    @Test func aPipelinedStreamWaitsForTheAnswersBeforeIt() async throws {
        try await withSite { server, _ in
            let connection = try RawConnection(port: server.port)
            _ = await connection.send(
                "GET /index.html HTTP/1.1\r\nHost: localhost\r\n\r\nGET /__hmr/status HTTP/1.1\r\nHost: localhost\r\n\r\n"
                    + "GET /__hmr HTTP/1.1\r\nHost: localhost\r\nAccept: text/event-stream\r\n\r\n")
            let (bytes, _) = await connection.read(timeout: .seconds(10)) { $0.contains(Array("event: hello".utf8)) }
            let text = String(decoding: bytes, as: UTF8.self)
            let heads = text.ranges(of: "HTTP/1.1 200 OK\r\n").map(\.lowerBound)
            try #require(heads.count == 3, "\(text)")
            let page = try #require(text.range(of: "</html>"), "\(text)")
            let status = try #require(text.range(of: #""clients":0"#), "\(text)")
            let stream = try #require(text.range(of: "text/event-stream"), "\(text)")
            #expect(heads[0] < page.lowerBound && page.upperBound < heads[1], "the page comes whole, first")
            #expect(heads[1] < status.lowerBound && status.upperBound < heads[2], "then the status")
            let hello = try #require(text.range(of: "event: hello"), "\(text)")
            #expect(heads[2] < stream.lowerBound && stream.upperBound < hello.lowerBound, "then the stream")
            #expect(server.server.hub.clientCount == 1)
        }
    }

    @Test func stoppingTheServerEndsStreamsWithShutdown() async throws {
        let site = try FixtureCopy("site")
        defer { site.remove() }
        let server = try await TestServer.start(DevServeConfiguration(root: site.path, projectFolder: site.path))
        let events = try await server.events()
        _ = try await events.expect("hello")
        await server.stop()
        _ = try await events.expect("shutdown", within: .seconds(10))
        #expect(try await events.next(within: .seconds(10), "the end of the stream") == nil)
    }
}
