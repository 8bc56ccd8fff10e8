import Foundation
import Hummingbird

#if canImport(Glibc)
import Glibc
#endif

/// Fixes two range answers of Hummingbird 2.28.1's `FileMiddleware` before it sees the request:
/// a suffix range (`bytes=-100`, the last 100 bytes) would get the first bytes, and a range
/// starting past the end would get a 206 with a negative `Content-Length`.
///
/// Suffix ranges are rewritten to the equivalent `bytes=START-`; unsatisfiable ranges get 416 with
/// `Content-Range: bytes */SIZE`, as RFC 9110 asks.
struct RangeRequestGuard<Context: RequestContext>: RouterMiddleware {
    let resolver: PathResolver

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard request.method == .get, let range = request.headers[.range],
            let urlPath = request.uri.path.removingPercentEncoding,
            let file = resolver.resolve(urlPath)
        else {
            return try await next(request, context)
        }
        var info = stat()
        guard stat(file, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else {
            return try await next(request, context)
        }
        switch Self.check(range, size: Int(info.st_size)) {
        case .unchanged:
            return try await next(request, context)
        case .rewrite(let header):
            var head = request.head
            head.headerFields[.range] = header
            return try await next(Request(head: head, body: request.body), context)
        case .unsatisfiable:
            var headers = HTTPFields()
            headers[.contentRange] = "bytes */\(info.st_size)"
            headers[.contentLength] = "0"
            return Response(status: .rangeNotSatisfiable, headers: headers, body: .init())
        }
    }

    enum Decision: Equatable {
        case unchanged
        case rewrite(String)
        case unsatisfiable
    }

    /// What to do with a `Range` header for a file of `size` bytes.
    static func check(_ header: String, size: Int) -> Decision {
        let value = header.trimmingCharacters(in: .whitespaces)
        guard value.hasPrefix("bytes="), !value.contains(",") else { return .unchanged }
        let spec = value.dropFirst("bytes=".count)
        guard let dash = spec.firstIndex(of: "-") else { return .unchanged }
        let first = spec[..<dash]
        let last = spec[spec.index(after: dash)...]
        if first.isEmpty {
            guard let suffix = Int(last) else { return .unchanged }
            guard suffix > 0, size > 0 else { return .unsatisfiable }
            return .rewrite("bytes=\(max(size - suffix, 0))-")
        }
        guard let start = Int(first) else { return .unchanged }
        return start >= size ? .unsatisfiable : .unchanged
    }
}
