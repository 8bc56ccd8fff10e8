import DevServe
import Foundation
import Testing

/// What may be read: hostile request targets, the deny list and symbolic links, over raw sockets
/// so targets arrive exactly as written (no client normalises them first).
@Suite(.timeLimit(.minutes(3))) struct FileAccessTests {
    /// A secret next to the served folder, and links from inside it to the secret.
    static func plantSecrets(_ site: FixtureCopy) throws {
        let outside = site.folder.deletingLastPathComponent()
        try Data("TOP SECRET".utf8).write(to: outside.appendingPathComponent("secret.txt"))
        try FileManager.default.createDirectory(at: outside.appendingPathComponent("site-x"), withIntermediateDirectories: true)
        try Data("TOP SECRET".utf8).write(to: outside.appendingPathComponent("site-x/secret.txt"))
        try FileManager.default.createSymbolicLink(atPath: site.path + "/link-out", withDestinationPath: outside.path)
        try FileManager.default.createSymbolicLink(
            atPath: site.path + "/link-file.txt", withDestinationPath: outside.appendingPathComponent("secret.txt").path)
    }

    @Test(arguments: [
        "/../secret.txt", "/%2e%2e/secret.txt", "/%2E%2E/secret.txt", "/%252e%252e/secret.txt", "/..%2fsecret.txt",
        "/img/..%2f..%2fsecret.txt", "/%2fetc%2fpasswd", "/..\\secret.txt", "/..%5csecret.txt", "/%00index.html",
        "/index.html%00.png", "/%c0%ae%c0%ae/secret.txt", "/%e0%80%ae%e0%80%ae/secret.txt", "//etc/passwd",
        "//127.0.0.1/../secret.txt", "/img//../../secret.txt", "/img/.", "/img/./logo.png", "/./index.html",
        "/index.html#/../../secret.txt", "/#", "http://127.0.0.1/../secret.txt", "http://evil.com/index.html", "*",
        "127.0.0.1:80", "/link-out/secret.txt", "/link-file.txt", "/../site-x/secret.txt", "/%2e%2e%2fsite-x/secret.txt",
        "/index.html/../../secret.txt", "/%ff", "/%zz", "/img/%0a",
    ])
    func hostileTargetsReadNothingOutsideTheRoot(_ target: String) async throws {
        try await TestServer.withSite { server, site in
            try Self.plantSecrets(site)
            let response = try await server.rawGet(target)
            #expect(!response.text.contains("TOP SECRET"), "\(target) leaked a file from outside the root")
            #expect(!response.text.contains("root:x:0"), "\(target) leaked /etc/passwd")
            #expect([400, 404].contains(response.status ?? 0), "\(target) answered \(response.status.map(String.init) ?? "nothing")")
        }
    }

    @Test func queriesPlayNoPartInWhichFileIsRead() async throws {
        try await TestServer.withSite { server, site in
            try Self.plantSecrets(site)
            for target in ["/app.js?raw", "/app.js?import&raw", "/app.js?raw??", "/app.js?/../../secret.txt", "/app.js?%2e%2e%2fsecret.txt"] {
                let response = try await server.rawGet(target)
                #expect(response.status == 200, "\(target)")
                #expect(response.body.contains("getElementById"), "\(target) is app.js")
            }
            for target in ["/.env?raw", "/.env?import", "/link-file.txt?raw"] {
                try site.write(".env", "API_KEY=TOP SECRET")
                let response = try await server.rawGet(target)
                #expect(response.status == 404, "\(target)")
                #expect(!response.text.contains("TOP SECRET"), "\(target) leaked")
            }
        }
    }

    static let denied = [
        ".git/config", ".git/HEAD", ".env", ".env.local", ".env.production", "sub/.env", ".npmrc", ".yarnrc.yml",
        ".ssh/id_ed25519", ".aws/credentials", "server.pem", "tls/server.key", "certs/ca.crt", "me.p12", "me.pfx", "Keys.PEM",
        ".git/index.html", ".hidden/page.html",
    ]

    @Test func theDenyListIsAnswered404WhereverItAppears() async throws {
        try await TestServer.withSite { server, site in
            for file in Self.denied { try site.write(file, "TOP SECRET \(file)") }
            try FileManager.default.createSymbolicLink(atPath: site.path + "/innocent.txt", withDestinationPath: site.path + "/.env")
            try FileManager.default.createSymbolicLink(atPath: site.path + "/repo", withDestinationPath: site.path + "/.git")
            try FileManager.default.createSymbolicLink(atPath: site.path + "/cert.txt", withDestinationPath: site.path + "/server.pem")
            for target in Self.denied.map({ "/" + $0 }) + [
                "/.git/", "/.git", "/sub/%2eenv", "/innocent.txt", "/repo/config", "/cert.txt", "/.env/.", "/.env/", "/%2eenv",
            ] {
                for method in ["GET", "HEAD"] {
                    let response = try await server.raw(
                        "\(method) \(target) HTTP/1.1\r\nHost: localhost\r\nRange: bytes=0-3\r\nConnection: close\r\n\r\n")
                    #expect([400, 404].contains(response.status ?? 0), "\(method) \(target) answered \(response.status.map(String.init) ?? "nothing")")
                    #expect(!response.text.contains("TOP SECRET"), "\(method) \(target) leaked")
                }
            }
            // Not on the list: served.
            try site.write(".well-known/security.txt", "Contact: me")
            try site.write("keys.txt", "not a key")
            #expect(try await server.rawGet("/.well-known/security.txt").status == 200)
            #expect(try await server.rawGet("/keys.txt").status == 200)
        }
    }

    @Test func allowDotfilesRelaxesOnlyTheDotfilePart() async throws {
        try await TestServer.withSite({ $0.allowDotfiles = true }) { server, site in
            for file in Self.denied { try site.write(file, "TOP SECRET \(file)") }
            for file in Self.denied {
                let isKey = DenyList.keyExtensions.contains { file.lowercased().hasSuffix($0) }
                let response = try await server.rawGet("/" + file)
                #expect(response.status == (isKey ? 404 : 200), "/\(file)")
            }
        }
    }

    @Test func symlinksOutOfTheRootNeedFollowSymlinks() async throws {
        try await TestServer.withSite({ $0.followSymlinks = true }) { server, site in
            try Self.plantSecrets(site)
            let outside = site.folder.deletingLastPathComponent()
            try Data("SSH KEY".utf8).write(to: outside.appendingPathComponent("id_rsa.pem"))
            try FileManager.default.createDirectory(at: outside.appendingPathComponent(".ssh"), withIntermediateDirectories: true)
            try Data("SSH KEY".utf8).write(to: outside.appendingPathComponent(".ssh/id_rsa"))
            try FileManager.default.createSymbolicLink(atPath: site.path + "/ssh", withDestinationPath: outside.appendingPathComponent(".ssh").path)
            #expect(try await server.rawGet("/link-file.txt").body == "TOP SECRET")
            #expect(try await server.rawGet("/link-out/secret.txt").body == "TOP SECRET")
            // Still never outside by `..`, and still never denied files at the far end of a link.
            #expect(try await server.rawGet("/../secret.txt").status == 400)
            #expect(try await server.rawGet("/link-out/id_rsa.pem").status == 404)
            #expect(try await server.rawGet("/ssh/id_rsa").status == 404)
        }
    }

    @Test func symlinksInsideTheRootAreServed() async throws {
        try await TestServer.withSite { server, site in
            try FileManager.default.createSymbolicLink(atPath: site.path + "/logo-link.png", withDestinationPath: site.path + "/img/logo.png")
            try FileManager.default.createSymbolicLink(atPath: site.path + "/about-link", withDestinationPath: site.path + "/about")
            #expect(try await server.rawGet("/logo-link.png").status == 200)
            let page = try await server.rawGet("/about-link/")
            #expect(page.status == 200)
            #expect(page.body.contains("/__hmr/client.js"), "a page reached through a link still gets the client")
        }
    }
}
