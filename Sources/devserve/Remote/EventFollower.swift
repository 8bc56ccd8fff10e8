import DevServe
import Foundation

/// What a running devserve says on `/__hmr`, decoded.
enum RemoteEvent {
    /// The first message of each connection: the build state (`idle`, `building`, `error`) and
    /// the whole payload (JSON).
    case hello(state: String, json: String)
    case build(DevServerEvent)
    case custom(json: String)
}

/// Follows a running devserve's event stream the way the browser client does: it reconnects
/// after a restart or a dropped connection (with `Last-Event-ID`, so nothing is missed while the
/// same server runs) and stops when `handle` returns an exit code.
struct EventFollower {
    let server: RemoteServer
    /// Told when the connection drops and comes back (human output only).
    let notice: (String) -> Void

    /// - Returns: the exit code `handle` chose.
    /// - Throws: ``RemoteError`` when the first connection fails.
    func follow(_ handle: (RemoteEvent) async throws -> Int32?) async throws -> Int32 {
        var lastEventID: String?
        var connected = false
        var delay = Duration.milliseconds(250)
        while true {
            do {
                let events = try await server.events(lastEventID: lastEventID)
                if connected { notice("reconnected to \(server.url)") }
                connected = true
                delay = .milliseconds(250)
                do {
                    for try await event in events {
                        if let id = event.id, !id.isEmpty { lastEventID = id }
                        guard let decoded = Self.decode(event.event, event.data) else { continue }
                        if let code = try await handle(decoded) { return code }
                    }
                } catch let error as RemoteError {
                    throw error
                } catch {
                    // The connection broke; reconnect below.
                }
                notice("devserve went away; waiting for it to come back…")
            } catch {
                guard connected else { throw error }
            }
            do {
                try await Task.sleep(for: delay)
            } catch {
                return 130
            }
            delay = min(delay * 2, .seconds(5))
        }
    }

    private static func decode(_ type: String, _ data: String) -> RemoteEvent? {
        switch type {
        case "hello":
            let object = (try? JSONSerialization.jsonObject(with: Data(data.utf8))) as? [String: Any]
            let state = (object?["state"] as? [String: Any])?["status"] as? String ?? "unknown"
            return .hello(state: state, json: data)
        case "custom":
            return .custom(json: data)
        default:
            guard let kind = DevServerEvent.Kind(rawValue: type),
                let event = try? DevServerEvent.decode(kind: kind, json: data)
            else { return nil }
            return .build(event)
        }
    }
}
