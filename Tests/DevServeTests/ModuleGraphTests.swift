@testable import DevServe
import Foundation
import NIOCore
import Testing

/// The module graph and the rewriting of served modules, below the socket.
@Suite struct ModuleGraphTests {
    /// A graph over a served folder holding `files`, with a clock that counts from 100.
    struct Rig {
        let site: FixtureCopy
        let graph: ModuleGraph

        init(_ files: [String: String]) throws {
            site = try FixtureCopy(files: files)
            let paths = try #require(ProjectPaths.resolving(project: site.path, served: site.path))
            let counter = Counter()
            graph = ModuleGraph(paths: paths, cache: FileCache(), clock: { counter.next() })
        }

        /// Records a module as ModuleResponder does when it serves it.
        func serve(_ urlPath: String) throws {
            let bytes = Array(try site.read(String(urlPath.dropFirst())).utf8)
            _ = graph.served(urlPath, copy: FileCache.Copy(bytes: ByteBuffer(bytes: bytes), tag: EntityTag(opaque: String(ContentHash.of(bytes), radix: 16))))
        }
    }

    final class Counter: @unchecked Sendable {
        private var value: Int64 = 99
        private let lock = NSLock()
        func next() -> Int64 { lock.withLock { value += 1; return value } }
    }

    @Test func specifiersResolveLikeURLs() {
        #expect(ModuleGraph.resolve("./a.js", from: "/src/main.js") == "/src/a.js")
        #expect(ModuleGraph.resolve("../lib/a.js", from: "/src/main.js") == "/lib/a.js")
        #expect(ModuleGraph.resolve("./x/../b.js?raw#top", from: "/main.js") == "/b.js")
        #expect(ModuleGraph.resolve("/abs/c.js", from: "/src/deep/main.js") == "/abs/c.js")
        #expect(ModuleGraph.resolve("./with%20space.js", from: "/main.js") == "/with space.js")
        for outside in ["react", "https://cdn.example/x.js", "//cdn.example/x.js", "data:text/javascript,1", "../../a.js"] {
            #expect(ModuleGraph.resolve(outside, from: "/src/main.js") == nil, "\(outside)")
        }
    }

    /// A change versions the changed module and every importer above it, and the update lists
    /// their importers; modules beside the path keep their URLs.
    @Test func aChangeVersionsItsImportersAndNothingBeside() throws {
        let rig = try Rig([
            "main.js": "import './a.js'; import './b.js'; import './side.js'",
            "a.js": "import './child.js'", "b.js": "import './child.js'",  // a diamond
            "child.js": "export const x = 1", "side.js": "export const y = 2",
        ])
        defer { rig.site.remove() }
        for module in ["/main.js", "/a.js", "/b.js", "/child.js", "/side.js"] { try rig.serve(module) }
        #expect(rig.graph.version(of: "/child.js") == nil)
        let update = try #require(rig.graph.update(changed: ["/child.js", "/style.css"]))
        #expect(update.changed == ["/child.js"], "only modules devserve served")
        #expect(update.importers == ["/child.js": ["/a.js", "/b.js"], "/a.js": ["/main.js"], "/b.js": ["/main.js"], "/main.js": []])
        for module in ["/child.js", "/a.js", "/b.js", "/main.js"] { #expect(rig.graph.version(of: module) == update.version, "\(module)") }
        #expect(rig.graph.version(of: "/side.js") == nil, "a module beside the path keeps its URL (and its instance)")
        let next = try #require(rig.graph.update(changed: ["/side.js"]))
        #expect(next.version > update.version)
        #expect(rig.graph.update(changed: ["/never-served.js"]) == nil)
    }

    @Test func cyclesEndAndImportsAreReadAgainFromDisk() throws {
        let rig = try Rig(["a.js": "import './b.js'", "b.js": "import './a.js'; import './old.js'", "old.js": ""])
        defer { rig.site.remove() }
        for module in ["/a.js", "/b.js", "/old.js"] { try rig.serve(module) }
        try rig.site.write("b.js", "import './a.js'")
        let update = try #require(rig.graph.update(changed: ["/b.js"]))
        #expect(update.importers == ["/b.js": ["/a.js"], "/a.js": ["/b.js"]])
        #expect(update.pruned == ["/old.js"], "nothing imports old.js any more")
    }

    @Test func rewritingAddsVersionsAndTheHotContextWithoutMovingALine() {
        let source = "#!/usr/bin/env node\nimport a from './a.js';\nimport b from \"./b.js?raw\";\nconst c = import(`./c.js#frag`);\nimport.meta.hot?.accept()\n"
        let bytes = Array(source.utf8)
        let scan = ImportLexer.scan(bytes)
        #expect(scan.specifiers.map(\.value) == ["./a.js", "./b.js?raw", "./c.js#frag"])
        let out = String(
            decoding: ModuleRewrite.apply(bytes, specifiers: scan.specifiers, versions: [7, 8, 9], preamble: true),
            as: UTF8.self)
        let lines = out.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.count == source.split(separator: "\n", omittingEmptySubsequences: false).count)
        #expect(lines[0] == "#!/usr/bin/env node")
        #expect(lines[1] == ModuleRewrite.preamble + "import a from './a.js?t=7';")
        #expect(lines[2] == "import b from \"./b.js?raw&t=8\";")
        #expect(lines[3] == "const c = import(`./c.js?t=9#frag`);")
        let unversioned = ModuleRewrite.apply(bytes, specifiers: scan.specifiers, versions: [nil, nil, nil], preamble: false)
        #expect(unversioned == bytes)
    }
}
