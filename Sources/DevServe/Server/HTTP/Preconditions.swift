import Foundation

/// The conditional headers of a GET or HEAD for a file that exists, evaluated in RFC 9110's
/// order (§13.2.2) against the file's ``EntityTag``:
/// 1. `If-Match`: `*`, or a strong match of one tag; otherwise 412;
/// 2. `If-None-Match`: `*`, or a weak match of one tag, is 304;
/// 3. `If-Range` (only with a `Range`): the range is honoured only for a strong match of the
///    current tag. A weak tag never matches, and neither does a date: devserve sends no
///    `Last-Modified`, so there is no date to compare with.
///
/// `If-Modified-Since` and `If-Unmodified-Since` are ignored, as RFC 9110 asks of a resource
/// without a modification date. devserve has none on purpose: a date in whole seconds cannot
/// tell two saves in one second apart, nor a copy that keeps the old time (`cp -p`, `rsync -a`,
/// `tar x`), and a 304 from it is exactly how a browser ends up running yesterday's script.
enum Preconditions {
    enum Outcome: Equatable {
        /// Answer normally; `honourRange` says whether a `Range` still applies.
        case proceed(honourRange: Bool)
        case notModified
        case preconditionFailed
    }

    static func evaluate(ifMatch: String?, ifNoneMatch: String?, ifRange: String?, current: EntityTag) -> Outcome {
        if let ifMatch {
            switch EntityTag.list(ifMatch) {
            case .any: break
            case .tags(let tags): guard tags.contains(where: { $0.strongMatch(current) }) else { return .preconditionFailed }
            }
        }
        if let ifNoneMatch {
            switch EntityTag.list(ifNoneMatch) {
            case .any: return .notModified
            case .tags(let tags): if tags.contains(where: { $0.weakMatch(current) }) { return .notModified }
            }
        }
        guard let ifRange else { return .proceed(honourRange: true) }
        let trimmed = Substring(ifRange.trimmingCharacters(in: .whitespaces))
        guard let (tag, rest) = EntityTag.parseOne(trimmed), rest.isEmpty else { return .proceed(honourRange: false) }
        return .proceed(honourRange: tag.strongMatch(current))
    }
}
