import Hummingbird
import Logging

/// Hummingbird's `LocalFileSystem`, but every path goes through a ``PathResolver`` first, so
/// `FileMiddleware` (content types, ETag, Last-Modified, 304, ranges, HEAD) never reads a file
/// outside the served folder.
struct SecureFileProvider: FileProvider {
    typealias FileAttributes = LocalFileSystem.FileAttributes
    typealias FileIdentifier = String

    let resolver: PathResolver
    let files: LocalFileSystem

    init(resolver: PathResolver, logger: Logger) {
        self.resolver = resolver
        self.files = LocalFileSystem(rootFolder: resolver.root, threadPool: .singleton, logger: logger)
    }

    func getFileIdentifier(_ path: String) -> String? {
        resolver.resolve(path)
    }

    func getAttributes(id: String) async throws -> FileAttributes? {
        try await files.getAttributes(id: id)
    }

    func loadFile(id: String, context: some RequestContext) async throws -> ResponseBody {
        try await files.loadFile(id: id, context: context)
    }

    func loadFile(id: String, range: ClosedRange<Int>, context: some RequestContext) async throws -> ResponseBody {
        try await files.loadFile(id: id, range: range, context: context)
    }
}
