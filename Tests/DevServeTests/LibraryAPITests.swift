import DevServe
import Foundation
import Testing

/// The engine as another Swift package embeds it: a configuration in, `run()`, events out,
/// custom events and rebuilds in.
@Suite(.timeLimit(.minutes(2))) struct LibraryAPITests {
    @Test func eventsRebuildAndCustomEventsReachSubscribersAndPages() async throws {
        try await TestServer.withSite { server, _ in
            let devServer = server.server
            let local = devServer.events()
            let page = try await server.events()
            defer { page.close() }
            _ = try await page.expect("hello")

            devServer.rebuild()
            _ = try await page.expect("building")
            let built = try await page.expect("built")
            #expect(built.changed == ["."], "a rebuild is of everything")

            let custom = try devServer.publish(custom: "content-updated", detail: ["page": "/blog/", "words": "12"])
            let event = try await page.expect("custom")
            #expect(event.json["name"] as? String == "content-updated")
            #expect((event.json["detail"] as? [String: String]) == ["page": "/blog/", "words": "12"])
            #expect(event.id == "\(devServer.hub.instance)-\(custom.id)")

            var seen: [DevServerEvent] = []
            for await next in local {
                seen.append(next)
                if next.kind == .custom { break }
            }
            #expect(seen.map(\.kind) == [.building, .built, .custom])
            #expect(seen.last?.name == "content-updated")
            #expect(seen.last?.detail == #"{"page":"/blog/","words":"12"}"#)
            // Custom events leave the build status alone.
            #expect(devServer.hub.status == .idle)
            // Decoding the wire form gives the same event back.
            #expect(try DevServerEvent.decode(kind: .custom, json: custom.json) == custom)
        }
    }

    @Test(arguments: ["built", "Upper", "-dash", "", "with space", "hello"])
    func customEventNamesAreChecked(_ name: String) async throws {
        let hub = EventHub()
        #expect(throws: DevServeError.self) { try hub.publish(custom: name, detail: 1) }
    }

    @Test func rebuildOverHTTPIsPostOnlyAndSameOrigin() async throws {
        try await TestServer.withSite { server, _ in
            let page = try await server.events()
            defer { page.close() }
            _ = try await page.expect("hello")
            let foreign = try await server.raw(
                "POST /__hmr/rebuild HTTP/1.1\r\nHost: 127.0.0.1:\(server.port)\r\nOrigin: http://evil.example\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
            #expect(foreign.status == 403)
            let get = try await server.rawGet("/__hmr/rebuild")
            #expect(get.status != 202)
            let accepted = try await server.raw(
                "POST /__hmr/rebuild HTTP/1.1\r\nHost: 127.0.0.1:\(server.port)\r\nOrigin: http://127.0.0.1:\(server.port)\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
            #expect(accepted.status == 202)
            _ = try await page.expect("building")
        }
    }
}
