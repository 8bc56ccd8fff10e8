import DevServe
import Testing

@Suite struct IgnoreRulesTests {
    let rules = IgnoreRules(patterns: ["dist/assets", "docs/**/*.tmp", "*.log", "build/"])

    @Test(arguments: [
        ".git/HEAD", "src/.git", "node_modules/x/index.js", ".build/debug/x", "src/app.js.swp", "notes.txt~",
        "src/.#index.html", "4913", "sub/4913", "dist/assets/app.js", "docs/a/b/c.tmp", "docs/c.tmp",
        "server.log", "logs/today.log", "build/out.js",
    ])
    func ignored(_ path: String) {
        #expect(rules.ignores(path), "\(path) should be ignored")
    }

    @Test(arguments: [
        "index.html", "src/app.js", "dist/app.js", "gitignore", "node_modules_not/x", "docs/a.txt",
        "src/4913.js", "other/dist/assets/app.js", "a.swp.html",
    ])
    func kept(_ path: String) {
        #expect(!rules.ignores(path), "\(path) should not be ignored")
    }

    @Test func leadingSlashIsAllowed() {
        #expect(IgnoreRules(patterns: []).ignores("/project/.git/config") == true)
        #expect(IgnoreRules(patterns: ["/tmp/*"]).ignores("tmp/x"))
    }

    @Test func defaultsCanBeLeftOut() {
        #expect(!IgnoreRules(patterns: [], includeDefaults: false).ignores(".git/HEAD"))
    }
}
