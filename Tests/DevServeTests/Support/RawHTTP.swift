import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A plain TCP connection to the test server, for requests no HTTP client library would send
/// as written (bad request lines, `..` in the target, forged `Host` and `Origin` headers).
///
/// Socket calls block, so each runs on a thread of its own: never on the cooperative pool, and
/// not on Dispatch's global queue either, whose few threads (about one per core here) would make
/// dozens of slow clients wait for each other.
final class RawConnection: @unchecked Sendable {
    let fd: Int32

    /// Connects to 127.0.0.1:`port`.
    init(port: Int) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw TestFailure("socket() failed: errno \(errno)") }
        // A send never blocks for more than 10 s, even if the server stops reading.
        var limit = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard result == 0 else {
            close(fd)
            throw TestFailure("cannot connect to port \(port): errno \(errno)")
        }
    }

    deinit { close(fd) }

    /// Sends all of `bytes`; false when the server has closed the connection.
    @discardableResult
    func send(_ bytes: [UInt8]) async -> Bool {
        await blocking { [fd] in
            var sent = 0
            while sent < bytes.count {
                let count = bytes[sent...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
                if count < 0 && errno == EINTR { continue }
                guard count > 0 else { return false }
                sent += count
            }
            return true
        }
    }

    @discardableResult
    func send(_ text: String) async -> Bool { await send(Array(text.utf8)) }

    /// Says the request is complete: the server reads end-of-file after it.
    func finishSending() { shutdown(fd, Int32(SHUT_WR)) }

    /// Makes the close (at deinit) a reset (RST) rather than an orderly end (FIN), as when a
    /// peer closes with unread data or crashes: the server's read fails instead of ending.
    func resetOnClose() {
        var linger = Glibc.linger(l_onoff: 1, l_linger: 0)
        setsockopt(fd, SOL_SOCKET, SO_LINGER, &linger, socklen_t(MemoryLayout<Glibc.linger>.size))
    }

    /// Reads until the server closes the connection, `until` returns true for what was read so
    /// far, or `timeout` passes. Returns what was read and whether the server closed.
    func read(timeout: Duration, until: @escaping @Sendable ([UInt8]) -> Bool = { _ in false }) async -> (bytes: [UInt8], closed: Bool) {
        await blocking { [fd] in
            let deadline = ContinuousClock.now + timeout
            var bytes = [UInt8]()
            var chunk = [UInt8](repeating: 0, count: 64 * 1024)
            while ContinuousClock.now < deadline {
                var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
                let left = deadline - ContinuousClock.now
                let ready = poll(&poller, 1, Int32(max(1, left / .milliseconds(1))))
                if ready < 0 && errno == EINTR { continue }
                guard ready > 0 else { break }
                let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
                if count < 0 && errno == EINTR { continue }
                guard count > 0 else { return (bytes, true) }
                bytes.append(contentsOf: chunk[..<count])
                if until(bytes) { return (bytes, false) }
            }
            return (bytes, false)
        }
    }

    private func blocking<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            Thread.detachNewThread { continuation.resume(returning: work()) }
        }
    }
}

/// A response as read off the socket.
struct RawResponse: Sendable {
    let text: String
    let closed: Bool
    /// The bytes as read: `text` is them decoded as UTF-8, which a gzip body does not survive.
    let bytes: [UInt8]

    init(bytes: [UInt8], closed: Bool) {
        self.bytes = bytes
        self.text = String(decoding: bytes, as: UTF8.self)
        self.closed = closed
    }

    init(text: String, closed: Bool) {
        self.init(bytes: Array(text.utf8), closed: closed)
    }

    /// The status code of the first response, or nil when nothing came back.
    var status: Int? {
        guard text.hasPrefix("HTTP/1."), text.count >= 12 else { return nil }
        return Int(text.dropFirst(9).prefix(3))
    }

