#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Decides which paths the watcher leaves alone.
///
/// Patterns follow the familiar `.gitignore` shape:
/// - a pattern without `/` (`node_modules`, `*.swp`) matches any single path component, so it
///   ignores a file or a whole folder wherever it appears;
/// - a pattern with `/` (`dist/assets`, `docs/**/*.tmp`) is anchored at the watched folder and
///   matched component by component, with `**` standing for any number of folders;
/// - a pattern that matches a folder ignores everything below it.
public struct IgnoreRules: Sendable {
    /// What devserve never watches: version control, build folders, dependencies and the files
    /// editors write next to the real ones while saving.
    public static let defaultPatterns = [".git", ".build", "node_modules", "*.swp", "*.swx", "*~", ".#*", "4913"]

    private enum Rule: Sendable {
        case anyComponent(String)
        case anchored([String])
    }

    private let rules: [Rule]

    /// Creates rules from the default patterns plus `patterns`.
    public init(patterns: [String], includeDefaults: Bool = true) {
        let all = (includeDefaults ? Self.defaultPatterns : []) + patterns
        self.rules = all.compactMap { raw in
            var pattern = Substring(raw)
            while pattern.hasSuffix("/") { pattern = pattern.dropLast() }
            while pattern.hasPrefix("./") { pattern = pattern.dropFirst(2) }
            if pattern.hasPrefix("/") { pattern = pattern.dropFirst() }
            guard !pattern.isEmpty else { return nil }
            if pattern.contains("/") {
                return .anchored(pattern.split(separator: "/").map(String.init))
            }
            return .anyComponent(String(pattern))
        }
    }

    /// Whether `relativePath` (relative to the watched folder, `/`-separated) is ignored.
    public func ignores(_ relativePath: some StringProtocol) -> Bool {
        let components = String(relativePath).split(separator: "/").map(String.init)
        guard !components.isEmpty else { return false }
        for rule in rules {
            switch rule {
            case .anyComponent(let pattern):
                if components.contains(where: { Self.matches(pattern, $0) }) { return true }
            case .anchored(let pattern):
                if Self.matchesPrefix(pattern[...], components[...]) { return true }
            }
        }
        return false
    }

    /// Whether the pattern matches `components` or any leading part of it (a folder and below).
    private static func matchesPrefix(_ pattern: ArraySlice<String>, _ components: ArraySlice<String>) -> Bool {
        guard let head = pattern.first else { return true }
        if head == "**" {
            let rest = pattern.dropFirst()
            var remaining = components
            while true {
                if matchesPrefix(rest, remaining) { return true }
                guard !remaining.isEmpty else { return false }
                remaining = remaining.dropFirst()
            }
        }
        guard let component = components.first, matches(head, component) else { return false }
        return matchesPrefix(pattern.dropFirst(), components.dropFirst())
    }

    /// One component against one glob component (`*`, `?`, `[…]`), through fnmatch(3).
    private static func matches(_ pattern: String, _ component: String) -> Bool {
        if !pattern.contains(where: { $0 == "*" || $0 == "?" || $0 == "[" || $0 == "\\" }) {
            return pattern == component
        }
        return fnmatch(pattern, component, 0) == 0
    }
}
