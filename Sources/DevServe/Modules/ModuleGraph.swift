import Foundation
import Synchronization

/// The ES modules devserve has served and what each imports, learned as they are served and
/// refreshed from each build's changed outputs; and the version each module's URL carries.
///
/// Versions are how updates avoid stale children. A browser keeps one instance per module URL,
/// so re-importing a module that imports an unchanged URL gets the old instance of that child,
/// however new its code on disk. So when a module changes, it and every module that imports it,
/// transitively, get a new version, and ``ModuleResponder`` writes `?t=VERSION` into every
/// import of a versioned module. Re-importing the accepting module (`x.js?t=V`) then loads a
/// fresh copy of each changed module on the way down, once (a diamond's two paths name the same
/// URL) and with cycles intact (they name the same URLs too). Modules beside the path keep their
/// URLs, so their instances (and their state) are shared as before.
final class ModuleGraph: Sendable {
    private struct Node {
        /// The content tag the scan was read from.
        var tag: EntityTag
        var scan: ModuleScan
        /// What each specifier of the scan resolves to.
        var targets: [String?]
        var imports: Set<String> { Set(targets.compactMap { $0 }) }
    }

    private struct State {
        var nodes: [String: Node] = [:]
        var importers: [String: Set<String>] = [:]
        var versions: [String: Int64] = [:]
        var lastVersion: Int64 = 0
    }

    private let state = Mutex(State())
    private let paths: ProjectPaths
    private let cache: FileCache
    private let clock: @Sendable () -> Int64

    /// - Parameter clock: milliseconds since 1970 (a test passes its own).
    init(paths: ProjectPaths, cache: FileCache, clock: @escaping @Sendable () -> Int64 = ModuleGraph.now) {
        self.paths = paths
        self.cache = cache
        self.clock = clock
    }

    /// Whether a URL path names a script (`.js`, `.mjs`).
    static func isScript(_ urlPath: some StringProtocol) -> Bool {
        let lowered = urlPath.lowercased()
        return lowered.hasSuffix(".js") || lowered.hasSuffix(".mjs")
    }

    /// The version of a module's URL, or nil while it never changed.
    func version(of urlPath: String) -> Int64? {
        state.withLock { $0.versions[urlPath] }
    }

    /// Records what the module at `urlPath` imports, from `copy` (its bytes as served), and
    /// returns its scan with the URL path each specifier resolves to (nil for bare names and
    /// other origins), in the order of the specifiers. A module served again with the same bytes
    /// is not scanned again.
    func served(_ urlPath: String, copy: FileCache.Copy) -> (scan: ModuleScan, targets: [String?]) {
        if let node = state.withLock({ $0.nodes[urlPath] }), node.tag == copy.tag { return (node.scan, node.targets) }
        let node = Self.node(urlPath, copy: copy)
        state.withLock { Self.set(node, of: urlPath, in: &$0) }
        return (node.scan, node.targets)
    }

    private static func node(_ urlPath: String, copy: FileCache.Copy) -> Node {
        let scan = copy.bytes.withUnsafeReadableBytes { ImportLexer.scan(Array($0)) }
        return Node(tag: copy.tag, scan: scan, targets: scan.specifiers.map { resolve($0.value, from: urlPath) })
    }

    /// The update for a build that changed the served files at `changed` (URL paths), or nil
    /// when no module devserve has served is among them. Each changed module's imports are read
    /// again from disk first, so the importers it sends are the new ones.
    func update(changed: [String]) -> HotUpdate? {
        let known = state.withLock { state in changed.filter { state.nodes[$0] != nil } }
        guard !known.isEmpty else { return nil }
        // Read outside the lock (file reads); a file that is gone imports nothing any more.
        var fresh: [String: Node?] = [:]
        for urlPath in known {
            let file = paths.file(forURL: urlPath)
            guard let status = FileStatus(file), let copy = cache.read(file, status: status) else {
                fresh[urlPath] = .some(nil)
                continue
            }
            fresh[urlPath] = Self.node(urlPath, copy: copy)
        }
        let version = max(clock(), state.withLock { $0.lastVersion } + 1)
        return state.withLock { state in
            state.lastVersion = version
            var dropped = Set<String>()
            for (urlPath, node) in fresh {
                let before = state.nodes[urlPath]?.imports ?? []
                if let node {
                    Self.set(node, of: urlPath, in: &state)
                    dropped.formUnion(before.subtracting(node.imports))
                } else {
                    Self.set(nil, of: urlPath, in: &state)
                    dropped.formUnion(before)
                }
            }
            var importers: [String: [String]] = [:]
            var queue = known
            while let urlPath = queue.popLast() {
                guard importers[urlPath] == nil else { continue }
                let above = state.importers[urlPath] ?? []
                importers[urlPath] = above.sorted()
                state.versions[urlPath] = version
                queue.append(contentsOf: above)
            }
            let pruned = dropped.filter { (state.importers[$0] ?? []).isEmpty && state.nodes[$0] != nil }
            return HotUpdate(version: version, changed: known.sorted(), importers: importers, pruned: pruned.sorted())
        }
    }

    /// Puts `node` (nil: none) in the graph for `urlPath`, with the importer edges its imports make.
    private static func set(_ node: Node?, of urlPath: String, in state: inout State) {
        let before = state.nodes[urlPath]?.imports ?? []
        let imports = node?.imports ?? []
        for gone in before.subtracting(imports) {
            state.importers[gone]?.remove(urlPath)
            if state.importers[gone]?.isEmpty == true { state.importers[gone] = nil }
        }
        for added in imports.subtracting(before) { state.importers[added, default: []].insert(urlPath) }
        state.nodes[urlPath] = node
    }

    /// The URL path a specifier names from the module at `base`: `./x.js`, `../x.js` and `/x.js`
    /// (query and fragment dropped, dot segments resolved); nil for a bare name (`react`), a URL
    /// (`https://…`, `data:…`) or one that climbs above the root.
    static func resolve(_ specifier: String, from base: String) -> String? {
        guard specifier.hasPrefix("/") || specifier.hasPrefix("./") || specifier.hasPrefix("../"),
            !specifier.hasPrefix("//")
        else { return nil }
        let path = specifier.prefix { $0 != "?" && $0 != "#" }
        var segments: [Substring] =
            path.hasPrefix("/") ? [] : Array(base.split(separator: "/", omittingEmptySubsequences: false).dropFirst().dropLast())
        for segment in path.split(separator: "/", omittingEmptySubsequences: false) {
            switch segment {
            case ".", "": continue
            case "..":
                guard !segments.isEmpty else { return nil }
                segments.removeLast()
            default: segments.append(segment)
            }
        }
        let resolved = "/" + segments.joined(separator: "/")
        return resolved.removingPercentEncodingOrSelf
    }

    /// Milliseconds since 1970.
    static func now() -> Int64 { Int64(Date().timeIntervalSince1970 * 1000) }
}

extension String {
    fileprivate var removingPercentEncodingOrSelf: String {
        guard contains("%") else { return self }
        return removingPercentEncoding ?? self
    }
}
