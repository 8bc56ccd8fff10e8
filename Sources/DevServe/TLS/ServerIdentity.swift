public import Foundation
import Crypto
import SwiftASN1
import X509

#if canImport(Glibc)
import Glibc
#endif

/// The certificate and key HTTPS serves, as PEM files on disk, and what to tell the user about
/// them. There are two kinds. One is devserve's own (``local(in:hosts:now:)``): a local CA made once
/// and kept, and a leaf for this machine's names that the CA signs. The other is the user's own
/// files (``load(certificate:key:)``), such as the ones mkcert writes.
///
/// Both are checked here, when devserve starts, so that a wrong file is one line on stderr and not
/// a failed handshake in a browser later. Every error is one ``DevServeError`` line that names the
/// file.
///
/// NIOSSL serves the files named here. It reads them again and does not use the parsed values,
/// so what is checked here must be what BoringSSL accepts (PEM, the leaf first).
public struct ServerIdentity: Sendable {
    /// The PEM file of the certificate chain, the server's own certificate first. For devserve's
    /// own identity it holds the leaf alone, without the CA. A client verifies only against a CA it
    /// already trusts, and RFC 8446 §4.4.2 lets a server leave that root out. Sending the root adds
    /// bytes to every handshake and helps no client (one that does not trust the CA refuses it
    /// anyway). mkcert's files have the same layout. A user's file may also list intermediates after
    /// the leaf.
    public let certificatePath: String
    /// The PEM file of the private key. devserve's own is PKCS#8, mode 0600.
    public let keyPath: String
    /// The local CA's certificate, when devserve made the identity (the file users trust). It is
    /// nil for the user's own files.
    public let authorityPath: String?
    /// Whether this run made the CA, so the CLI prints how to trust it once, the first time.
    public let madeAuthority: Bool
    /// SHA-256 of the leaf's DER, as uppercase hex pairs joined by `:` (the form that
    /// `openssl x509 -fingerprint -sha256` and Chromium's certificate viewer show).
    public let fingerprint: String
    /// What the leaf is for, from its subjectAltName: DNS names and IP addresses as text (`::1`,
    /// with no brackets), in the certificate's order. It is empty for a certificate without one,
    /// which browsers refuse.
    public let names: [String]
    /// When the leaf expires. ``load(certificate:key:)`` does not refuse an expired certificate
    /// (someone may be testing exactly that); the CLI may warn.
    public let notValidAfter: Date

    private init(certificatePath: String, keyPath: String, authorityPath: String?, madeAuthority: Bool, leaf: LoadedCertificate) {
        self.certificatePath = certificatePath
        self.keyPath = keyPath
        self.authorityPath = authorityPath
        self.madeAuthority = madeAuthority
        self.fingerprint = Self.fingerprint(of: leaf.der)
        self.names = leaf.names.map(\.text)
        self.notValidAfter = leaf.certificate.notValidAfter
    }
}

// MARK: - The user's own files

extension ServerIdentity {
    /// The user's own files (`--cert FILE --key FILE`), checked now. Both files must be readable
    /// PEM. The certificate file holds one certificate or a chain with the leaf first. The key file
    /// holds a PKCS#8 `PRIVATE KEY` (RSA or EC, as mkcert and `openssl req -newkey` write it), a
    /// SEC1 `EC PRIVATE KEY` (`openssl ec`, `openssl ecparam -genkey`, whose `EC PARAMETERS` block is
    /// skipped), or an `RSA PRIVATE KEY`. The key must belong to the first certificate.
    ///
    /// One file may hold both the certificate and the key (a combined `.pem`): each side takes its
    /// own blocks and skips the others, as OpenSSL does. An encrypted key is refused with the
    /// command that decrypts it, because devserve has no way to ask for a passphrase. RSA keys of
    /// fewer than 2048 bits are refused too (swift-crypto will not load them).
    public static func load(certificate certificatePath: String, key keyPath: String) throws(DevServeError) -> ServerIdentity {
        let chain = try certificates(
            in: IdentityFiles.require(certificatePath, what: "the certificate \(certificatePath)"),
            what: "the certificate \(certificatePath)")
        let key = try privateKey(in: IdentityFiles.require(keyPath, what: "the key \(keyPath)"), what: "the key \(keyPath)", path: keyPath)
        guard key.publicKey == chain[0].certificate.publicKey else {
            if let index = chain.firstIndex(where: { $0.certificate.publicKey == key.publicKey }) {
                throw DevServeError(
                    "the certificate \(certificatePath) does not match the key \(keyPath): the key is for certificate \(index + 1) in the file, and the server's own certificate must come first"
                )
            }
            throw DevServeError("the certificate \(certificatePath) does not match the key \(keyPath)")
        }
        return ServerIdentity(certificatePath: certificatePath, keyPath: keyPath, authorityPath: nil, madeAuthority: false, leaf: chain[0])
    }

