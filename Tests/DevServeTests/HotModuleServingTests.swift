import DevServe
import Foundation
import Testing

/// ES modules as the real server serves them: the hot context, versioned imports after a
/// change, the `hot` part of `built`, and `--no-hot`.
@Suite(.timeLimit(.minutes(3))) struct HotModuleServingTests {
    static let files = [
        "index.html": #"<script type="module" src="/main.js"></script>"#,
        "main.js": "import { value } from './child.js';\nimport.meta.hot.accept();\nwindow.v = value;\n",
        "child.js": "export const value = 1;\n",
        "classic.js": "console.log('no imports here')\n",
    ]

    func withApp(hot: Bool = true, _ body: (TestServer, FixtureCopy) async throws -> Void) async throws {
        let project = try FixtureCopy(files: Self.files)
        defer { project.remove() }
        var configuration = DevServeConfiguration(root: project.path, projectFolder: project.path)
        configuration.hotModules = hot
        try await TestServer.with(configuration) { try await body($0, project) }
    }

    @Test func aModuleThatUsesImportMetaHotGetsItsContextOnItsFirstLine() async throws {
        try await withApp { server, _ in
            let main = try await server.rawGet("/main.js")
            #expect(main.status == 200)
            let lines = main.body.split(separator: "\n", omittingEmptySubsequences: false)
            #expect(lines.count == Self.files["main.js"]!.split(separator: "\n", omittingEmptySubsequences: false).count, "no line moved")
            #expect(lines[0].hasPrefix(#"import { createHotContext as __devserve_hot } from "/__hmr/hot.js";"#))
            #expect(lines[0].hasSuffix("import { value } from './child.js';"))
            #expect(main.header("Content-Type") == "text/javascript; charset=utf-8")
            let tag = try #require(main.header("ETag"))
            #expect(try await server.rawGet("/main.js", headers: ["If-None-Match: \(tag)"]).status == 304)
            // A module without import.meta.hot, and a classic script, go out byte for byte.
            #expect(try await server.rawGet("/child.js").body == Self.files["child.js"])
            #expect(try await server.rawGet("/classic.js").body == Self.files["classic.js"])
            let runtime = try await server.rawGet("/__hmr/hot.js")
            #expect(runtime.status == 200 && runtime.body.contains("export function createHotContext"))
        }
    }

    @Test func aChangeIsSentAsAHotUpdateAndVersionsTheImportsOfItsImporters() async throws {
        try await withApp { server, project in
            _ = try await server.rawGet("/main.js")  // as a page's browser would
            _ = try await server.rawGet("/child.js")
            let events = try await server.events()
            defer { events.close() }
            _ = try await events.expect("hello")
            try project.write("child.js", "export const value = 2;\n")
            let built = try await events.expectBuild()
            let hot = try #require(built.json["hot"] as? [String: any Sendable], "built carries no hot update: \(built.data)")
            let version = try #require(hot["version"] as? Int)
            #expect(hot["changed"] as? [String] == ["/child.js"])
            #expect((hot["importers"] as? [String: [String]])?["/child.js"] == ["/main.js"])
            let main = try await server.rawGet("/main.js?t=\(version)")
            #expect(main.body.contains("from './child.js?t=\(version)';"), "the importer asks for the new child: \(main.body)")
            // A page script that imports nothing still goes out as it is.
            #expect(try await server.rawGet("/classic.js").body == Self.files["classic.js"])
        }
    }

    @Test func withoutHotEveryScriptIsServedAsItIs() async throws {
        try await withApp(hot: false) { server, project in
            #expect(try await server.rawGet("/main.js").body == Self.files["main.js"])
            let events = try await server.events()
            defer { events.close() }
            _ = try await events.expect("hello")
            try project.write("child.js", "export const value = 2;\n")
            let built = try await events.expectBuild()
            #expect(built.json["hot"] == nil)
            #expect(try await server.rawGet("/main.js").body == Self.files["main.js"])
        }
    }
}
