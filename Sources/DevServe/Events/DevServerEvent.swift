import Foundation

/// An event of the build pipeline, as sent to browsers on `/__hmr` and to local subscribers.
public struct DevServerEvent: Sendable, Encodable, Equatable {
    /// What happened.
    public enum Kind: String, Sendable, Codable, CaseIterable {
        /// A batch of changes arrived; a build (if any) is starting.
        case building
        /// The build succeeded (or there is no build command).
        case built
        /// The build failed.
        case error
        /// An event an embedder published (``EventHub/publish(custom:detail:)``): ``name`` and
        /// ``detail``, for page scripts (`devserve.on(name, fn)`) and editors.
        case custom
        /// A page reported an error (`POST /__hmr/error`): ``browserError``.
        case browserError = "browser-error"
    }

    /// What happened.
    public var kind: Kind
    /// Increases by one with every event of a server instance.
    public var id: Int
    /// Changed paths, relative to the project folder; `"."` means anything may have changed.
    public var changed: [String]
    /// On `built` and `error`: how long the build took.
    public var durationMs: Int?
    /// On `error`: the build's exit code (-1 when it was stopped or could not start).
    public var exitCode: Int32?
    /// On `error`: the build's output.
    public var output: String?
    /// On `built`: URL paths of the served files whose content changed (`/app.js`); empty when
    /// the build changed nothing, so pages need not reload. Nil when unknown.
    public var outputs: [String]?
    /// On `error` (and on `built`, for warnings): what the build output says is wrong, and where.
    public var diagnostics: [Diagnostic]?
    /// On `built`, when ES modules devserve served are among the changed outputs: what a tab
    /// needs to update them in place (``HotUpdate``).
    public var hot: HotUpdate?
    /// On `browser-error`: what the page reported, its frames mapped to the sources.
    public var browserError: BrowserError?
    /// On `custom`: the event's name (`[a-z0-9][a-z0-9-]*`).
    public var name: String?
    /// On `custom`: the event's detail, as JSON text.
    public var detail: String?

    /// An event; ``EventHub/publish(_:changed:durationMs:exitCode:output:outputs:diagnostics:)``
    /// makes them with the right id.
    public init(
        kind: Kind, id: Int, changed: [String], durationMs: Int? = nil, exitCode: Int32? = nil, output: String? = nil,
        outputs: [String]? = nil, diagnostics: [Diagnostic]? = nil, hot: HotUpdate? = nil,
        browserError: BrowserError? = nil, name: String? = nil, detail: String? = nil
    ) {
        self.kind = kind
        self.id = id
        self.changed = changed
        self.durationMs = durationMs
        self.exitCode = exitCode
        self.output = output
        self.outputs = outputs
        self.diagnostics = diagnostics
        self.hot = hot
        self.browserError = browserError
        self.name = name
        self.detail = detail
    }

    private enum CodingKeys: String, CodingKey {
        case id, changed, durationMs, exitCode, output, outputs, diagnostics, hot
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
            var hot: HotUpdate?
        }
        if kind == .browserError {
            struct Reported: Decodable {
                var id: Int
                var kind: String
                var message: String
                var stack: [BrowserError.Frame]
                var page: String
            }
            let reported = try JSONDecoder().decode(Reported.self, from: Data(json.utf8))
            return DevServerEvent(
                kind: .browserError, id: reported.id, changed: [],
                browserError: BrowserError(kind: reported.kind, message: reported.message, stack: reported.stack, page: reported.page))
        }
        if kind == .custom {
            guard let object = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any],
                let id = object["id"] as? Int, let name = object["name"] as? String
            else { throw DevServeError("not a custom event: \(json)") }
            let detail = try object["detail"].map {
                String(decoding: try JSONSerialization.data(withJSONObject: $0, options: [.fragmentsAllowed, .sortedKeys, .withoutEscapingSlashes]), as: UTF8.self)
            }
            return DevServerEvent(kind: .custom, id: id, changed: [], name: name, detail: detail ?? "null")
        }
        let payload = try JSONDecoder().decode(Payload.self, from: Data(json.utf8))
        return DevServerEvent(
            kind: kind, id: payload.id, changed: payload.changed ?? [], durationMs: payload.durationMs,
            exitCode: payload.exitCode, output: payload.output, outputs: payload.outputs,
            diagnostics: payload.diagnostics, hot: payload.hot)
    }

    /// The single-line JSON payload (`data:`): `{"id":…,"changed":[…],…}`, or
    /// `{"detail":…,"id":…,"name":"…"}` for a custom event, or
    /// `{"id":…,"kind":…,"message":…,"page":…,"stack":[…]}` for a browser error.
    public var json: String {
        if kind == .browserError, let browserError {
            let fields = JSON.encode(browserError)  // {"kind":…,"message":…,"page":…,"stack":[…]}
            return #"{"id":\#(id),"# + fields.dropFirst()
        }
        guard kind == .custom else { return JSON.encode(self) }
        return #"{"detail":\#(detail ?? "null"),"id":\#(id),"name":\#(JSON.encode(name ?? ""))}"#
    }
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