    /// Every certificate in a PEM file, in order; at least one.
    private static func certificates(in bytes: [UInt8], what: String) throws(DevServeError) -> [LoadedCertificate] {
        let blocks = try PEMBlock.blocks(in: bytes, what: what)
        var certificates: [LoadedCertificate] = []
        for block in blocks where block.label == "CERTIFICATE" {
            do {
                certificates.append(LoadedCertificate(certificate: try Certificate(derEncoded: block.der), der: block.der))
            } catch {
                let which = certificates.isEmpty ? "" : " (its certificate \(certificates.count + 1))"
                throw DevServeError("\(what) cannot be read\(which): \(Self.reason(error))")
            }
        }
        guard !certificates.isEmpty else {
            throw DevServeError("\(what) holds no certificate, only \(PEMBlock.labels(blocks)) (are the certificate and the key swapped?)")
        }
        return certificates
    }

    /// The first private key in a PEM file.
    private static func privateKey(in bytes: [UInt8], what: String, path: String) throws(DevServeError) -> Certificate.PrivateKey {
        let blocks = try PEMBlock.blocks(in: bytes, what: what)
        guard let block = blocks.first(where: { $0.label.hasSuffix("PRIVATE KEY") }) else {
            throw DevServeError("\(what) holds no private key, only \(PEMBlock.labels(blocks)) (are the certificate and the key swapped?)")
        }
        // PKCS#8 encryption has its own label. OpenSSL's older encryption keeps the label and adds
        // `Proc-Type: 4,ENCRYPTED` headers.
        if block.label == "ENCRYPTED PRIVATE KEY" || block.hasHeaders {
            throw DevServeError(
                "\(what) is encrypted, and devserve cannot ask for its passphrase: `openssl pkey -in \(path) -out key.pem` writes it unencrypted")
        }
        do {
            return try Certificate.PrivateKey(pemDocument: PEMDocument(type: block.label, derBytes: block.der))
        } catch {
            throw DevServeError("\(what) cannot be read: \(Self.reason(error))")
        }
    }
}

// MARK: - devserve's own CA and leaf

extension ServerIdentity {
    /// The names every leaf covers, whatever the caller passes.
    static let alwaysIncluded = ["localhost", "127.0.0.1", "::1"]
    /// How long the CA lasts. Once it is trusted, a new CA means trusting again, so it should last.
    static let authorityLifetime: TimeInterval = 3650 * 86400
    /// A CA with less time left than this is replaced: its leaves would not outlive it by much.
    static let authorityRenewal: TimeInterval = 30 * 86400
    /// How long a leaf lasts. Chrome's 398-day limit applies only to publicly trusted roots, not to
    /// a CA the user added. Apple's platforms refuse TLS leaves valid for more than 825 days from any
    /// root, and a phone on the LAN may be an iPhone. A year fits both.
    static let leafLifetime: TimeInterval = 365 * 86400
    /// A leaf with less time left than this is replaced.
    static let leafRenewal: TimeInterval = 86400
    /// How far before now certificates start, for a phone whose clock is a little behind.
    static let backdating: TimeInterval = 3600

