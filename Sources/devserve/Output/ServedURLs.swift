import DevServe
import NIOCore

/// The URLs a server listening on `host:port` can be opened at, as `devserve serve` prints them:
///
/// ```text
/// http://127.0.0.1:8080/
///   Network: http://192.168.1.5:8080/
/// ```
///
/// A wildcard host (`0.0.0.0`, `::`) is no address a browser can open (`http://0.0.0.0:8080/`
/// opens nothing on a phone, and not everywhere on the machine itself): the local URL is then the
/// loopback one, and each address of the machine's interfaces gets a `Network:` URL, the one to
/// type on a phone on the same network. `--open` opens the local URL.
struct ServedURLs: Equatable {
    /// Where this machine's browser opens it.
    var local: String
    /// Where other machines open it, one per interface address; empty on loopback.
    var network: [String]

    /// - Parameters:
    ///   - scheme: `http` or `https`.
    ///   - addresses: the machine's interface addresses, as ``interfaceAddresses()`` reads them.
    init(scheme: String, host: String, port: Int, addresses: [SocketAddress]) {
        func url(_ host: String) -> String {
            "\(scheme)://\(host.contains(":") ? "[\(host)]" : host):\(port)/"
        }
        switch host {
        case "0.0.0.0":
            local = url("127.0.0.1")
            network = Self.usable(addresses, ipv6: false).map(url)
        case "::", "[::]":
            local = url("localhost")
            network = Self.usable(addresses, ipv6: true).map(url)
        default:
            local = url(host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host)
            network = []
        }
    }

    /// The same URLs for a page: `/docs/` opens `http://127.0.0.1:8080/docs/`.
    func page(_ path: String) -> String {
        guard path != "/", !path.isEmpty else { return local }
        return String(local.dropLast()) + (path.hasPrefix("/") ? path : "/" + path)
    }

    /// The addresses worth a URL, in the order the system lists them, each once: no loopback,
    /// and no IPv6 link-local address (`fe80::…` needs the interface's zone in the URL, which
    /// browsers do not take). Listening on `::` takes IPv4 connections too (Linux's default), so
    /// its URLs include the IPv4 addresses.
    private static func usable(_ addresses: [SocketAddress], ipv6: Bool) -> [String] {
        var seen: [String] = []
        for address in addresses {
            guard let ip = address.ipAddress else { continue }
            switch address.protocol {
            case .inet where !ip.hasPrefix("127."):
                break
            case .inet6 where ipv6 && ip != "::1" && !ip.lowercased().hasPrefix("fe80:"):
                break
            default:
                continue
            }
            if !seen.contains(ip) { seen.append(ip) }
        }
        return seen
    }

    /// The addresses of the machine's network interfaces; none when they cannot be read.
    static func interfaceAddresses() -> [SocketAddress] {
        ((try? System.enumerateDevices()) ?? []).compactMap(\.address)
    }
}
