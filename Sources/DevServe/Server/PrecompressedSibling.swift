/// A precompressed copy of a served file beside it, `app.js.br` or `app.js.gz`, as build tools
/// write them (`vite-plugin-compression`, `gzip -k`, `brotli -k`): the ``FileResponder`` sends it
/// instead of the file to a client that accepts its coding (Brotli first, then gzip), with
/// `Content-Encoding`, the file's own `Content-Type`, `Vary: Accept-Encoding`, and an `ETag` of
/// its own bytes with the coding's suffix (``ContentCoding/tag(from:)``).
///
/// The trap: a sibling goes stale. A build that wrote `app.js.gz` once, or a developer who ran
/// `gzip -k` by hand, leaves the old copy behind when `app.js` is edited, and serving it would
/// send yesterday's script to every browser (which all accept gzip) while `curl` shows today's:
/// the kind of bug that costs an afternoon. So a sibling counts only while it is not older
/// than its file, by modification time to the nanosecond: editing `app.js` retires its siblings
/// until the build writes them again, and a build that writes both (file first) keeps them.
/// What this cannot see: a new version of the file copied in with an old time kept (`cp -p`,
/// `rsync -t`) looks older than its sibling, which is then still served. Write siblings with
/// the build that writes their files.
///
/// Also:
/// - siblings are found through the ``PathResolver``, so one that is a link out of the root, or
///   is denied, is never read;
/// - an empty sibling is no gzip or Brotli stream (it is being written), and is not used;
/// - only files sent byte for byte have siblings: an injected page or a rewritten module is not
///   what its sibling holds, so those are compressed on the fly instead.
struct PrecompressedSibling: Equatable, Sendable {
    let coding: ContentCoding
    /// The sibling's resolved path.
    let path: String
    let status: FileStatus

    /// The codings siblings are looked for in, best first.
    static let codings: [ContentCoding] = [.br, .gzip]

    /// The usable siblings of the file served at `urlPath` (decoded), whose status is
    /// `original`, best first.
    static func siblings(of urlPath: String, original: FileStatus, resolver: PathResolver) -> [PrecompressedSibling] {
        codings.compactMap { coding in
            guard let suffix = coding.siblingSuffix, let path = resolver.regularFile(urlPath + suffix),
                let status = FileStatus(path), status.size > 0, status.modified >= original.modified
            else { return nil }
            return PrecompressedSibling(coding: coding, path: path, status: status)
        }
    }
}