    /// devserve's own CA and leaf, in `folder`. The leaf is for `hosts` and for ``alwaysIncluded``.
    ///
    /// - The folder is made with mode 0700 (and set to 0700 if it already exists). It holds
    ///   `ca.pem` and `ca-key.pem` (the CA), `cert.pem` and `key.pem` (the leaf), and `lock`. Keys
    ///   are 0600 and certificates 0644.
    /// - The CA (P-256, 10 years, `devserve local CA (user@host)`) is made once and kept. It is
    ///   replaced only when one of its files is missing or it has less than 30 days left. Then
    ///   ``madeAuthority`` is true, because browsers must be told to trust the new one. A CA file
    ///   that exists but cannot be read or does not parse is an error, not a reason to make a new
    ///   CA. Silently replacing a CA the user trusted would bring back every warning, and two
    ///   devserve versions that disagreed about a file would keep replacing each other's CA.
    /// - The leaf is reused if the CA signed it, it is valid now and for more than another day, its
    ///   key matches, and it covers every host. Otherwise a new leaf (and key) is made and the CA is
    ///   kept. Nobody trusts a leaf directly, so replacing it costs nothing.
    /// - Hosts are normalised: lowercased, IPv6 brackets and zones (`%eth0`) stripped, a trailing
    ///   dot dropped, duplicates removed (`[::1]`, `::1` and `0:0::1` are the same address). An IP
    ///   literal becomes an iPAddress entry (4 or 16 bytes), and anything else a dNSName (`*.x.y`
    ///   wildcards allowed). A host that is neither is an error naming it.
    /// - Two devserve processes starting at once must not make two CAs, or the first one's trust
    ///   instructions would name a file the second one replaced. So the whole call holds an
    ///   exclusive `flock` on `lock`. Files are written under a temporary name, synced, and renamed
    ///   into place, so a crash leaves either the old file or the new one. A key is written before
    ///   its certificate: if devserve dies between the two, the next run finds a mismatch and makes
    ///   the pair again.
    ///
    /// `now` is the clock, given by tests.
    public static func local(in folder: String, hosts: [String], now: Date = Date()) throws(DevServeError) -> ServerIdentity {
        var names: [LeafName] = []
        for host in alwaysIncluded + hosts {
            guard let name = try LeafName.parse(host), !names.contains(name) else { continue }
            names.append(name)
        }
        let files = LocalFiles(folder: folder)
        try IdentityFiles.makePrivateFolder(folder)
        let lock = try IdentityFiles.lockExclusively(files.lock)
        defer { close(lock) }
        let (authority, madeAuthority) = try localAuthority(files, now: now)
        let leaf: LoadedCertificate
        if let reused = reusableLeaf(files, authority: authority, names: names, now: now) {
            leaf = reused
        } else {
            let made: (certificate: Certificate, key: P256.Signing.PrivateKey)
            do {
                made = try makeLeaf(for: names, authority: authority, now: now)
            } catch {
                throw DevServeError("cannot make a certificate for \(names.map(\.text).joined(separator: ", ")): \(Self.reason(error))")
            }
            let der = try derBytes(of: made.certificate)
            try IdentityFiles.save(made.key.pemRepresentation + "\n", to: files.key, mode: 0o600)
            try IdentityFiles.save(PEMDocument(type: "CERTIFICATE", derBytes: der).pemString + "\n", to: files.certificate, mode: 0o644)
            leaf = LoadedCertificate(certificate: made.certificate, der: der)
        }
        return ServerIdentity(
            certificatePath: files.certificate, keyPath: files.key, authorityPath: files.authority, madeAuthority: madeAuthority,
            leaf: leaf)
    }

    /// `$XDG_CACHE_HOME/devserve/tls`, else `$HOME/.cache/devserve/tls`, or nil when neither is
    /// set. The XDG spec says to ignore a relative (or empty) `XDG_CACHE_HOME`, and a relative
    /// `HOME` is ignored the same way. Either would put the CA key wherever devserve happened to
    /// start.
    public static func defaultFolder(environment: [String: String]) -> String? {
        func under(_ base: String, _ rest: String) -> String { base.hasSuffix("/") ? base + rest : base + "/" + rest }
        if let cache = environment["XDG_CACHE_HOME"], cache.hasPrefix("/") { return under(cache, "devserve/tls") }
        if let home = environment["HOME"], home.hasPrefix("/") { return under(home, ".cache/devserve/tls") }
        return nil
    }

