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

@Suite struct GitignoreRulesTests {
    let rules = IgnoreRules(gitignore: """
        # comment
        *.log
        !keep.log
        /dist
        build/
        docs/**/draft.md
        \\#literal
        \\!bang
        trailing.txt   \n
        """)

    @Test func gitignoreSemantics() {
        #expect(rules.ignores("a.log") && rules.ignores("x/y/a.log"))
        #expect(!rules.ignores("keep.log") && !rules.ignores("x/keep.log"), "negation re-includes")
        #expect(rules.ignores("dist") && rules.ignores("dist/app.js") && !rules.ignores("src/dist/app.js"), "anchored")
        #expect(rules.ignores("build", isDirectory: true) && rules.ignores("src/build/x.o"))
        #expect(!rules.ignores("build"), "a file named build is not the folder pattern build/")
        #expect(rules.ignores("docs/draft.md") && rules.ignores("docs/a/b/draft.md") && !rules.ignores("docs/final.md"))
        #expect(rules.ignores("#literal") && rules.ignores("!bang") && rules.ignores("trailing.txt"))
        #expect(!rules.ignores("# comment") && !rules.ignores("comment"))
    }

    @Test func nothingBelowAnExcludedFolderComesBack() {
        let rules = IgnoreRules(gitignore: "vendor/\n!vendor/keep.js\n")
        #expect(rules.ignores("vendor/keep.js"), "as in git: the folder is excluded, so its files are too")
    }
}
