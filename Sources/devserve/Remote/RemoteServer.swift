import AsyncHTTPClient
import DevServe
import Foundation
import NIOCore
import NIOHTTP1

/// A running devserve, reached over HTTP by `devserve events`, `status` and `rebuild`.
struct RemoteServer: Sendable {
    /// `http://HOST:PORT/`, always with the trailing `/`.
    let url: String

    /// The server at `argument`, or the one this folder's settings point at (devserve.toml,
    /// then `PORT` and `HOST`): `http://127.0.0.1:8080/` by default.
    init(_ argument: String?, current: String, environment: [String: String]) throws(SettingError) {
        if let argument {
            guard let parsed = URL(string: argument.contains("://") ? argument : "http://" + argument),
                parsed.scheme == "http", let host = parsed.host, !host.isEmpty
            else {
                throw SettingError("not a devserve URL: \(argument) (expected http://HOST:PORT/)")
            }
            let port = parsed.port.map { ":\($0)" } ?? ""
            url = "http://\(host.contains(":") ? "[\(host)]" : host)\(port)/"
        } else {
            let settings = try Settings.load(config: nil, current: current, environment: environment)
            var host = settings[Setting.host]
            if host == "0.0.0.0" || host == "::" { host = "127.0.0.1" }
            url = "http://\(host.contains(":") ? "[\(host)]" : host):\(settings[Setting.port])/"
        }
    }

    /// The client for all requests: it fails at once when nothing listens, rather than retrying
    /// the connection until a deadline. (Never shut down: the commands end with `exit`.)
    private static let client: HTTPClient = {
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool.retryConnectionEstablishment = false
        configuration.timeout = .init(connect: .seconds(5), read: nil)
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }()

    /// The server's origin, sent as `Origin` so that POSTs pass its same-origin check.
    var origin: String { String(url.dropLast()) }

    /// `GET /__hmr/status`: the JSON text.
    func status() async throws(RemoteError) -> String {
        let (status, body) = try await send(HTTPClientRequest(url: url + "__hmr/status"))
        guard status == .ok else { throw RemoteError("\(url)__hmr/status answered \(status.code): \(body)") }
        return body
    }

    /// `POST /__hmr/rebuild`.
    func rebuild() async throws(RemoteError) {
        var request = HTTPClientRequest(url: url + "__hmr/rebuild")
        request.method = .POST
        request.headers.add(name: "Origin", value: origin)
        let (status, body) = try await send(request)
        guard status == .accepted || status == .ok else {
            throw RemoteError("\(url)__hmr/rebuild answered \(status.code): \(body)")
        }
    }

    /// Opens `/__hmr` and returns its events as they arrive, until the stream ends.
    func events(lastEventID: String?) async throws(RemoteError) -> ServerSentEvents<HTTPClientResponse.Body> {
        var request = HTTPClientRequest(url: url + "__hmr")
        request.headers.add(name: "Accept", value: "text/event-stream")
        if let lastEventID { request.headers.add(name: "Last-Event-ID", value: lastEventID) }
        let response: HTTPClientResponse
        do {
            response = try await Self.client.execute(request, timeout: .seconds(10))
        } catch {
            throw unreachable(error)
        }
        guard response.status == .ok else {
            let body = (try? await response.body.collect(upTo: 1 << 16)).map { String(buffer: $0) } ?? ""
            throw RemoteError("\(url)__hmr answered \(response.status.code): \(body.trimmingCharacters(in: .whitespacesAndNewlines))")
        }
        return ServerSentEvents(body: response.body)
    }

    private func send(_ request: HTTPClientRequest) async throws(RemoteError) -> (HTTPResponseStatus, String) {
        do {
            let response = try await Self.client.execute(request, timeout: .seconds(10))
            let body = try await response.body.collect(upTo: 1 << 22)
            return (response.status, String(buffer: body).trimmingCharacters(in: .whitespacesAndNewlines))
        } catch {
            throw unreachable(error)
        }
    }

    private func unreachable(_ error: any Error) -> RemoteError {
        let text = String(describing: error)
        let reason = text.contains("refused") ? "connection refused" : text
        return RemoteError("cannot reach devserve at \(url) (\(reason)); is it running? (give its URL, or set PORT)")
    }
}

/// A failure to talk to a running devserve: one line for the user.
struct RemoteError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