    /// The CA in the folder, or a new one (then `true`).
    private static func localAuthority(_ files: LocalFiles, now: Date) throws(DevServeError) -> (Authority, Bool) {
        switch (IdentityFiles.contents(of: files.authority), IdentityFiles.contents(of: files.authorityKey)) {
        case (.success(let certificateBytes), .success(let keyBytes)):
            let existing = try existingAuthority(files, certificateBytes: certificateBytes, keyBytes: keyBytes)
            if existing.certificate.notValidAfter.timeIntervalSince(now) > authorityRenewal { return (existing, false) }
        case (.failure(let failure), _) where !failure.missing:
            throw DevServeError("cannot read the local CA's certificate \(files.authority): \(failure.reason)")
        case (_, .failure(let failure)) where !failure.missing:
            throw DevServeError("cannot read the local CA's key \(files.authorityKey): \(failure.reason)")
        default:
            break
        }
        let made: (certificate: Certificate, key: P256.Signing.PrivateKey)
        do {
            made = try makeAuthority(now: now)
        } catch {
            throw DevServeError("cannot make a local CA: \(Self.reason(error))")
        }
        let der = try derBytes(of: made.certificate)
        try IdentityFiles.save(made.key.pemRepresentation + "\n", to: files.authorityKey, mode: 0o600)
        try IdentityFiles.save(PEMDocument(type: "CERTIFICATE", derBytes: der).pemString + "\n", to: files.authority, mode: 0o644)
        return (Authority(certificate: made.certificate, key: Certificate.PrivateKey(made.key)), true)
    }

    /// The CA whose files both exist; an error if they cannot be used.
    private static func existingAuthority(
        _ files: LocalFiles, certificateBytes: [UInt8], keyBytes: [UInt8]
    ) throws(DevServeError) -> Authority {
        let advice = "; remove the folder \(files.folder) to have devserve make a new CA, which browsers must then be told to trust"
        let certificate: LoadedCertificate
        let key: Certificate.PrivateKey
        do {
            certificate = try certificates(in: certificateBytes, what: "the local CA's certificate \(files.authority)")[0]
            key = try privateKey(in: keyBytes, what: "the local CA's key \(files.authorityKey)", path: files.authorityKey)
        } catch {
            throw DevServeError("\(error)\(advice)")
        }
        guard key.publicKey == certificate.certificate.publicKey else {
            throw DevServeError("the local CA's certificate \(files.authority) does not match its key \(files.authorityKey)\(advice)")
        }
        return Authority(certificate: certificate.certificate, key: key)
    }

    /// The leaf in the folder, if it can be served as it is for `names`.
    private static func reusableLeaf(_ files: LocalFiles, authority: Authority, names: [LeafName], now: Date) -> LoadedCertificate? {
        guard case .success(let certificateBytes) = IdentityFiles.contents(of: files.certificate),
            case .success(let keyBytes) = IdentityFiles.contents(of: files.key),
            let leaf = try? certificates(in: certificateBytes, what: files.certificate).first,
            let key = try? privateKey(in: keyBytes, what: files.key, path: files.key),
            key.publicKey == leaf.certificate.publicKey,
            leaf.certificate.issuer == authority.certificate.subject,
            authority.certificate.publicKey.isValidSignature(leaf.certificate.signature, for: leaf.certificate),
            leaf.certificate.notValidBefore <= now,
            leaf.certificate.notValidAfter.timeIntervalSince(now) > leafRenewal,
            Set(names).isSubset(of: Set(leaf.names))
        else { return nil }
        return leaf
    }

    /// A new CA: self-signed, BasicConstraints CA with pathLen 0, and KeyUsage keyCertSign and
    /// cRLSign (both critical), with a SubjectKeyIdentifier for its leaves' AuthorityKeyIdentifier.
    /// Without an SKI, `openssl verify -x509_strict` refuses the CA.
    private static func makeAuthority(now: Date) throws -> (certificate: Certificate, key: P256.Signing.PrivateKey) {
        let key = P256.Signing.PrivateKey()
        let signingKey = Certificate.PrivateKey(key)
        let commonName = authorityCommonName()
        let name = try DistinguishedName {
            OrganizationName("devserve")
            CommonName(commonName)
        }
        let extensions = try Certificate.Extensions([
            Certificate.Extension(BasicConstraints.isCertificateAuthority(maxPathLength: 0), critical: true),
            Certificate.Extension(KeyUsage(keyCertSign: true, cRLSign: true), critical: true),
            Certificate.Extension(SubjectKeyIdentifier(hash: signingKey.publicKey), critical: false),
        ])
        let certificate = try Certificate(
            version: .v3, serialNumber: randomSerialNumber(), publicKey: signingKey.publicKey,
            notValidBefore: now.addingTimeInterval(-backdating), notValidAfter: now.addingTimeInterval(authorityLifetime),
            issuer: name, subject: name, signatureAlgorithm: .ecdsaWithSHA256, extensions: extensions, issuerPrivateKey: signingKey)
        return (certificate, key)
    }

