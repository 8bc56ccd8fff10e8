import Foundation
import NIOSSL
import Subprocess
import Testing

@testable import DevServe

#if canImport(Glibc)
import Glibc
#endif

/// The certificate material of `--https`: devserve's own CA and leaf, and the user's own files.
/// It is checked with the programs that read it (openssl as a verifier, NIOSSL as the server),
/// not with the code that made it.
@Suite(.timeLimit(.minutes(2))) struct ServerIdentityTests {
    static let openSSL = "/usr/bin/openssl"

    // MARK: devserve's own

    @Test func theFirstRunMakesACAAndALeafThatOpenSSLVerifies() async throws {
        let scratch = try FixtureCopy(files: [:])
        defer { scratch.remove() }
        let folder = scratch.path + "/cache/devserve/tls"
        let now = Date()
        let identity = try ServerIdentity.local(
            in: folder, hosts: ["192.168.1.5", "[::1]", "LOCALHOST", "devbox.local.", ""], now: now)
        #expect(identity.madeAuthority)
        let authority = try #require(identity.authorityPath)
        #expect(authority == folder + "/ca.pem")
        #expect(identity.certificatePath == folder + "/cert.pem")
        #expect(identity.keyPath == folder + "/key.pem")
        #expect(identity.names == ["localhost", "127.0.0.1", "::1", "192.168.1.5", "devbox.local"])
        #expect(abs(identity.notValidAfter.timeIntervalSince(now) - 365 * 86400) <= 1)

        // A server certificate by RFC 5280's strict rules, from this CA.
        #expect(
            try await Self.openssl("verify", "-x509_strict", "-purpose", "sslserver", "-CAfile", authority, identity.certificatePath)
                == "\(identity.certificatePath): OK")
        let alternatives = try await Self.openssl("x509", "-noout", "-ext", "subjectAltName", "-in", identity.certificatePath)
        #expect(
            alternatives.hasSuffix(
                "DNS:localhost, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1, IP Address:192.168.1.5, DNS:devbox.local"),
            "\(alternatives)")
        #expect(try await Self.fingerprint(identity.certificatePath) == identity.fingerprint)

        let leaf = try await Self.openssl("x509", "-noout", "-ext", "basicConstraints,keyUsage,extendedKeyUsage", "-in", identity.certificatePath)
        #expect(leaf.contains("CA:FALSE"))
        #expect(leaf.contains("X509v3 Key Usage: critical\n    Digital Signature"))
        #expect(leaf.contains("TLS Web Server Authentication"))
        let ca = try await Self.openssl("x509", "-noout", "-ext", "basicConstraints,keyUsage", "-in", authority)
        #expect(ca.contains("X509v3 Basic Constraints: critical\n    CA:TRUE, pathlen:0"))
        #expect(ca.contains("X509v3 Key Usage: critical\n    Certificate Sign, CRL Sign"))
        #expect(try await Self.openssl("x509", "-noout", "-subject", "-in", authority).hasPrefix("subject=O = devserve, CN = devserve local CA"))
        // 20 bytes of serial number, no more (no leading zero byte), in both certificates.
        for certificate in [authority, identity.certificatePath] {
            let serial = try await Self.openssl("x509", "-noout", "-serial", "-in", certificate)
            #expect(serial.count == "serial=".count + 40, "\(serial)")
        }
        // The leaf's file holds the leaf alone.
        let leafText = try String(contentsOfFile: identity.certificatePath, encoding: .utf8)
        #expect(leafText.components(separatedBy: "-----BEGIN CERTIFICATE-----").count == 2)
        #expect(leafText.hasPrefix("-----BEGIN CERTIFICATE-----\n") && leafText.hasSuffix("-----END CERTIFICATE-----\n"))
        #expect(try String(contentsOfFile: identity.keyPath, encoding: .utf8).hasPrefix("-----BEGIN PRIVATE KEY-----\n"))

        #expect(Self.permissions(folder) == 0o700)
        #expect(Self.permissions(identity.keyPath) == 0o600)
        #expect(Self.permissions(folder + "/ca-key.pem") == 0o600)
        #expect(Self.permissions(identity.certificatePath) == 0o644)
        #expect(Self.permissions(authority) == 0o644)
    }

    @Test func laterRunsKeepTheCAAndMakeANewLeafOnlyWhenTheyMust() async throws {
        let scratch = try FixtureCopy(files: [:])
        defer { scratch.remove() }
        let folder = scratch.path + "/tls"
        let first = try ServerIdentity.local(in: folder, hosts: ["192.168.1.5"])
        let authority = try #require(first.authorityPath)
        let authorityBytes = try Data(contentsOf: URL(fileURLWithPath: authority))
        let authorityKeyBytes = try Data(contentsOf: URL(fileURLWithPath: folder + "/ca-key.pem"))

        // The same hosts, or fewer: both kept.
        let second = try ServerIdentity.local(in: folder, hosts: ["192.168.1.5"])
        #expect(!second.madeAuthority)
        #expect(second.fingerprint == first.fingerprint)
        #expect(second.authorityPath == authority)
        #expect(try ServerIdentity.local(in: folder, hosts: []).fingerprint == first.fingerprint)

        // A new host: a new leaf, from the same CA.
        let third = try ServerIdentity.local(in: folder, hosts: ["192.168.1.5", "10.0.0.7"])
        #expect(!third.madeAuthority)
        #expect(third.fingerprint != first.fingerprint)
        #expect(third.names == ["localhost", "127.0.0.1", "::1", "192.168.1.5", "10.0.0.7"])
        #expect(try await Self.openssl("verify", "-CAfile", authority, third.certificatePath) == "\(third.certificatePath): OK")

        // Within a day of its end: a new leaf again, from the same CA (verified at that time).
        let late = third.notValidAfter.addingTimeInterval(-3600)
        let renewed = try ServerIdentity.local(in: folder, hosts: ["192.168.1.5", "10.0.0.7"], now: late)
        #expect(!renewed.madeAuthority)
        #expect(renewed.fingerprint != third.fingerprint)
        #expect(renewed.notValidAfter > third.notValidAfter)
        #expect(
            try await Self.openssl(
                "verify", "-attime", "\(Int(late.timeIntervalSince1970))", "-CAfile", authority, renewed.certificatePath)
                == "\(renewed.certificatePath): OK")

        #expect(try Data(contentsOf: URL(fileURLWithPath: authority)) == authorityBytes)
        #expect(try Data(contentsOf: URL(fileURLWithPath: folder + "/ca-key.pem")) == authorityKeyBytes)
    }

    @Test func aLostCAKeyMakesANewCAButADamagedCAIsAnError() async throws {
        let scratch = try FixtureCopy(files: [:])
        defer { scratch.remove() }
        let folder = scratch.path + "/tls"
        let first = try ServerIdentity.local(in: folder, hosts: [])
        let authority = try #require(first.authorityPath)
        let authorityBytes = try Data(contentsOf: URL(fileURLWithPath: authority))

        // Without its key the CA is no use: a new one, which must be trusted again.
        try FileManager.default.removeItem(atPath: folder + "/ca-key.pem")
        let second = try ServerIdentity.local(in: folder, hosts: [])
        #expect(second.madeAuthority)
        #expect(second.fingerprint != first.fingerprint)
        #expect(try Data(contentsOf: URL(fileURLWithPath: authority)) != authorityBytes)
        #expect(try await Self.openssl("verify", "-CAfile", authority, second.certificatePath) == "\(second.certificatePath): OK")

        // A CA file that does not parse is not silently replaced.
        try Data("not a certificate\n".utf8).write(to: URL(fileURLWithPath: authority))
        let message = try #require(Self.refusal { try ServerIdentity.local(in: folder, hosts: []) })
        #expect(message.hasPrefix("the local CA's certificate \(authority) is not PEM"), "\(message)")
        #expect(message.contains("remove the folder \(folder) to have devserve make a new CA"), "\(message)")
        #expect(!message.contains("\n"))
    }

    /// Two devserve starting at once make one CA between them.
    @Test func twoAtOnceMakeOneCA() async throws {
        let scratch = try FixtureCopy(files: [:])
        defer { scratch.remove() }
        let folder = scratch.path + "/tls"
        async let one = Self.local(in: folder)
        async let other = Self.local(in: folder)
        let (a, b) = try await (one, other)
        #expect([a.madeAuthority, b.madeAuthority].filter { $0 }.count == 1)
        #expect(a.fingerprint == b.fingerprint)
        let authority = try #require(a.authorityPath)
        #expect(try await Self.openssl("verify", "-CAfile", authority, a.certificatePath) == "\(a.certificatePath): OK")
    }

    @Test func hostsAreNormalisedAndAnInvalidOneIsRefused() async throws {
        let scratch = try FixtureCopy(files: [:])
        defer { scratch.remove() }
        let folder = scratch.path + "/tls"
        let identity = try ServerIdentity.local(
            in: folder, hosts: ["0:0::1", "fe80::1%eth0", "*.example.test", "Example.TEST", "[2001:DB8::5]", " 127.0.0.1 "])
        #expect(identity.names == ["localhost", "127.0.0.1", "::1", "fe80::1", "*.example.test", "example.test", "2001:db8::5"])
        let alternatives = try await Self.openssl("x509", "-noout", "-ext", "subjectAltName", "-in", identity.certificatePath)
        #expect(alternatives.contains("IP Address:FE80:0:0:0:0:0:0:1, DNS:*.example.test, DNS:example.test, IP Address:2001:DB8:0:0:0:0:0:5"), "\(alternatives)")

        for host in ["bad host", "a.*.example", "*", "x..y", "caf\u{E9}.example"] {
            let message = Self.refusal { try ServerIdentity.local(in: folder, hosts: [host]) }
            #expect(message == "cannot make a certificate for \"\(host)\": it is neither a host name, a *.wildcard nor an IP address")
        }
    }

    /// What NIOSSL (the server) makes of the files: it loads them as they are written.
    @Test func nioSSLServesWhatDevserveWrote() throws {
        let scratch = try FixtureCopy(files: [:])
        defer { scratch.remove() }
        let identity = try ServerIdentity.local(in: scratch.path + "/tls", hosts: ["192.168.1.5"])
        let chain = try NIOSSLCertificate.fromPEMFile(identity.certificatePath)
        #expect(chain.count == 1)
        #expect(ServerIdentity.fingerprint(of: try chain[0].toDERBytes()) == identity.fingerprint)
        let key = try NIOSSLPrivateKey(file: identity.keyPath, format: .pem)
        let configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(key))
        _ = try NIOSSLContext(configuration: configuration)
    }

    @Test func theFolderIsInTheUsersCache() {
        #expect(ServerIdentity.defaultFolder(environment: ["XDG_CACHE_HOME": "/c", "HOME": "/h"]) == "/c/devserve/tls")
        #expect(ServerIdentity.defaultFolder(environment: ["XDG_CACHE_HOME": "/c/", "HOME": "/h"]) == "/c/devserve/tls")
        #expect(ServerIdentity.defaultFolder(environment: ["XDG_CACHE_HOME": "relative", "HOME": "/h"]) == "/h/.cache/devserve/tls")
        #expect(ServerIdentity.defaultFolder(environment: ["XDG_CACHE_HOME": "", "HOME": "/h/"]) == "/h/.cache/devserve/tls")
        #expect(ServerIdentity.defaultFolder(environment: ["HOME": ""]) == nil)
        #expect(ServerIdentity.defaultFolder(environment: [:]) == nil)
    }

    // MARK: The user's own

    /// What `openssl` (and mkcert) write is loaded: RSA and EC in PKCS#8, SEC1 from `openssl ec`,
    /// and `openssl ecparam -genkey`'s file, whose key follows an `EC PARAMETERS` block.
    @Test(arguments: ["rsa", "ec", "sec1", "ecparam"])
    func theUsersOwnFilesAsOpenSSLWritesThem(kind: String) async throws {
        let scratch = try FixtureCopy(files: [:])
        defer { scratch.remove() }
        let (certificate, key) = try await Self.makePair(kind, in: scratch.path, name: "localhost")
        let header: String =
            switch kind {
            case "sec1": "-----BEGIN EC PRIVATE KEY-----"
            case "ecparam": "-----BEGIN EC PARAMETERS-----"
            default: "-----BEGIN PRIVATE KEY-----"
            }
        #expect(try String(contentsOfFile: key, encoding: .utf8).hasPrefix(header))

        let identity = try ServerIdentity.load(certificate: certificate, key: key)
        #expect(identity.certificatePath == certificate)
        #expect(identity.keyPath == key)
        #expect(identity.authorityPath == nil)
        #expect(!identity.madeAuthority)
        #expect(identity.names == ["localhost", "127.0.0.1"])
        #expect(identity.fingerprint == (try await Self.fingerprint(certificate)))
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd HH:mm:ss'Z'"
        let expectedEnd = "notAfter=" + formatter.string(from: identity.notValidAfter)
        let end = try await Self.openssl("x509", "-noout", "-enddate", "-dateopt", "iso_8601", "-in", certificate)
        #expect(end == expectedEnd)
    }

    /// A chain (leaf first), a file with both the key and the certificate, and lines of other than
    /// 64 characters with CRLF endings are read as OpenSSL reads them. A chain with the leaf last is
    /// refused with a hint.
    @Test func chainsAndCombinedFilesAreReadAsOpenSSLReadsThem() async throws {
        let scratch = try FixtureCopy(files: [:])
        defer { scratch.remove() }
        let own = try ServerIdentity.local(in: scratch.path + "/tls", hosts: [])
        let authority = try #require(own.authorityPath)
        let leafText = try String(contentsOfFile: own.certificatePath, encoding: .utf8)
        let authorityText = try String(contentsOfFile: authority, encoding: .utf8)
        let keyText = try String(contentsOfFile: own.keyPath, encoding: .utf8)

        let chain = try Self.write(leafText + authorityText, to: scratch.path + "/chain.pem")
        #expect(try ServerIdentity.load(certificate: chain, key: own.keyPath).fingerprint == own.fingerprint)
        #expect(try NIOSSLCertificate.fromPEMFile(chain).count == 2)

        let combined = try Self.write("Bag Attributes: from a PKCS#12 export\n" + keyText + leafText, to: scratch.path + "/combined.pem")
        #expect(try ServerIdentity.load(certificate: combined, key: combined).fingerprint == own.fingerprint)

        let base64 = leafText.split(whereSeparator: \.isNewline).filter { !$0.hasPrefix("-----") }.joined()
        var lines = ["-----BEGIN CERTIFICATE-----"]
        var rest = Substring(base64)
        while !rest.isEmpty {
            lines.append(String(rest.prefix(76)))
            rest = rest.dropFirst(76)
        }
        lines.append("-----END CERTIFICATE-----")
        let wide = try Self.write(lines.joined(separator: "\r\n") + "\r\n", to: scratch.path + "/wide.pem")
        #expect(try await Self.fingerprint(wide) == own.fingerprint)
        #expect(try ServerIdentity.load(certificate: wide, key: own.keyPath).fingerprint == own.fingerprint)
        #expect(try NIOSSLCertificate.fromPEMFile(wide).count == 1)

        let reversed = try Self.write(authorityText + leafText, to: scratch.path + "/reversed.pem")
        #expect(
            Self.refusal { try ServerIdentity.load(certificate: reversed, key: own.keyPath) }
                == "the certificate \(reversed) does not match the key \(own.keyPath): the key is for certificate 2 in the file, and the server's own certificate must come first"
        )
    }

    /// Every refusal is one line naming the file.
    @Test func aWrongFileIsOneLineNamingIt() async throws {
        let scratch = try FixtureCopy(files: [:])
        defer { scratch.remove() }
        let folder = scratch.path
        let (certificate, key) = try await Self.makePair("ec", in: folder, name: "one")
        let (_, otherKey) = try await Self.makePair("ec", in: folder, name: "other")
        let missing = folder + "/missing.pem"
        let notPEM = try Self.write("hello\n", to: folder + "/hello.pem")
        let der = folder + "/cert.der"
        try await Self.openssl("x509", "-in", certificate, "-outform", "der", "-out", der)
        let encrypted = folder + "/encrypted.pem"
        try await Self.openssl("pkey", "-in", key, "-aes256", "-passout", "pass:secret", "-out", encrypted)
        let legacy = folder + "/legacy.pem"
        try await Self.openssl("ec", "-in", key, "-aes256", "-passout", "pass:secret", "-out", legacy)
        let truncated = try Self.write(
            String(try String(contentsOfFile: certificate, encoding: .utf8).split(separator: "\n").dropLast().joined(separator: "\n")),
            to: folder + "/truncated.pem")

        let refusals: [(String?, String)] = [
            (
                Self.refusal { try ServerIdentity.load(certificate: certificate, key: otherKey) },
                "the certificate \(certificate) does not match the key \(otherKey)"
            ),
            (
                Self.refusal { try ServerIdentity.load(certificate: missing, key: key) },
                "cannot read the certificate \(missing): No such file or directory"
            ),
            (
                Self.refusal { try ServerIdentity.load(certificate: certificate, key: missing) },
                "cannot read the key \(missing): No such file or directory"
            ),
            (
                Self.refusal { try ServerIdentity.load(certificate: folder, key: key) },
                "cannot read the certificate \(folder): Is a directory"
            ),
            (
                Self.refusal { try ServerIdentity.load(certificate: notPEM, key: key) },
                "the certificate \(notPEM) is not PEM: it has no -----BEGIN line"
            ),
            (
                Self.refusal { try ServerIdentity.load(certificate: certificate, key: notPEM) },
                "the key \(notPEM) is not PEM: it has no -----BEGIN line"
            ),
            (
                Self.refusal { try ServerIdentity.load(certificate: der, key: key) },
                "the certificate \(der) is not PEM: it has no -----BEGIN line (it looks like DER, which `openssl x509 -inform der` or `openssl pkey -inform der` converts)"
            ),
            (
                Self.refusal { try ServerIdentity.load(certificate: truncated, key: key) },
                "the certificate \(truncated) is not PEM: its CERTIFICATE block has no END line"
            ),
            (
                Self.refusal { try ServerIdentity.load(certificate: key, key: certificate) },
                "the certificate \(key) holds no certificate, only PRIVATE KEY (are the certificate and the key swapped?)"
            ),
            (
                Self.refusal { try ServerIdentity.load(certificate: certificate, key: encrypted) },
                "the key \(encrypted) is encrypted, and devserve cannot ask for its passphrase: `openssl pkey -in \(encrypted) -out key.pem` writes it unencrypted"
            ),
            (
                Self.refusal { try ServerIdentity.load(certificate: certificate, key: legacy) },
                "the key \(legacy) is encrypted, and devserve cannot ask for its passphrase: `openssl pkey -in \(legacy) -out key.pem` writes it unencrypted"
            ),
        ]
        for (message, expected) in refusals {
            #expect(message == expected)
            #expect(message?.contains("\n") == false)
        }
    }

    // MARK: Helpers

    /// `openssl ARGS`'s stdout, trimmed; throws when it fails.
    @discardableResult
    static func openssl(_ arguments: String...) async throws -> String {
        let result = try await Subprocess.run(
            .path(.init(openSSL)), arguments: .init(arguments), output: .string(limit: 1 << 16), error: .string(limit: 1 << 16))
        guard result.terminationStatus == .exited(0) else {
            throw TestFailure("openssl \(arguments.joined(separator: " ")): \(result.terminationStatus) \(result.standardError)")
        }
        return result.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The SHA-256 fingerprint openssl prints for a PEM certificate (`sha256 Fingerprint=AB:…`).
    static func fingerprint(_ certificate: String) async throws -> String {
        let printed = try await openssl("x509", "-noout", "-fingerprint", "-sha256", "-in", certificate)
        return String(printed.split(separator: "=").last ?? "")
    }

    /// A self-signed certificate for localhost and 127.0.0.1 and its key, made by openssl as `kind`
    /// says: `rsa` and `ec` (PKCS#8, from `req -newkey`), `sec1` (that EC key rewritten by
    /// `openssl ec`), `ecparam` (`openssl ecparam -genkey`).
    static func makePair(_ kind: String, in folder: String, name: String) async throws -> (certificate: String, key: String) {
        let certificate = folder + "/\(name)-\(kind).pem"
        let key = folder + "/\(name)-\(kind)-key.pem"
        let subject = ["-days", "30", "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"]
        func req(_ arguments: [String]) async throws {
            let all = ["req", "-x509"] + arguments + ["-out", certificate] + subject
            let result = try await Subprocess.run(
                .path(.init(openSSL)), arguments: .init(all), output: .discarded, error: .string(limit: 1 << 16))
            guard result.terminationStatus == .exited(0) else {
                throw TestFailure("openssl \(all.joined(separator: " ")): \(result.terminationStatus) \(result.standardError)")
            }
        }
        switch kind {
        case "rsa":
            try await req(["-newkey", "rsa:2048", "-nodes", "-keyout", key])
        case "ec":
            try await req(["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", key])
        case "sec1":
            let pkcs8 = folder + "/\(name)-\(kind)-pkcs8.pem"
            try await req(["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", pkcs8])
            try await openssl("ec", "-in", pkcs8, "-out", key)
        case "ecparam":
            try await openssl("ecparam", "-name", "prime256v1", "-genkey", "-out", key)
            try await req(["-new", "-key", key])
        default:
            throw TestFailure("no such kind of key: \(kind)")
        }
        return (certificate, key)
    }

    /// The identity `local` makes with no extra hosts, from a child task.
    static func local(in folder: String) async throws -> ServerIdentity {
        try ServerIdentity.local(in: folder, hosts: [])
    }

    /// The message `body` is refused with; nil when it is not.
    static func refusal(_ body: () throws -> ServerIdentity) -> String? {
        do {
            _ = try body()
            return nil
        } catch {
            return "\(error)"
        }
    }

    static func write(_ text: String, to path: String) throws -> String {
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    /// The permission bits of a file or folder.
    static func permissions(_ path: String) -> UInt32 {
        var info = stat()
        guard stat(path, &info) == 0 else { return 0 }
        return UInt32(info.st_mode) & 0o777
    }
}
