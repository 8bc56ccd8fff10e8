/// Files never served, wherever they are under the root, whatever the route: answered 404.
///
/// - Dotfiles and dot-folders (`.git/`, `.env*`, `.npmrc`, `.yarnrc.yml`, `.ssh/`, and every
///   other name starting with `.` except `.well-known`), unless `--allow-dotfiles`.
/// - Key material: `*.pem`, `*.key`, `*.crt`, `*.p12`, `*.pfx`, always.
///
/// Checked on the components of the URL path and again on the resolved path, so a symlink with
/// an innocent name does not reach a denied file.
public struct DenyList: Sendable {
    /// Whether dotfiles and dot-folders may be served.
    public let allowDotfiles: Bool

    /// Extensions of key material, never served.
    public static let keyExtensions = [".pem", ".key", ".crt", ".p12", ".pfx"]

    /// The rules; `allowDotfiles` lets dotfiles through (never key files).
    public init(allowDotfiles: Bool = false) {
        self.allowDotfiles = allowDotfiles
    }

    /// Whether a path (`/`-separated, relative or absolute) names or lies under a denied entry.
    public func denies(_ path: some StringProtocol) -> Bool {
        path.split(separator: "/").contains { denies(component: $0) }
    }

    private func denies(component: some StringProtocol) -> Bool {
        if !allowDotfiles, component.hasPrefix("."), component != ".well-known" { return true }
        let lowered = component.lowercased()
        return Self.keyExtensions.contains { lowered.hasSuffix($0) }
    }
}