    /// A new leaf for `names`, signed by the CA. It has KeyUsage digitalSignature (critical;
    /// ECDSA needs no keyEncipherment), ExtendedKeyUsage serverAuth (Apple's platforms require it),
    /// the names as subjectAltName (Chrome ignores the CN and refuses a certificate without a SAN),
    /// and the CA's key identifier as AuthorityKeyIdentifier. It never outlives the CA.
    private static func makeLeaf(
        for names: [LeafName], authority: Authority, now: Date
    ) throws -> (certificate: Certificate, key: P256.Signing.PrivateKey) {
        let key = P256.Signing.PrivateKey()
        let publicKey = Certificate.PrivateKey(key).publicKey
        let authorityKeyIdentifier =
            try authority.certificate.extensions.subjectKeyIdentifier?.keyIdentifier
            ?? SubjectKeyIdentifier(hash: authority.certificate.publicKey).keyIdentifier
        let commonName = names.first?.text ?? "localhost"
        let subject = try DistinguishedName {
            OrganizationName("devserve")
            CommonName(commonName)
        }
        let extensions = try Certificate.Extensions([
            Certificate.Extension(BasicConstraints.notCertificateAuthority, critical: false),
            Certificate.Extension(KeyUsage(digitalSignature: true), critical: true),
            Certificate.Extension(ExtendedKeyUsage([.serverAuth]), critical: false),
            Certificate.Extension(SubjectAlternativeNames(names.map(\.generalName)), critical: false),
            Certificate.Extension(SubjectKeyIdentifier(hash: publicKey), critical: false),
            Certificate.Extension(AuthorityKeyIdentifier(keyIdentifier: authorityKeyIdentifier), critical: false),
        ])
        // The default signature algorithm for the CA's key: ecdsa-with-SHA256 for its P-256 key.
        let certificate = try Certificate(
            version: .v3, serialNumber: randomSerialNumber(), publicKey: publicKey,
            notValidBefore: now.addingTimeInterval(-backdating),
            notValidAfter: min(now.addingTimeInterval(leafLifetime), authority.certificate.notValidAfter),
            issuer: authority.certificate.subject, subject: subject, extensions: extensions, issuerPrivateKey: authority.key)
        return (certificate, key)
    }

    /// A random positive serial number of exactly 20 bytes, the most RFC 5280 allows.
    /// `Certificate.SerialNumber()` is not used because its 20 random bytes gain a leading zero
    /// byte, when DER-encoded, half the time (the top bit set), and BoringSSL's verifier, which
    /// Chrome uses, counts a 21-byte serial as too long. Random serials also keep NSS (Firefox)
    /// from refusing a new leaf with `SEC_ERROR_REUSED_ISSUER_AND_SERIAL`.
    private static func randomSerialNumber() -> Certificate.SerialNumber {
        var bytes = (0..<20).map { _ in UInt8.random(in: 0...255) }
        bytes[0] = (bytes[0] & 0x7F) | 0x40
        return Certificate.SerialNumber(bytes: bytes)
    }

    /// `devserve local CA (user@host)`, so that a trust store listing several CAs tells them apart.
    /// At most 64 characters, the X.520 upper bound for a common name.
    private static func authorityCommonName() -> String {
        let size = 256
        var buffer = [CChar](repeating: 0, count: size)
        let host =
            gethostname(&buffer, size) == 0
            ? String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(truncatingIfNeeded: $0) }, as: UTF8.self) : ""
        let owner = [ProcessInfo.processInfo.userName, host].filter { !$0.isEmpty }.joined(separator: "@")
        return String((owner.isEmpty ? "devserve local CA" : "devserve local CA (\(owner))").prefix(64))
    }
}

// MARK: - Encoding

extension ServerIdentity {
    /// `AB:CD:…`: SHA-256 of `der` in uppercase hex pairs.
    static func fingerprint(of der: [UInt8]) -> String {
        let digits = Array("0123456789ABCDEF".utf8)
        return SHA256.hash(data: der).map { byte in
            String(decoding: [digits[Int(byte >> 4)], digits[Int(byte & 0x0F)]], as: UTF8.self)
        }.joined(separator: ":")
    }

