import DevServe
import Foundation
import Subprocess
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// How the server watches: inotify, or polling (which must report the same changes).
enum WatchMode: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case inotify, poll
    var testDescription: String { rawValue }

    func apply(to configuration: inout DevServeConfiguration) {
        if self == .poll { configuration.poll = .milliseconds(30) }
    }
}

/// The ways editors and tools save a file, done with the same system calls they use.
enum SaveStyle: String, CaseIterable, Sendable, CustomTestStringConvertible {
    /// `open(O_TRUNC)`, `write`, `close` (nano, VS Code, vim with `backupcopy=yes`).
    case inPlace
    /// Write a temporary file next to it, then `rename` it over the real one (vim
    /// `backupcopy=no`, many tools' atomic writes).
    case writeTempThenRename
    /// Rename the real file to a backup, write a new one, delete the backup (vim's default
    /// `writebackup`).
    case backupThenRename
    /// JetBrains "safe write": `x___jb_tmp___`, `x` → `x___jb_old___`, tmp → `x`, delete old.
    case jetBrainsSafeWrite
    /// `unlink`, then create.
    case deleteThenCreate
    var testDescription: String { rawValue }

    func save(_ text: String, to path: String) throws {
        let folder = (path as NSString).deletingLastPathComponent
        let name = (path as NSString).lastPathComponent
        switch self {
        case .inPlace:
            try Self.write(text, to: path)
        case .writeTempThenRename:
            let temporary = "\(folder)/.\(name).tmp-\(UInt32.random(in: 0...UInt32.max))"
            try Self.write(text, to: temporary)
            try Self.check(rename(temporary, path), "rename")
        case .backupThenRename:
            try Self.check(rename(path, path + "~"), "rename")
            try Self.write(text, to: path)
            try Self.check(unlink(path + "~"), "unlink")
        case .jetBrainsSafeWrite:
            try Self.write(text, to: path + "___jb_tmp___")
            try Self.check(rename(path, path + "___jb_old___"), "rename")
            try Self.check(rename(path + "___jb_tmp___", path), "rename")
            try Self.check(unlink(path + "___jb_old___"), "unlink")
        case .deleteThenCreate:
            try Self.check(unlink(path), "unlink")
            try Self.write(text, to: path)
        }
    }

    static func write(_ text: String, to path: String) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        try check(fd, "open \(path)")
        defer { close(fd) }
        let bytes = Array(text.utf8)
        try check(Int32(Glibc.write(fd, bytes, bytes.count)), "write")
    }

    static func check(_ result: Int32, _ what: String) throws {
        if result < 0 { throw TestFailure("\(what) failed: \(String(cString: strerror(errno)))") }
    }
}

