#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Decides which paths the watcher leaves alone, with `.gitignore` semantics.
///
/// - A pattern without `/` (`node_modules`, `*.swp`) matches a file or folder name at any depth.
/// - A pattern with `/` at the start or in the middle (`/dist`, `docs/**/*.tmp`) is anchored at
///   the folder the rules belong to, matched component by component; `**` stands for any number
///   of folders.
/// - A trailing `/` (`build/`) matches folders only.
/// - `!pattern` re-includes what an earlier pattern excluded; the last matching pattern wins.
///   As in git, nothing below an excluded folder can be re-included.
/// - A pattern that matches a folder ignores everything below it.
public struct IgnoreRules: Sendable {
    /// What devserve never watches: version control, build folders, dependencies and the files
    /// editors write next to the real ones while saving (vim, emacs, JetBrains, Kate).
    public static let defaultPatterns = [
        ".git", ".build", "node_modules", "*.swp", "*.swx", "*~", ".#*", "4913", "*___jb_tmp___",
        "*___jb_old___", "*.kate-swp",
    ]

    private struct Rule: Sendable {
        var components: [String]
        var anchored: Bool
        var negated: Bool
        var directoryOnly: Bool

        func matches(_ path: ArraySlice<String>, isDirectory: Bool) -> Bool {
            if directoryOnly && !isDirectory { return false }
            if anchored { return IgnoreRules.matchesWhole(components[...], path) }
            guard let name = path.last else { return false }
            return IgnoreRules.matches(components[0], name)
        }
    }

    private let rules: [Rule]

    /// Creates rules from the default patterns plus `patterns`.
    public init(patterns: [String], includeDefaults: Bool = true) {
        self.rules = ((includeDefaults ? Self.defaultPatterns : []) + patterns).compactMap(Self.parse)
    }

    /// The rules of a `.gitignore` file's text: blank lines and `#` comments are skipped, `\#`
    /// and `\!` escape a leading character, trailing spaces are dropped. No defaults.
    public init(gitignore text: String) {
        self.rules = text.split(omittingEmptySubsequences: true, whereSeparator: \.isNewline).compactMap { line in
            var pattern = Substring(line)
            if pattern.hasPrefix("#") { return nil }
            while pattern.hasSuffix(" ") && !pattern.hasSuffix("\\ ") { pattern = pattern.dropLast() }
            return Self.parse(String(pattern))
        }
    }

    private static func parse(_ raw: String) -> Rule? {
        var pattern = Substring(raw)
        var negated = false
        if pattern.hasPrefix("!") {
            negated = true
            pattern = pattern.dropFirst()
        } else if pattern.hasPrefix("\\!") || pattern.hasPrefix("\\#") {
            pattern = pattern.dropFirst()
        }
        var directoryOnly = false
        while pattern.hasSuffix("/") {
            directoryOnly = true
            pattern = pattern.dropLast()
        }
        while pattern.hasPrefix("./") { pattern = pattern.dropFirst(2) }
        var anchored = pattern.contains("/")
        if pattern.hasPrefix("/") {
            anchored = true
            pattern = pattern.drop { $0 == "/" }
        }
        let components = pattern.split(separator: "/").map(String.init)
        guard !components.isEmpty else { return nil }
        return Rule(components: components, anchored: anchored, negated: negated, directoryOnly: directoryOnly)
    }

    /// Whether `relativePath` (relative to the folder the rules belong to, `/`-separated) is
    /// ignored. `isDirectory` says whether the last component is a folder (for `name/` patterns).
    public func ignores(_ relativePath: some StringProtocol, isDirectory: Bool = false) -> Bool {
        let components = String(relativePath).split(separator: "/").map(String.init)
        guard !components.isEmpty, !rules.isEmpty else { return false }
        // A folder on the way that is excluded excludes everything below it.
        for end in 1...components.count {
            let prefix = components[..<end]
            if excludes(prefix, isDirectory: end < components.count || isDirectory) { return true }
        }
        return false
    }

    /// The verdict of the last rule matching `path`.
    private func excludes(_ path: ArraySlice<String>, isDirectory: Bool) -> Bool {
        for rule in rules.reversed() where rule.matches(path, isDirectory: isDirectory) {
            return !rule.negated
        }
        return false
    }

    /// Whether the pattern components match all of `path`, `**` standing for zero or more.
    private static func matchesWhole(_ pattern: ArraySlice<String>, _ path: ArraySlice<String>) -> Bool {
        guard let head = pattern.first else { return path.isEmpty }
        if head == "**" {
            let rest = pattern.dropFirst()
            var remaining = path
            while true {
                if matchesWhole(rest, remaining) { return true }
                guard !remaining.isEmpty else { return false }
                remaining = remaining.dropFirst()
            }
        }
        guard let component = path.first, matches(head, component) else { return false }
        return matchesWhole(pattern.dropFirst(), path.dropFirst())
    }

    /// One component against one glob component (`*`, `?`, `[…]`), through fnmatch(3).
    private static func matches(_ pattern: String, _ component: String) -> Bool {
        if !pattern.contains(where: { $0 == "*" || $0 == "?" || $0 == "[" || $0 == "\\" }) {
            return pattern == component
        }
        return fnmatch(pattern, component, 0) == 0
    }
}
