import Hummingbird

/// Holds requests for files under the build output while a build runs, so the browser never
/// loads a half-written file: each waits until the build ends, for at most `timeout`, and then
/// gets a 503 page that says the build is still running. `/__hmr*` is never held.
struct BuildHoldMiddleware<Context: RequestContext>: RouterMiddleware {
    let activity: BuildActivity
    /// URL path prefixes (`/`, or `/assets/`) that lie in the build output.
    let prefixes: [String]
    let timeout: Duration

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let path = request.uri.path
        guard activity.isBuilding, !path.hasPrefix("/__hmr"),
            prefixes.contains(where: { path.hasPrefix($0) || path + "/" == $0 })
        else {
            return try await next(request, context)
        }
        if await activity.waitUntilIdle(atMost: timeout) {
            return try await next(request, context)
        }
        let seconds = Int(timeout / .seconds(1))
        var headers = HTTPFields()
        headers[.contentType] = "text/html; charset=utf-8"
        headers[.cacheControl] = "no-store"
        headers[.retryAfter] = "1"
        let page = """
            <!doctype html><meta charset="utf-8"><title>Building…</title>
            <p>devserve: the build is still running after \(seconds) s; this page will be served when it ends. \
            Reload to wait again.</p>
            """
        return Response(status: .serviceUnavailable, headers: headers, body: .init(byteBuffer: .init(string: page)))
    }

    /// The URL prefixes of `outputFolders` as served from `root`: `/` when the root lies in an
    /// output folder, `/sub/` for an output folder inside the root, nothing for one outside.
    static func prefixes(outputFolders: [String], root: String) -> [String] {
        outputFolders.compactMap { folder in
            if FolderPath.contains(folder, root) { return "/" }
            if FolderPath.contains(root, folder) { return "/" + folder.dropFirst(root == "/" ? 1 : root.count + 1) + "/" }
            return nil
        }
    }
}