/// Every save style, folder operation and ignore rule, on the real file system, through the real
/// server: each test waits for the `building` events on `/__hmr`.
@Suite(.timeLimit(.minutes(3))) struct ChangeDetectionTests {
    /// A server (no build command) over a copy of `Fixtures/site`, and a connected event stream.
    func withSite(
        _ mode: WatchMode, debounce: Duration = .milliseconds(100),
        _ configure: @escaping (inout DevServeConfiguration, FixtureCopy) -> Void = { _, _ in },
        _ body: (TestServer, FixtureCopy, SSEClient) async throws -> Void
    ) async throws {
        let site = try FixtureCopy("site")
        defer { site.remove() }
        var configuration = DevServeConfiguration(root: site.path, projectFolder: site.path, debounce: debounce)
        mode.apply(to: &configuration)
        configure(&configuration, site)
        try await TestServer.with(configuration) { server in
            let events = try await server.events()
            defer { events.close() }
            _ = try await events.expect("hello")
            try await body(server, site, events)
        }
    }

    /// Proves nothing else is pending: a fresh change must come alone in the next build.
    func expectNothingElse(_ events: SSEClient, _ site: FixtureCopy, _ why: String) async throws {
        let name = "sentinel-\(UInt32.random(in: 0...UInt32.max)).txt"
        try site.write(name, "x")
        let building = try await events.expect("building")
        #expect(building.changed == [name], "\(why): a change before the sentinel came late")
        _ = try await events.expect("built")
    }

    @Test(arguments: WatchMode.allCases, SaveStyle.allCases)
    func everySaveStyleIsOneChangeOfTheRealFile(_ mode: WatchMode, _ style: SaveStyle) async throws {
        try await withSite(mode) { server, site, events in
            try style.save("<!doctype html><p>saved \(style)</p>", to: site.path + "/index.html")
            let building = try await events.expect("building")
            #expect(building.changed == ["index.html"])
            let built = try await events.expect("built")
            #expect(built.json["outputs"] as? [String] == ["/index.html"])
            try await expectNothingElse(events, site, "\(style)")
            let (_, page) = try await server.fetch("/")
            #expect(page.contains("saved \(style)"))
        }
    }

    @Test(arguments: WatchMode.allCases)
    func touchIsAChangeAndChmodIsNot(_ mode: WatchMode) async throws {
        try await withSite(mode) { _, site, events in
            let path = site.path + "/style.css"
            #expect(chmod(path, 0o600) == 0)
            try await expectNothingElse(events, site, "chmod")
            #expect(utimensat(AT_FDCWD, path, nil, 0) == 0)  // touch
            let building = try await events.expect("building")
            #expect(building.changed == ["style.css"])
            _ = try await events.expect("built")
        }
    }

    @Test(arguments: WatchMode.allCases)
    func gitCheckoutOfManyFilesIsOneBatch(_ mode: WatchMode) async throws {
        try await withSite(mode, debounce: .milliseconds(200)) { _, site, events in
            let files = (0..<60).map { "pages/p\($0).html" }
            try await git(site, "init", "-q", "-b", "main")
            for file in files { try site.write(file, "v1 \(file)") }
            try await git(site, "add", "-A")
            try await git(site, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "v1")
            _ = try await events.collectChanges(until: Set(files))
            try await git(site, "checkout", "-qb", "next")
            for file in files { try site.write(file, "v2 \(file)") }
            try await git(site, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qam", "v2")
            _ = try await events.collectChanges(until: Set(files))
            try await expectNothingElse(events, site, "commit")

            try await git(site, "checkout", "-q", "main")
            let building = try await events.expect("building", skipping: ["built"])
            #expect(Set(building.changed) == Set(files), "one batch with exactly the checked-out files (.git is ignored)")
            #expect(try site.read("pages/p7.html") == "v1 pages/p7.html")
        }
    }

    @Test(arguments: WatchMode.allCases)
    func foldersCreatedCopiedUnpackedMovedRenamedAndDeleted(_ mode: WatchMode) async throws {
        try await withSite(mode) { _, site, events in
            // A whole tree in one go (cp -r): every file in it is seen, however deep.
            let outside = try site.sibling("outside")
            for i in 0..<5 { try SaveStyle.write("f\(i)", to: "\(outside)/f\(i).txt") }
            try FileManager.default.createDirectory(atPath: "\(outside)/deep/er", withIntermediateDirectories: true)
            try SaveStyle.write("deep", to: "\(outside)/deep/er/x.txt")
            try await run("/bin/cp", "-r", outside, site.path + "/copied")
            _ = try await events.collectChanges(until: ["copied/f0.txt", "copied/f4.txt", "copied/deep/er/x.txt"])

            // tar x of a tree.
            let archive = try site.sibling("archive") + "/tree.tar"
            try await run("/bin/tar", "-cf", archive, "-C", outside, ".")
            try FileManager.default.createDirectory(atPath: site.path + "/unpacked", withIntermediateDirectories: true)
            try await run("/bin/tar", "-xf", archive, "-C", site.path + "/unpacked")
            _ = try await events.collectChanges(until: ["unpacked/f3.txt", "unpacked/deep/er/x.txt"])

            // Moved in from outside the tree (a rename, not a copy).
            #expect(rename(outside, site.path + "/moved") == 0)
            _ = try await events.collectChanges(until: ["moved/f1.txt", "moved/deep/er/x.txt"])

            // Renamed inside the tree: changes under the new name are seen.
            #expect(rename(site.path + "/moved", site.path + "/renamed") == 0)
            _ = try await events.collectChanges(until: ["renamed"])
            try SaveStyle.write("new", to: site.path + "/renamed/deep/er/x.txt")
            _ = try await events.collectChanges(until: ["renamed/deep/er/x.txt"])

            // Moved out: no longer watched.
            let gone = try site.sibling("gone") + "/renamed"
            #expect(rename(site.path + "/renamed", gone) == 0)
            _ = try await events.collectChanges(until: ["renamed"])
            try SaveStyle.write("out", to: gone + "/f0.txt")
            try await expectNothingElse(events, site, "a write in a folder moved out")

            // Deleted, then made again with the same name: watched again.
            try FileManager.default.removeItem(atPath: site.path + "/copied")
            _ = try await events.collectChanges(until: ["copied"])
            try FileManager.default.createDirectory(atPath: site.path + "/copied/again", withIntermediateDirectories: true)
            try SaveStyle.write("again", to: site.path + "/copied/again/y.txt")
            _ = try await events.collectChanges(until: ["copied/again/y.txt"])
        }
    }

    @Test(arguments: WatchMode.allCases)
    func symlinkedFoldersAreFollowedOnceWithoutCycles(_ mode: WatchMode) async throws {
        let shared = try FixtureCopy(files: ["x.txt": "1"])
        defer { shared.remove() }
        try await withSite(mode, { _, site in
            // Two links to one folder outside, and a link back to the root (a cycle).
            try? FileManager.default.createSymbolicLink(atPath: site.path + "/first", withDestinationPath: shared.path)
            try? FileManager.default.createSymbolicLink(atPath: site.path + "/second", withDestinationPath: shared.path)
            try? FileManager.default.createSymbolicLink(atPath: site.path + "/loop", withDestinationPath: site.path)
        }) { _, site, events in
            try SaveStyle.write("2", to: shared.path + "/x.txt")
            let building = try await events.expect("building")
            #expect(building.changed.count == 1, "the folder is watched once: \(building.changed)")
            #expect(["first/x.txt", "second/x.txt"].contains(building.changed.first ?? ""))
            _ = try await events.expect("built")
            try SaveStyle.write("changed", to: site.path + "/index.html")
            let again = try await events.expect("building")
            #expect(again.changed == ["index.html"], "the cycle adds no second path")
            _ = try await events.expect("built")
        }
    }

    @Test(arguments: WatchMode.allCases)
    func severalWatchedFolders(_ mode: WatchMode) async throws {
        let other = try FixtureCopy(files: ["lib/a.js": "a"])
        defer { other.remove() }
        try await withSite(mode, { configuration, site in
            configuration.watchFolders = [site.path, other.path]
        }) { _, site, events in
            try SaveStyle.write("b", to: other.path + "/lib/a.js")
            let building = try await events.expect("building")
            #expect(building.changed == [other.path + "/lib/a.js"], "a path outside the project stays absolute")
            _ = try await events.expect("built")
            try SaveStyle.write("c", to: site.path + "/style.css")
            let next = try await events.expect("building")
            #expect(next.changed == ["style.css"])
        }
    }

    @Test(arguments: WatchMode.allCases)
    func gitignorePatternsAndIgnoreGlobsAreNotTriggers(_ mode: WatchMode) async throws {
        let gitignore = """
            # build products
            *.log
            !keep.log
            /out/
            tmp/
            docs/**/draft.md
            \\#notes
            public/
            """
        try await withSite(mode, { configuration, site in
            try? site.write(".gitignore", gitignore)
            try? site.write("public/app.js", "served")
            configuration.root = site.path + "/public"
            configuration.watchFolders = [site.path]
            configuration.ignore = ["**/*.bak"]
        }) { _, site, events in
            let ignored = [
                "server.log", "a/b/c.log", "out", "out/x.js", "tmp", "tmp/t", "src/tmp", "src/tmp/t", "docs/a/b/draft.md",
                "docs/draft.md", "#notes", "src/x.bak",
            ]
            for path in ignored where path.contains(".") || path.hasSuffix("/t") || path == "#notes" {
                try site.write(path, "ignored")
            }
            try site.write("keep.log", "kept")
            try site.write("out.js", "kept: /out/ is a folder pattern")
            try site.write("docs/final.md", "kept")
            let (seen, _) = try await events.collectChanges(until: ["keep.log", "out.js", "docs/final.md"])
            #expect(seen.isDisjoint(with: ignored), "ignored paths reported: \(seen.intersection(ignored).sorted())")
            // (Folders on the way to ignored files, like `a/b`, are changes themselves.)
            try await expectNothingElse(events, site, "ignored writes")
            // The served folder is listed in .gitignore, but without a build it is the output
            // of some other watcher: its changes still reload pages.
            try site.write("public/app.js", "changed")
            let building = try await events.expect("building", skipping: ["built"])
            #expect(building.changed == ["public/app.js"])
        }
    }

    private func git(_ site: FixtureCopy, _ arguments: String...) async throws {
        try await run("/usr/bin/git", ["-C", site.path] + arguments)
    }

    private func run(_ executable: String, _ arguments: String...) async throws {
        try await run(executable, arguments)
    }

    /// Runs a tool with swift-subprocess (Foundation's `Process.waitUntilExit` can hang when many
    /// tests start processes at once).
    private func run(_ executable: String, _ arguments: [String]) async throws {
        let result = try await Subprocess.run(
            .path(.init(executable)), arguments: .init(arguments), output: .discarded, error: .string(limit: 1 << 14))
        guard result.terminationStatus == .exited(0) else {
            throw TestFailure("\(executable) \(arguments.joined(separator: " ")): \(result.terminationStatus) \(result.standardError)")
        }
    }
}