    /// A header of the first response (name case-insensitive).
    func header(_ name: String) -> String? {
        let head = text.components(separatedBy: "\r\n\r\n").first ?? ""
        for line in head.components(separatedBy: "\r\n").dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            if line[..<colon].lowercased() == name.lowercased() {
                return line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            }
        }
        return nil
    }

    var body: String {
        guard let range = text.range(of: "\r\n\r\n") else { return "" }
        return String(text[range.upperBound...])
    }

    /// The body's bytes as sent, after the first blank line (a response with `Content-Length`
    /// on a connection that closes after it: nothing is chunked).
    var bodyBytes: [UInt8] {
        let blank: [UInt8] = [13, 10, 13, 10]
        guard bytes.count >= 4, let start = (0...(bytes.count - 4)).first(where: { bytes[$0..<($0 + 4)].elementsEqual(blank) }) else {
            return []
        }
        return Array(bytes[(start + 4)...])
    }
}

extension RawConnection {
    /// Sends `request` as written on a new connection, half-closes it and reads the answer until
    /// the server closes (bounded by `timeout`).
    static func exchange(_ request: [UInt8], port: Int, timeout: Duration = .seconds(10)) async throws -> RawResponse {
        let connection = try RawConnection(port: port)
        await connection.send(request)
        connection.finishSending()
        let (bytes, closed) = await connection.read(timeout: timeout)
        return RawResponse(bytes: bytes, closed: closed)
    }

    /// A GET with `Host: 127.0.0.1:PORT` (unless `host` is given) and extra header lines.
    static func get(_ target: String, port: Int, host: String? = nil, headers: [String] = []) async throws -> RawResponse {
        let lines = ["GET \(target) HTTP/1.1", "Host: \(host ?? "127.0.0.1:\(port)")"] + headers + ["Connection: close"]
        return try await exchange(Array((lines.joined(separator: "\r\n") + "\r\n\r\n").utf8), port: port)
    }
}

extension TestServer {
    var port: Int { Int(url.split(separator: ":").last!.filter(\.isNumber))! }

    func raw(_ request: String, timeout: Duration = .seconds(10)) async throws -> RawResponse {
        try await RawConnection.exchange(Array(request.utf8), port: port, timeout: timeout)
    }

    func raw(_ request: [UInt8], timeout: Duration = .seconds(10)) async throws -> RawResponse {
        try await RawConnection.exchange(request, port: port, timeout: timeout)
    }

    func rawGet(_ target: String, host: String? = nil, headers: [String] = []) async throws -> RawResponse {
        try await RawConnection.get(target, port: port, host: host, headers: headers)
    }
}

extension RawConnection {
    /// Runs `body` with a loopback port that refuses connections for as long as `body` runs.
    ///
    /// The port stays bound (without `listen`), so a connection to it is refused and no server
    /// started meanwhile, by this test or one running beside it, can be given the same port.
    /// A port that is found and then released would race with those servers.
    static func withRefusingPort<Result>(_ body: (Int) async throws -> Result) async throws -> Result {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw TestFailure("socket() failed: errno \(errno)") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        guard bound else { throw TestFailure("bind() failed: errno \(errno)") }
        return try await body(Int(UInt16(bigEndian: address.sin_port)))
    }
}

extension RawConnection {
    /// The port this end of the connection was given.
    var localPort: Int {
        var address = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// Whether the server's end of this connection is still open (`ESTABLISHED` in
    /// `/proc/net/tcp`). A server that closes a connection whose client stopped reading leaves
    /// nothing the client could see without reading (its last bytes wait behind a full window),
    /// so the test looks at the kernel's table instead.
    func serverEndIsOpen(serverPort: Int) -> Bool {
        // Read to the end with plain reads: the file's size is 0 to stat, and a read sized by it
        // gets the first lines only.
        let fd = open("/proc/net/tcp", O_RDONLY)
        guard fd >= 0 else { return true }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while case let count = chunk.withUnsafeMutableBytes({ Glibc.read(fd, $0.baseAddress, $0.count) }), count > 0 {
            bytes += chunk[..<count]
        }
        let table = String(decoding: bytes, as: UTF8.self)
        let local = String(format: ":%04X", serverPort)
        let remote = String(format: ":%04X", localPort)
        for line in table.split(separator: "\n").dropFirst() {
            let fields = line.split(separator: " ")
            guard fields.count > 3, fields[1].hasSuffix(local), fields[2].hasSuffix(remote) else { continue }
            return fields[3] == "01"
        }
        return false
    }
}
