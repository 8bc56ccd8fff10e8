import Foundation
import Synchronization

/// Maps the frames of a page's error to the sources the developer edits: a frame in a served
/// script that names a source map (`//# sourceMappingURL=`, a file next to it or inline) gets
/// the original file, line and column; any other frame in a served file gets that file. Paths
/// become relative to the project folder when they lie in it, so the terminal line and the
/// overlay's links name what an editor opens.
///
/// Only files the ``PathResolver`` serves are read (a report cannot make devserve read anything
/// else), and a map's `sources` are resolved on disk next to the map, since tools write them
/// relative to it (`../src/app.ts` from `dist/app.js.map` is often outside the served folder).
/// Parsed maps are kept per script and map content.
final class FrameMapper: Sendable {
    private let resolver: PathResolver
    private let paths: ProjectPaths
    private let cache: FileCache
    private let maps = Mutex<[String: (tag: EntityTag, map: SourceMap?, location: String)]>([:])

    init(resolver: PathResolver, paths: ProjectPaths, cache: FileCache) {
        self.resolver = resolver
        self.paths = paths
        self.cache = cache
    }

    /// `frames` as the page sent them (`file` a URL), mapped.
    func map(_ frames: [BrowserError.Frame]) -> [BrowserError.Frame] {
        frames.map(map)
    }

    func map(_ frame: BrowserError.Frame) -> BrowserError.Frame {
        guard let urlPath = Self.urlPath(frame.file), let file = resolver.regularFile(urlPath) else { return frame }
        if let (map, location) = sourceMap(for: file), let original = map.original(line: frame.line, column: frame.column) {
            let source = SourceMapReference.resolve(original.source, from: location)
            let named = source.hasPrefix("/") ? projectRelative(source) : source
            return BrowserError.Frame(file: named, line: original.line, column: original.column)
        }
        return BrowserError.Frame(file: projectRelative(file), line: frame.line, column: frame.column)
    }

    /// The path of a URL (`http://host:port/js/app.js?v=2` → `/js/app.js`), or the path itself.
    static func urlPath(_ url: String) -> String? {
        var rest = Substring(url)
        if let scheme = rest.range(of: "://") {
            rest = rest[scheme.upperBound...]
            guard let slash = rest.firstIndex(of: "/") else { return nil }
            rest = rest[slash...]
        }
        guard rest.hasPrefix("/") else { return nil }
        let path = rest.prefix { $0 != "?" && $0 != "#" }
        return String(path).removingPercentEncoding
    }

    private func projectRelative(_ absolute: String) -> String {
        FolderPath.contains(paths.project, absolute) ? paths.relative(absolute) : (paths.urlPath(absolute) ?? absolute)
    }

    /// The parsed map of a served script and the absolute path (or URL) it was read from.
    private func sourceMap(for script: String) -> (SourceMap, String)? {
        guard let status = FileStatus(script) else { return nil }
        // Bundles over the cache's 4 MiB are read whole here (a report is rare; a map is not
        // parsed again while the script is unchanged).
        let copy = cache.read(script, status: status)
        let tag = copy?.tag ?? FileCache.tag(for: status)
        if let known = maps.withLock({ $0[script] }), known.tag == tag {
            return known.map.map { ($0, known.location) }
        }
        guard let bytes = copy.map({ Array($0.bytes.readableBytesView) }) ?? FileBytes.read(script) else { return nil }
        var found: (SourceMap, String)?
        if let reference = SourceMapReference.url(in: bytes) {
            if let inline = SourceMapReference.inlineBytes(reference) {
                found = SourceMap(json: inline).map { ($0, script) }
            } else if !reference.contains("://") {
                let mapFile = SourceMapReference.resolve(reference, from: script)
                // The map must be a file devserve would serve, like the script.
                if let urlPath = paths.urlPath(mapFile), resolver.regularFile(urlPath) != nil, let json = FileBytes.read(mapFile) {
                    found = SourceMap(json: json).map { ($0, mapFile) }
                }
            }
        }
        maps.withLock { $0[script] = (tag, found?.0, found?.1 ?? script) }
        return found
    }
}
