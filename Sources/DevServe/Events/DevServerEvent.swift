import Foundation

/// An event of the build pipeline, as sent to browsers on `/__hmr` and to local subscribers.
public struct DevServerEvent: Sendable, Encodable, Equatable {
    public enum Kind: String, Sendable, Codable, CaseIterable {
        /// A batch of changes arrived; a build (if any) is starting.
        case building
        /// The build succeeded (or there is no build command).
        case built
        /// The build failed.
        case error
    }

    public var kind: Kind
    /// Increases by one with every event of a server instance.
    public var id: Int
    /// Changed paths, relative to the project folder; `"."` means anything may have changed.
    public var changed: [String]
    public var durationMs: Int?
    public var exitCode: Int32?
    public var output: String?
    /// On `built`: URL paths of the served files whose content changed (`/app.js`); empty when
    /// the build changed nothing, so pages need not reload. Nil when unknown.
    public var outputs: [String]?
    /// On `error` (and on `built`, for warnings): what the build output says is wrong, and where.
    public var diagnostics: [Diagnostic]?

    public init(
        kind: Kind, id: Int, changed: [String], durationMs: Int? = nil, exitCode: Int32? = nil, output: String? = nil,
        outputs: [String]? = nil, diagnostics: [Diagnostic]? = nil
    ) {
        self.kind = kind
        self.id = id
        self.changed = changed
        self.durationMs = durationMs
        self.exitCode = exitCode
        self.output = output
        self.outputs = outputs
        self.diagnostics = diagnostics
    }

    private enum CodingKeys: String, CodingKey {
        case id, changed, durationMs, exitCode, output, outputs, diagnostics
    }

    /// Decodes the `data:` of an SSE message whose `event:` is `kind`.
    public static func decode(kind: Kind, json: String) throws -> DevServerEvent {
        struct Payload: Decodable {
            var id: Int
            var changed: [String]?
            var durationMs: Int?
            var exitCode: Int32?
            var output: String?
            var outputs: [String]?
            var diagnostics: [Diagnostic]?
        }
        let payload = try JSONDecoder().decode(Payload.self, from: Data(json.utf8))
        return DevServerEvent(
            kind: kind, id: payload.id, changed: payload.changed ?? [], durationMs: payload.durationMs,
            exitCode: payload.exitCode, output: payload.output, outputs: payload.outputs,
            diagnostics: payload.diagnostics)
    }

    /// The single-line JSON payload (`data:`): `{"id":…,"changed":[…],…}`.
    public var json: String { JSON.encode(self) }
}

/// JSON encoding shared by the event stream, `/__hmr/status` and `--json` output: one line,
/// sorted keys, `/` not escaped.
enum JSON {
    static func encode(_ value: some Encodable) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(value) else { return "{}" }
        return String(decoding: data, as: UTF8.self)
    }
}