    /// The certificate's DER: the bytes that are fingerprinted and written as PEM.
    private static func derBytes(of certificate: Certificate) throws(DevServeError) -> [UInt8] {
        do {
            var serializer = DER.Serializer()
            try serializer.serialize(certificate)
            return serializer.serializedBytes
        } catch {
            throw DevServeError("cannot encode a certificate: \(Self.reason(error))")
        }
    }

    /// A library error as one line. `ASN1Error` and `CertificateError` describe themselves as
    /// `Type.code: reason Module/File.swift:line`, and the source position means nothing to a user.
    static func reason(_ error: any Error) -> String {
        var text = "\(error)"
        if error is ASN1Error || error is CertificateError, let colon = text.range(of: ": ") {
            let kind = text[..<colon.lowerBound].split(separator: ".").last.map { String($0) } ?? text
            var words = text[colon.upperBound...].split(separator: " ", omittingEmptySubsequences: false)
            if let last = words.last, last.contains(".swift:") { words.removeLast() }
            let reason = words.joined(separator: " ").trimmingCharacters(in: .whitespaces)
            text = reason.isEmpty ? kind : reason
        }
        return text.split(whereSeparator: \.isNewline).joined(separator: " ")
    }
}

/// A parsed certificate with the DER it was parsed from (or encoded to), which is what is
/// fingerprinted. Re-encoding a parsed certificate would give back the same bytes, but hashing
/// the file's bytes is what openssl does.
private struct LoadedCertificate {
    let certificate: Certificate
    let der: [UInt8]

    /// The subjectAltName entries devserve understands, in order.
    var names: [LeafName] {
        guard let alternatives = try? certificate.extensions.subjectAlternativeNames else { return [] }
        return alternatives.compactMap { LeafName($0) }
    }
}

/// The local CA: its certificate and the key that signs leaves.
private struct Authority {
    let certificate: Certificate
    let key: Certificate.PrivateKey
}

/// The files of ``ServerIdentity/local(in:hosts:now:)`` in its folder.
private struct LocalFiles {
    let folder: String
    var authority: String { path("ca.pem") }
    var authorityKey: String { path("ca-key.pem") }
    var certificate: String { path("cert.pem") }
    var key: String { path("key.pem") }
    var lock: String { path("lock") }

    private func path(_ name: String) -> String { folder.hasSuffix("/") ? folder + name : folder + "/" + name }
}

/// A name in a leaf's subjectAltName: a DNS name (lowercase) or an IP address (4 or 16 bytes).
private enum LeafName: Hashable {
    case dns(String)
    case address([UInt8])

    /// A host as the caller gives it (`LOCALHOST.`, `[::1]`, `fe80::1%eth0`, `*.example.test`), or
    /// nil for an empty one. Throws for one that is neither a name nor an address.
    static func parse(_ host: String) throws(DevServeError) -> LeafName? {
        var text = host.trimmingCharacters(in: .whitespaces).lowercased()
        if text.hasPrefix("["), text.hasSuffix("]") { text = String(text.dropFirst().dropLast()) }
        if text.contains(":"), let zone = text.firstIndex(of: "%") { text = String(text[..<zone]) }
        guard !text.isEmpty else { return nil }
        if let bytes = addressBytes(text) { return .address(bytes) }
        if text.count > 1, text.hasSuffix(".") { text.removeLast() }
        let labels = text.split(separator: ".", omittingEmptySubsequences: false)
        let valid =
            text.utf8.count <= 253
            && labels.enumerated().allSatisfy { index, label in
                (index == 0 && label == "*" && labels.count > 1) || (!label.isEmpty && label.utf8.allSatisfy(isNameByte))
            }
        guard valid else {
            throw DevServeError("cannot make a certificate for \"\(host)\": it is neither a host name, a *.wildcard nor an IP address")
        }
        return .dns(text)
    }

    /// An entry of a certificate's subjectAltName; nil for kinds devserve does not list.
    init?(_ name: GeneralName) {
        switch name {
        case .dnsName(let dns):
            self = .dns(dns.lowercased())
        case .ipAddress(let octets) where octets.bytes.count == 4 || octets.bytes.count == 16:
            self = .address(Array(octets.bytes))
        default:
            return nil
        }
    }

