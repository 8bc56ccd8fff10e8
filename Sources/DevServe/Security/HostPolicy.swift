#if canImport(Glibc)
import Glibc
#endif

/// Which `Host` headers devserve answers: the defence against DNS rebinding.
///
/// A page on `http://evil.com:8080` whose name is made to resolve to 127.0.0.1 sends
/// `Host: evil.com:8080`; it is refused. Allowed are `localhost` and `*.localhost`, loopback IP
/// literals, the address devserve is bound to, and names given with `--allowed-host` (a leading
/// `.` allows the name and every name below it). When devserve listens on every address
/// (`0.0.0.0` or `::`), any IP literal is allowed: rebinding needs a name, and people reach such a
/// server by its LAN address.
public struct HostPolicy: Sendable {
    /// Extra names allowed, lowercased; `.example.test` allows `example.test` and its subdomains.
    public let allowedHosts: [String]
    /// The address or name devserve listens on.
    public let boundHost: String
    /// Whether devserve listens on every address (`0.0.0.0` or `::`), so any IP literal is allowed.
    private let listensEverywhere: Bool

    /// The policy for a server bound to `boundHost`, answering `allowedHosts` too.
    public init(boundHost: String, allowedHosts: [String] = []) {
        self.boundHost = Self.normalized(boundHost)
        self.allowedHosts = allowedHosts.map(Self.normalized)
        self.listensEverywhere = IPAddress(self.boundHost)?.isUnspecified == true
    }

    /// Whether listening on `host` keeps devserve off the network: `localhost`, `*.localhost`, or
    /// a loopback address (`127.0.0.0/8`, `::1`, with or without brackets).
    public static func isLoopback(_ host: String) -> Bool {
        let name = normalized(host)
        return name == "localhost" || name.hasSuffix(".localhost") || IPAddress(name)?.isLoopback == true
    }

    /// Whether a request with this `Host` header (or HTTP/2 `:authority`) is answered.
    public func allows(_ header: String?) -> Bool {
        guard let header, let name = Self.hostName(fromHeader: header) else { return false }
        if name == "localhost" || name.hasSuffix(".localhost") || name == boundHost { return true }
        if let address = IPAddress(name) { return address.isLoopback || listensEverywhere }
        return allowedHosts.contains { allowed in
            allowed.hasPrefix(".") ? (name == allowed.dropFirst() || name.hasSuffix(allowed)) : name == allowed
        }
    }

    /// The host name of a `Host` header without its port and IPv6 brackets, lowercased and without
    /// a trailing dot; nil when the header is not a valid `host[:port]`.
    static func hostName(fromHeader header: String) -> String? {
        var name: Substring
        var rest: Substring
        if header.hasPrefix("[") {
            guard let close = header.firstIndex(of: "]") else { return nil }
            name = header[header.index(after: header.startIndex)..<close]
            rest = header[header.index(after: close)...]
            guard IPAddress(String(name)) != nil else { return nil }
        } else if let colon = header.firstIndex(of: ":") {
            name = header[..<colon]
            rest = header[colon...]
        } else {
            name = header[...]
            rest = ""
        }
        if !rest.isEmpty {
            let port = rest.dropFirst()
            guard rest.first == ":", !port.isEmpty, port.count <= 5, port.allSatisfy(\.isASCII), port.allSatisfy(\.isNumber)
            else { return nil }
        }
        if name.hasSuffix(".") { name = name.dropLast() }
        guard !name.isEmpty, name.count <= 253, name.utf8.allSatisfy(Self.isNameByte) else { return nil }
        return name.lowercased()
    }

    /// Letters, digits, `-`, `.`, `_`, and `:` inside IPv6 brackets.
    private static func isNameByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            true
        case UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: ":"):
            true
        default:
            false
        }
    }

    private static func normalized(_ host: String) -> String {
        var host = host.lowercased()
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        if host.hasSuffix(".") && host.count > 1 { host.removeLast() }
        return host
    }
}

/// An IPv4 or IPv6 address literal, parsed with `inet_pton`.
struct IPAddress {
    private enum Bytes { case v4(UInt32), v6([UInt8]) }
    private let bytes: Bytes

    init?(_ text: String) {
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 {
            bytes = .v4(UInt32(bigEndian: v4.s_addr))
            return
        }
        var v6 = in6_addr()
        guard inet_pton(AF_INET6, text, &v6) == 1 else { return nil }
        bytes = .v6(withUnsafeBytes(of: &v6) { Array($0) })
    }

    /// 127.0.0.0/8, `::1`, and IPv4-mapped loopback (`::ffff:127.0.0.1`).
    var isLoopback: Bool {
        switch bytes {
        case .v4(let value): value >> 24 == 127
        case .v6(let b):
            b == [UInt8](repeating: 0, count: 15) + [1]
                || (b[0..<10].allSatisfy { $0 == 0 } && b[10] == 0xff && b[11] == 0xff && b[12] == 127)
        }
    }

    /// `0.0.0.0` or `::`: listening on every address.
    var isUnspecified: Bool {
        switch bytes {
        case .v4(let value): value == 0
        case .v6(let b): b.allSatisfy { $0 == 0 }
        }
    }
}
