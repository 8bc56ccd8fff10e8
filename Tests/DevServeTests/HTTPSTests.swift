import Foundation
import Subprocess
import Testing

/// `--https`: TLS with devserve's own certificate or the user's, HTTP/2 by ALPN and HTTP/1.1
/// without it, checked with curl (a real TLS and HTTP/2 client, verifying the certificate
/// against devserve's CA rather than skipping the check).
@Suite(.timeLimit(.minutes(3))) struct HTTPSTests {
    /// `curl ARGS -w '%{http_version} %{http_code}'`: what it printed (the body, then that line).
    static func curl(_ arguments: [String]) async throws -> String {
        let result = try await Subprocess.run(
            .name("curl"), arguments: .init(["-sS", "--max-time", "30"] + arguments),
            output: .string(limit: 1 << 20), error: .string(limit: 1 << 16))
        return result.standardOutput + result.standardError
    }

    /// Runs devserve with `--https` over the site fixture, with its cache in `cache`.
    static func withHTTPS(
        cache: String, _ extra: [String] = [], _ body: @escaping (RunningDevserve, String) async throws -> Void
    ) async throws -> String {
        let site = try FixtureCopy("site")
        defer { site.remove() }
        let authority = cache + "/devserve/tls/ca.pem"
        return try await Devserve.run(
            [site.path, "--port", "0"] + (extra.isEmpty ? ["--https"] : extra), environment: ["XDG_CACHE_HOME": cache]
        ) { devserve in
            #expect(devserve.url == "https://127.0.0.1:\(devserve.port)/")
            try await body(devserve, authority)
        }
    }

    @Test func pagesAndTheStreamOverHTTP2AndHTTP1() async throws {
        let cache = try FixtureCopy(files: [:]).path
        let firstRun = try await Self.withHTTPS(cache: cache) { devserve, authority in
            let port = devserve.port
            let versions = "%{http_version} %{http_code}"
            // HTTP/2 for a client that offers it, by name and by address (both in the certificate).
            #expect(try await Self.curl(["--cacert", authority, "--http2", "-o", "/dev/null", "-w", versions, "https://localhost:\(port)/"]) == "2 200")
            #expect(try await Self.curl(["--cacert", authority, "--http2", "-o", "/dev/null", "-w", versions, "https://127.0.0.1:\(port)/style.css"]) == "2 200")
            // HTTP/1.1 over TLS, through the same rules: the page has the client injected.
            let page = try await Self.curl(["--cacert", authority, "--http1.1", "-w", "\n" + versions, "https://localhost:\(port)/"])
            #expect(page.hasSuffix("\n1.1 200"))
            #expect(page.contains("/__hmr/client.js"))
            // The Host and Origin rules hold for https:// origins, over HTTP/2.
            #expect(try await Self.curl(["--cacert", authority, "--http2", "-o", "/dev/null", "-w", versions, "-H", "Host: evil.example", "https://localhost:\(port)/"]) == "2 403")
            let rebuild = ["--cacert", authority, "--http2", "-o", "/dev/null", "-w", versions, "-X", "POST"]
            #expect(try await Self.curl(rebuild + ["-H", "Origin: http://localhost:\(port)", "https://localhost:\(port)/__hmr/rebuild"]) == "2 403")
            #expect(try await Self.curl(rebuild + ["-H", "Origin: https://localhost:\(port)", "https://localhost:\(port)/__hmr/rebuild"]) == "2 202")
            // The event stream over HTTP/2: its first message is hello.
            for protocolFlag in ["--http2", "--http1.1"] {
                let hello = try await Subprocess.run(
                    .name("curl"), arguments: ["-sSN", "--cacert", authority, protocolFlag, "https://localhost:\(port)/__hmr"],
                    input: .none, output: .sequence, error: .discarded
                ) { execution in
                    defer { try? execution.send(signal: .kill) }
                    return try await withTimeout(.seconds(30), "no hello on the event stream over \(protocolFlag)") {
                        var text = ""
                        for try await chunk in execution.standardOutput {
                            text += String(decoding: chunk.withUnsafeBytes { Array($0) }, as: UTF8.self)
                            if text.contains("\n\n") { break }
                        }
                        return text
                    }
                }
                #expect(hello.closureResult.hasPrefix("event: hello\n"), "\(protocolFlag): \(hello.closureResult)")
            }
        }
        // The first run made the CA and said how to trust it, with the fingerprint.
        #expect(firstRun.contains("devserve: made a local certificate authority: \(cache)/devserve/tls/ca.pem"))
        #expect(firstRun.contains("certutil -d sql:$HOME/.pki/nssdb -A -t C,, -n devserve -i \(cache)/devserve/tls/ca.pem"))
        let fingerprint = try #require(firstRun.split(separator: "\n").first { $0.hasPrefix("devserve: TLS certificate SHA-256 ") })
        // The second reuses both: the same certificate, and no word about the CA.
        let secondRun = try await Self.withHTTPS(cache: cache) { devserve, authority in
            let answer = try await Self.curl(["--cacert", authority, "-o", "/dev/null", "-w", "%{http_code}", "https://localhost:\(devserve.port)/"])
            #expect(answer == "200")
        }
        #expect(secondRun.contains(fingerprint))
        #expect(!secondRun.contains("made a local certificate authority"))
        try? FileManager.default.removeItem(atPath: (cache as NSString).deletingLastPathComponent)
    }

    /// The user's own files (made here with openssl, as mkcert makes them) are served as given.
    @Test func theUsersOwnCertificate() async throws {
        let folder = try FixtureCopy(files: [:])
        defer { folder.remove() }
        let (cert, key) = (folder.path + "/localhost.pem", folder.path + "/localhost-key.pem")
        let made = try await Subprocess.run(
            .name("openssl"),
            arguments: [
                "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert, "-days", "2", "-subj", "/CN=localhost",
                "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
            ], output: .discarded, error: .string(limit: 1 << 16))
        #expect(made.terminationStatus.isSuccess, "\(made.standardError)")
        let printed = try await Subprocess.run(
            .name("openssl"), arguments: ["x509", "-noout", "-fingerprint", "-sha256", "-in", cert], output: .string(limit: 1 << 12))
        let expected = try #require(printed.standardOutput.split(separator: "=").last).trimmingCharacters(in: .whitespacesAndNewlines)
        let output = try await Self.withHTTPS(cache: folder.path, ["--cert", cert, "--key", key]) { devserve, _ in
            let answer = try await Self.curl(["--cacert", cert, "-o", "/dev/null", "-w", "%{http_version} %{http_code}", "https://localhost:\(devserve.port)/"])
            #expect(answer == "2 200")
        }
        #expect(output.contains("devserve: TLS certificate SHA-256 \(expected)"))
        #expect(!output.contains("certificate authority"))
    }

    @Test func aMissingKeyOrFileIsOneLine() async throws {
        let site = try FixtureCopy("site")
        defer { site.remove() }
        let (status, error) = try await Devserve.runToEnd([site.path, "--port", "0", "--cert", "/no/cert.pem"])
        #expect(status == .exited(1))
        #expect(error == "devserve: error: cert and key go together: give both (--cert FILE --key FILE), or neither for devserve's own\n")
        let (missing, missingError) = try await Devserve.runToEnd([site.path, "--port", "0", "--cert", "/no/cert.pem", "--key", "/no/key.pem"])
        #expect(missing == .exited(1))
        #expect(missingError.hasPrefix("devserve: error: ") && missingError.contains("/no/cert.pem"))
        #expect(missingError.filter { $0 == "\n" }.count == 1)
    }
}