    /// `localhost`, `127.0.0.1`, `::1` (RFC 5952's short form, by `inet_ntop`).
    var text: String {
        switch self {
        case .dns(let name): name
        case .address(let bytes): Self.addressText(bytes)
        }
    }

    var generalName: GeneralName {
        switch self {
        case .dns(let name): .dnsName(name)
        case .address(let bytes): .ipAddress(ASN1OctetString(contentBytes: bytes[...]))
        }
    }

    /// Lowercase letters, digits, `-` and `_` (some LAN names have one).
    private static func isNameByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"):
            true
        default:
            false
        }
    }

    /// The bytes of an IPv4 or IPv6 literal (network order), by `inet_pton`.
    private static func addressBytes(_ text: String) -> [UInt8]? {
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 { return withUnsafeBytes(of: &v4) { Array($0) } }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, text, &v6) == 1 { return withUnsafeBytes(of: &v6) { Array($0) } }
        return nil
    }

    private static func addressText(_ bytes: [UInt8]) -> String {
        if bytes.count == 4 { return bytes.map { "\($0)" }.joined(separator: ".") }
        let size = 64
        var buffer = [CChar](repeating: 0, count: size)
        let written = bytes.withUnsafeBytes { raw in inet_ntop(AF_INET6, raw.baseAddress, &buffer, socklen_t(size)) != nil }
        guard written else { return bytes.map { String($0, radix: 16) }.joined(separator: ":") }
        // `truncatingIfNeeded`, not `bitPattern`: CChar is Int8 on x86_64 but UInt8 on aarch64 Linux.
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(truncatingIfNeeded: $0) }, as: UTF8.self)
    }
}

/// One `-----BEGIN X-----` … `-----END X-----` block of a PEM file.
///
/// devserve reads PEM itself instead of with swift-asn1's `PEMDocument.parseMultiple`, which
/// refuses base64 lines that are not exactly 64 characters long. OpenSSL, and so NIOSSL, reads
/// those, and the files are served by NIOSSL. Text outside blocks (the `Bag Attributes` of
/// `openssl pkcs12` output) is ignored, as OpenSSL ignores it.
private struct PEMBlock {
    let label: String
    let der: [UInt8]
    /// RFC 1421 headers (`Proc-Type: 4,ENCRYPTED`): OpenSSL's older encryption of a key.
    let hasHeaders: Bool

    /// The blocks of a file, in order; at least one.
    static func blocks(in bytes: [UInt8], what: String) throws(DevServeError) -> [PEMBlock] {
        var blocks: [PEMBlock] = []
        var open: (label: String, base64: String, hasHeaders: Bool)?
        for rawLine in String(decoding: bytes, as: UTF8.self).split(whereSeparator: \.isNewline) {
            let line = rawLine.trimmingCharacters(in: .whitespaces)
            if var block = open {
                if let label = marker("END", in: line) {
                    guard label == block.label else {
                        throw DevServeError("\(what) is not PEM: its \(block.label) block ends with END \(label)")
                    }
                    let der = Data(base64Encoded: block.base64).map { Array($0) } ?? []
                    guard !der.isEmpty || block.hasHeaders else {
                        throw DevServeError("\(what) is not PEM: its \(block.label) block is not base64")
                    }
                    blocks.append(PEMBlock(label: label, der: der, hasHeaders: block.hasHeaders))
                    open = nil
                } else {
                    if line.contains(":") { block.hasHeaders = true } else { block.base64 += line.filter { !$0.isWhitespace } }
                    open = block
                }
            } else if let label = marker("BEGIN", in: line) {
                open = (label: label, base64: "", hasHeaders: false)
            }
        }
        if let block = open { throw DevServeError("\(what) is not PEM: its \(block.label) block has no END line") }
        guard !blocks.isEmpty else {
            // DER starts with a SEQUENCE tag.
            let hint = bytes.first == 0x30 ? " (it looks like DER, which `openssl x509 -inform der` or `openssl pkey -inform der` converts)" : ""
            throw DevServeError("\(what) is not PEM: it has no -----BEGIN line\(hint)")
        }
        return blocks
    }

    /// `CERTIFICATE, PRIVATE KEY`: what the blocks are, for an error.
    static func labels(_ blocks: [PEMBlock]) -> String {
        blocks.map(\.label).joined(separator: ", ")
    }

