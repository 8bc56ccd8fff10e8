import Foundation
import NIOCore
import Subprocess
import Testing

@testable import devserve

/// What `devserve serve` prints once listening, and what `--open` opens.
@Suite(.timeLimit(.minutes(2))) struct ServedURLsTests {
    let addresses = [
        try! SocketAddress(ipAddress: "127.0.0.1", port: 0), try! SocketAddress(ipAddress: "192.168.1.5", port: 0),
        try! SocketAddress(ipAddress: "10.0.0.7", port: 0), try! SocketAddress(ipAddress: "192.168.1.5", port: 0),
        try! SocketAddress(ipAddress: "::1", port: 0), try! SocketAddress(ipAddress: "fe80::1", port: 0),
        try! SocketAddress(ipAddress: "2001:db8::5", port: 0),
    ]

    @Test func aWildcardHostIsOpenedLocallyAndListedByAddress() {
        let v4 = ServedURLs(scheme: "http", host: "0.0.0.0", port: 8080, addresses: addresses)
        #expect(v4.local == "http://127.0.0.1:8080/")
        #expect(v4.network == ["http://192.168.1.5:8080/", "http://10.0.0.7:8080/"])
        let v6 = ServedURLs(scheme: "https", host: "::", port: 8443, addresses: addresses)
        #expect(v6.local == "https://localhost:8443/")
        #expect(v6.network == ["https://192.168.1.5:8443/", "https://10.0.0.7:8443/", "https://[2001:db8::5]:8443/"])
    }

    @Test func aNamedHostIsItsOwnURL() {
        let named = ServedURLs(scheme: "http", host: "127.0.0.1", port: 80, addresses: addresses)
        #expect(named.local == "http://127.0.0.1:80/" && named.network.isEmpty)
        #expect(ServedURLs(scheme: "http", host: "::1", port: 81, addresses: addresses).local == "http://[::1]:81/")
        #expect(ServedURLs(scheme: "http", host: "192.168.1.5", port: 82, addresses: addresses).network == [])
    }

    @Test func aPageIsOpenedByItsPath() {
        let urls = ServedURLs(scheme: "http", host: "0.0.0.0", port: 8080, addresses: [])
        #expect(urls.page("/") == "http://127.0.0.1:8080/")
        #expect(urls.page("/docs/") == "http://127.0.0.1:8080/docs/")
        #expect(urls.page("about.html") == "http://127.0.0.1:8080/about.html")
    }

    @Test func openTakesAPageButNeverROOT() {
        let exists: (String) -> Bool = { $0 == "/home/me/site" }
        #expect(OpenPage.rewritten(["--open", "/docs/"], exists: exists) == ["--open", "--open-path", "/docs/"])
        #expect(OpenPage.rewritten(["--open=/a b"], exists: exists) == ["--open", "--open-path", "/a b"])
        #expect(OpenPage.rewritten(["--open", "/home/me/site"], exists: exists) == ["--open", "/home/me/site"])
        #expect(OpenPage.rewritten(["site", "--open", "--port", "0"], exists: exists) == ["site", "--open", "--port", "0"])
        #expect(OpenPage.rewritten(["--", "--open", "/x"], exists: exists) == ["--", "--open", "/x"])
    }

    /// On `0.0.0.0` the first line is a URL this machine opens, then one `Network:` line per
    /// IPv4 address `hostname -I` lists (the addresses as another program reads them).
    @Test func listeningEverywherePrintsTheNetworkURLs() async throws {
        let listed = try await Subprocess.run(.name("hostname"), arguments: ["-I"], output: .string(limit: 1 << 12))
        let expected = listed.standardOutput.split(separator: " ").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
            .filter { $0.contains(".") && !$0.hasPrefix("127.") }
        let site = try FixtureCopy("site")
        defer { site.remove() }
        try await Devserve.run([site.path, "--port", "0", "--host", "0.0.0.0"]) { devserve in
            #expect(devserve.url == "http://127.0.0.1:\(devserve.port)/")
            var network: [String] = []
            for _ in expected {
                guard let line = try await devserve.lines.next() else { break }
                network.append(line)
            }
            #expect(network == expected.map { "  Network: http://\($0):\(devserve.port)/" })
        }
    }
}
