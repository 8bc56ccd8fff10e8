import Foundation
import Hummingbird
import Logging

/// What `FileMiddleware` serves files through (content types, ETag, Last-Modified, 304, ranges,
/// HEAD). Every path goes through a ``PathResolver`` first, so no file outside the served folder
/// is ever read. Attributes come from one `stat(2)` and small files from a ``FileCache``, both on
/// the request's own thread; larger files and ranges are streamed by Hummingbird's
/// `LocalFileSystem` through its thread pool.
struct SecureFileProvider: FileProvider {
    typealias FileIdentifier = String

    /// A file's attributes, with the status the cache checks its copy against.
    struct FileAttributes: FileMiddlewareFileAttributes {
        let status: FileStatus
        var isFolder: Bool { status.isDirectory }
        var size: Int { Int(status.size) }
        /// Whole seconds, as `LocalFileSystem` gives them (Last-Modified has no finer unit).
        var modificationDate: Date { Date(timeIntervalSince1970: Double(status.modified / 1_000_000_000)) }
    }

    let resolver: PathResolver
    let files: LocalFileSystem
    let cache: FileCache

    init(resolver: PathResolver, cache: FileCache = FileCache(), logger: Logger) {
        self.resolver = resolver
        self.cache = cache
        self.files = LocalFileSystem(rootFolder: resolver.root, threadPool: .singleton, logger: logger)
    }

    func getFileIdentifier(_ path: String) -> String? {
        resolver.resolve(path)
    }

    func getAttributes(id: String) async throws -> FileAttributes? {
        FileStatus(id).map(FileAttributes.init)
    }

    func loadFile(id: String, context: some RequestContext) async throws -> ResponseBody {
        if let status = FileStatus(id), let bytes = cache.bytes(id, status: status) {
            return ResponseBody(byteBuffer: bytes)
        }
        return try await files.loadFile(id: id, context: context)
    }

    func loadFile(id: String, range: ClosedRange<Int>, context: some RequestContext) async throws -> ResponseBody {
        try await files.loadFile(id: id, range: range, context: context)
    }
}