    /// The label of a `-----BEGIN X-----` (or END) line.
    private static func marker(_ kind: String, in line: String) -> String? {
        let prefix = "-----\(kind) "
        let suffix = "-----"
        guard line.count > prefix.count + suffix.count, line.hasPrefix(prefix), line.hasSuffix(suffix) else { return nil }
        return String(line.dropFirst(prefix.count).dropLast(suffix.count))
    }
}

/// The few file operations of the identity, with plain system calls so that an error can say
/// what `errno` said.
private enum IdentityFiles {
    /// Why a file could not be read; `missing` for ENOENT.
    struct ReadFailure: Error {
        let reason: String
        let missing: Bool
    }

    /// A certificate or a key is a few kilobytes. The limit keeps `--cert /dev/zero` from
    /// reading forever.
    static let readLimit = 1 << 20

    static func contents(of path: String) -> Result<[UInt8], ReadFailure> {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            let code = errno
            return .failure(ReadFailure(reason: errorText(code), missing: code == ENOENT))
        }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if count < 0 {
                let code = errno
                if code == EINTR { continue }
                return .failure(ReadFailure(reason: errorText(code), missing: false))
            }
            if count == 0 { return .success(bytes) }
            bytes.append(contentsOf: chunk[..<count])
            if bytes.count > readLimit {
                return .failure(ReadFailure(reason: "it is larger than 1 MiB, which no certificate or key is", missing: false))
            }
        }
    }

    /// The file's bytes, or the error `cannot read WHAT: REASON`.
    static func require(_ path: String, what: String) throws(DevServeError) -> [UInt8] {
        switch contents(of: path) {
        case .success(let bytes): return bytes
        case .failure(let failure): throw DevServeError("cannot read \(what): \(failure.reason)")
        }
    }

    /// Writes `text` to a temporary file beside `path` with `mode` (set exactly, whatever the
    /// umask), syncs it, and renames it over `path`.
    static func save(_ text: String, to path: String, mode: mode_t) throws(DevServeError) {
        let temporary = path + ".new"
        unlink(temporary)
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
        guard fd >= 0 else { throw DevServeError("cannot write \(temporary): \(errorText(errno))") }
        var failure: String?
        if fchmod(fd, mode) != 0 { failure = errorText(errno) }
        let bytes = Array(text.utf8)
        var written = 0
        while failure == nil, written < bytes.count {
            let count = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + written, $0.count - written) }
            if count >= 0 {
                written += count
            } else if errno != EINTR {
                failure = errorText(errno)
            }
        }
        if failure == nil, fsync(fd) != 0 { failure = errorText(errno) }
        if close(fd) != 0, failure == nil { failure = errorText(errno) }
        if failure == nil, rename(temporary, path) != 0 { failure = errorText(errno) }
        if let failure {
            unlink(temporary)
            throw DevServeError("cannot write \(path): \(failure)")
        }
    }

    /// Makes `folder` and any missing parents with mode 0700, then sets `folder` itself to 0700:
    /// it holds the CA's key. The XDG spec asks for 0700 on the cache folders it makes.
    static func makePrivateFolder(_ folder: String) throws(DevServeError) {
        var path = folder.hasPrefix("/") ? "" : "."
        for component in folder.split(separator: "/") {
            path += "/\(component)"
            guard mkdir(path, 0o700) == 0 || errno == EEXIST else {
                throw DevServeError("cannot make the folder \(path): \(errorText(errno))")
            }
        }
        guard chmod(folder, 0o700) == 0 else {
            throw DevServeError("cannot make the folder \(folder) private (mode 0700): \(errorText(errno))")
        }
    }

    /// An exclusive `flock` on `path` (made if missing), held until the returned descriptor is
    /// closed. It waits while another devserve holds it, which is only for as long as making the
    /// files takes.
    static func lockExclusively(_ path: String) throws(DevServeError) -> Int32 {
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw DevServeError("cannot open the lock file \(path): \(errorText(errno))") }
        while flock(fd, LOCK_EX) != 0 {
            let code = errno
            guard code == EINTR else {
                close(fd)
                throw DevServeError("cannot lock \(path): \(errorText(code))")
            }
        }
        return fd
    }

    static func errorText(_ code: Int32) -> String {
        String(cString: strerror(code))
    }
}
