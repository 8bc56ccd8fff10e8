import Foundation
public import HTTPTypes

/// A header the user adds to every response (`--header 'Name: value'`, `[headers]` in
/// devserve.toml): `Cross-Origin-Opener-Policy` and `-Embedder-Policy` for `SharedArrayBuffer`,
/// a `Content-Security-Policy` to try out, `Cross-Origin-Resource-Policy: cross-origin` for a
/// page on another origin that embeds these files.
///
/// It replaces devserve's own header of the same name. The headers that frame a message or
/// belong to one connection are refused, and so are the ones devserve computes per response and
/// whose replacement would break it quietly. The trap: a `Cache-Control: max-age=…` added to
/// every response would let browsers keep stale scripts after a reload, the very thing a dev
/// server must never do; an `ETag` or `Content-Type` set once for all files would be wrong for
/// every file but one.
public struct ResponseHeader: Sendable, Equatable {
    /// The field's name as given (HTTP names are compared without case).
    public let name: HTTPField.Name
    /// The field's value, without surrounding spaces.
    public let value: String

    /// Names devserve keeps for itself, lowercased.
    static let reserved: Set<String> = [
        "content-length", "transfer-encoding", "connection", "keep-alive", "upgrade", "te", "trailer", "host",
        "content-type", "content-encoding", "content-range", "etag", "last-modified", "cache-control", "vary",
        "location", "accept-ranges",
    ]

    /// Parses `Name: value` or `Name=value` (the form a `[headers]` table entry arrives in).
    /// - Throws: ``DevServeError`` saying what is wrong, in one line that follows the flag's name
    ///   (`--header cannot set Cache-Control: …`).
    public init(parsing text: String) throws(DevServeError) {
        guard let separator = text.firstIndex(where: { $0 == ":" || $0 == "=" }) else {
            throw DevServeError("takes Name: value, as in \"Cross-Origin-Opener-Policy: same-origin\", not \(text)")
        }
        let rawName = text[..<separator].trimmingCharacters(in: .whitespaces)
        let rawValue = text[text.index(after: separator)...].trimmingCharacters(in: .whitespaces)
        guard !rawName.isEmpty, let name = HTTPField.Name(rawName) else {
            throw DevServeError("takes a header name of letters, digits and - _ . ! # $ % & ' * + ^ ` | ~, not \"\(rawName)\"")
        }
        guard !Self.reserved.contains(name.canonicalName) else {
            throw DevServeError("cannot set \(rawName): devserve sets it for each response")
        }
        guard HTTPField.isValidValue(rawValue) else {
            throw DevServeError("must not have a control character or a line break in a value (\(rawName))")
        }
        self.name = name
        self.value = rawValue
    }

    /// What is wrong with `text`, or nil when it parses.
    public static func problem(with text: String) -> String? {
        do {
            _ = try ResponseHeader(parsing: text)
            return nil
        } catch {
            return error.description
        }
    }
}

extension HTTPFields {
    /// Sets each of `headers`, replacing a field of the same name.
    mutating func set(_ headers: [ResponseHeader]) {
        for header in headers { self[header.name] = header.value }
    }
}
