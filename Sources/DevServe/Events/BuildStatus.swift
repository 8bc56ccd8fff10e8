/// Where the pipeline stands: sent in `hello` and by `GET /__hmr/status`.
public struct BuildStatus: Sendable, Encodable, Equatable {
    /// Idle (the last build succeeded, or none ran), building, or failed.
    public enum State: String, Sendable, Encodable {
        case idle, building, error
    }

    /// Where the pipeline stands.
    public var status: State
    /// What the running build is about (while `building`).
    public var changed: [String]
    /// The last failed build, until a build succeeds again (kept while a new build runs).
    public var error: DevServerEvent?

    /// No build running and none failed.
    public static let idle = BuildStatus(status: .idle, changed: [], error: nil)

    /// The status after `event`.
    func applying(_ event: DevServerEvent) -> BuildStatus {
        switch event.kind {
        case .building: BuildStatus(status: .building, changed: event.changed, error: error)
        case .built: .idle
        case .error: BuildStatus(status: .error, changed: [], error: event)
        case .custom, .browserError: self
        }
    }

    /// The status with at most the last `limit` bytes of the failed build's output (cut at a line
    /// start, after a line saying how much was left out).
    func withOutputTail(_ limit: Int) -> BuildStatus {
        guard var failed = error, let output = failed.output, output.utf8.count > limit else { return self }
        var tail = output.utf8.suffix(limit)
        if let newline = tail.firstIndex(of: UInt8(ascii: "\n")) { tail = tail[tail.index(after: newline)...] }
        let left = output.utf8.count - tail.count
        failed.output = "[devserve: the first \(left) bytes of the output are left out here; /__hmr/status has them]\n"
            + String(decoding: tail, as: UTF8.self)
        var status = self
        status.error = failed
        return status
    }

    private enum CodingKeys: String, CodingKey { case status, changed, error }

    /// Encodes `error` as `null` when there is none.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(status, forKey: .status)
        try container.encode(changed, forKey: .changed)
        try container.encode(error, forKey: .error)  // null when there is none
    }
}
