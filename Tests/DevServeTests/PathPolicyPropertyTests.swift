import DevServe
import Foundation
import PropertyBased
import Testing

/// Property-based tests of the request-path normaliser and the resolver: whatever a target is
/// made of, it is refused, or it resolves inside the root to a file the deny list allows.
@Suite(.timeLimit(.minutes(3))) struct PathPolicyPropertyTests {
    /// Pieces of hostile and ordinary targets, glued together at random.
    static let pieces = [
        "/", "//", ".", "..", "%2e", "%2E", "%2e%2e", "%252e", "%2f", "%2F", "%5c", "\\", "%00", "%c0%ae", "%c0%af",
        "%e0%80%ae", "%ff", "%", "%zz", "#", "?", ";", "index.html", "img", "logo.png", "about", "secret.txt", ".env",
        ".git", "config", "server.pem", "link-out", "link-file.txt", "site-x", "a", "%20", "%0a", "~", "*", "http:",
    ]

    static let piece = Gen.element(of: pieces).map { $0! }
    static let targets = piece.array(of: 1...10).map { "/" + $0.joined() }

    @Test func everyTargetIsRefusedOrResolvesInsideTheRootToAnAllowedFile() async throws {
        let site = try FixtureCopy("site")
        defer { site.remove() }
        try FileAccessTests.plantSecrets(site)
        try site.write(".env", "SECRET")
        try site.write(".git/config", "SECRET")
        try site.write("server.pem", "SECRET")
        let resolver = try #require(PathResolver(root: site.path))
        let deny = DenyList()
        await propertyCheck(count: 5000, input: Self.targets) { raw in
            guard let target = try? RequestTarget(raw) else { return }
            #expect(!target.path.split(separator: "/").contains(".."), "\(raw) kept a .. segment")
            guard let file = resolver.resolve(target.path) else { return }
            #expect(resolver.contains(file), "\(raw) resolved outside the root: \(file)")
            #expect(!deny.denies(file.dropFirst(resolver.root.count)), "\(raw) resolved to a denied file: \(file)")
            #expect(!file.contains("secret"), "\(raw) reached a secret: \(file)")
        }
    }

    @Test func theQueryNeverChangesThePath() async {
        let queries = Self.piece.array(of: 0...6).map { $0.joined() }
        let paths = Gen.element(of: ["/", "/index.html", "/img/logo.png", "/about/"]).map { $0! }
        await propertyCheck(count: 2000, input: paths, queries) { path, query in
            #expect((try? RequestTarget(path + "?" + query))?.path == path)
        }
    }

    @Test(arguments: [
        ("/index.html", "/index.html"), ("/about/", "/about/"), ("/caf%C3%A9.html", "/café.html"), ("/a%20b", "/a b"),
        ("/img/logo.png?v=1#", "/img/logo.png"), ("/", "/"),
    ])
    func cleanTargetsAreDecoded(_ raw: String, _ path: String) throws {
        #expect(try RequestTarget(raw).path == path)
    }

    @Test(arguments: [
        "", "*", "index.html", "http://x/", "//x", "/a//b", "/./a", "/a/.", "/a/..", "/%2e%2e/", "/%2E./", "/a%2fb", "/a%5cb",
        "/a\\b", "/a%00", "/%c0%ae%c0%ae/", "/%ff", "/%", "/a#b", "/a%0ab", "/a%7f",
    ])
    func hostileTargetsAreRefused(_ raw: String) {
        #expect(throws: RequestTarget.Refused.self, "\(raw)") { try RequestTarget(raw) }
    }

    @Test func hostPolicyDecisions() {
        let local = HostPolicy(boundHost: "127.0.0.1", allowedHosts: ["Dev.Example.Test", ".tunnel.test"])
        for host in ["localhost", "localhost:80", "LocalHost.", "a.b.localhost:1", "127.0.0.1:8080", "127.9.9.9", "[::1]:8080",
            "[::ffff:127.0.0.1]", "dev.example.test", "tunnel.test", "x.tunnel.test:99"]
        {
            #expect(local.allows(host), "\(host)")
        }
        for host in ["evil.com", "localhost.evil.com", "127.0.0.1.nip.io", "evillocalhost", "192.168.1.5", "[::2]", "[::1",
            "localhost:abc", "localhost:1:2", "", "a b", "a/b", "user@localhost", "xtunnel.test", "0.0.0.0", "::1"]
        {
            #expect(!local.allows(host), "\(host)")
        }
        #expect(!local.allows(nil))
        let everywhere = HostPolicy(boundHost: "0.0.0.0")
        #expect(everywhere.allows("192.168.1.5:8080"))
        #expect(everywhere.allows("[fe80::1]"))
        #expect(!everywhere.allows("evil.com"))
        for host in ["localhost", "app.localhost", "127.0.0.1", "127.1.2.3", "::1", "[::1]", "0:0:0:0:0:0:0:1"] {
            #expect(HostPolicy.isLoopback(host), "\(host) keeps devserve off the network")
        }
        for host in ["0.0.0.0", "::", "127.evil.com", "192.168.1.5", "example.test"] {
            #expect(!HostPolicy.isLoopback(host), "\(host) is reachable from the network")
        }
        let lan = HostPolicy(boundHost: "192.168.1.5")
        #expect(lan.allows("192.168.1.5:8080"))
        #expect(!lan.allows("192.168.1.6"))
    }
}
