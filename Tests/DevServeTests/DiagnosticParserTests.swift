import DevServe
import Testing

/// Build output of common tools, as they print it, and the diagnostics found in it.
@Suite struct DiagnosticParserTests {
    let parser = DiagnosticParser(projectFolder: "/home/me/app")

    func one(_ output: String) -> Diagnostic? {
        let found = parser.parse(output)
        #expect(found.count == 1, "\(found)")
        return found.first
    }

    @Test func compilersAndToolsInTheFileLineColumnForm() {
        let samples: [(String, Diagnostic)] = [
            ("/home/me/app/Sources/App/main.swift:12:5: error: cannot find 'foo' in scope",
             .init(file: "Sources/App/main.swift", line: 12, column: 5, severity: .error, message: "cannot find 'foo' in scope")),
            ("src/main.c:3:10: fatal error: missing.h: No such file or directory",
             .init(file: "src/main.c", line: 3, column: 10, severity: .error, message: "missing.h: No such file or directory")),
            ("./src/util.c:7:1: warning: unused variable 'x' [-Wunused-variable]",
             .init(file: "src/util.c", line: 7, column: 1, severity: .warning, message: "unused variable 'x' [-Wunused-variable]")),
            ("src/a.ts:4:9: error TS2304 is not this form", .init(file: "", line: 0, column: nil, severity: .note, message: "")),
            ("src/lib.rs:2:3: note: required by a bound", .init(file: "src/lib.rs", line: 2, column: 3, severity: .note, message: "required by a bound")),
            ("Makefile:14: warning: overriding recipe", .init(file: "Makefile", line: 14, column: nil, severity: .warning, message: "overriding recipe")),
        ]
        for (output, expected) in samples where !expected.file.isEmpty {
            #expect(one(output) == expected, "\(output)")
        }
        #expect(parser.parse("src/a.ts:4:9: error TS2304 is not this form").isEmpty)
    }

    @Test func typescriptBothForms() {
        #expect(one("src/app.ts(3,7): error TS2322: Type 'string' is not assignable to type 'number'.")
            == .init(file: "src/app.ts", line: 3, column: 7, severity: .error, message: "TS2322: Type 'string' is not assignable to type 'number'."))
        let pretty = "\u{1B}[96msrc/app.ts\u{1B}[0m:\u{1B}[93m3\u{1B}[0m:\u{1B}[93m7\u{1B}[0m - \u{1B}[91merror\u{1B}[0m\u{1B}[90m TS2322: \u{1B}[0mType 'string' is not assignable.\n\n3 let n: number = 'x'\n        ~\n"
        #expect(one(pretty) == .init(file: "src/app.ts", line: 3, column: 7, severity: .error, message: "TS2322: Type 'string' is not assignable."))
    }

    @Test func esbuildAndSassPrintTheLocationBelowTheMessage() {
        let esbuild = """
            ✘ [ERROR] Expected ";" but found "b"

                src/index.ts:1:6:
                  1 │ let a b
                    │       ^
                    ╵       ;

            1 error
            """
        #expect(one(esbuild) == .init(file: "src/index.ts", line: 1, column: 6, severity: .error, message: #"Expected ";" but found "b""#))
        let sass = """
            Error: expected ";".
              ╷
            3 │   color: red
              │             ^
              ╵
              src/styles/main.scss 3:13  root stylesheet
            """
        #expect(one(sass) == .init(file: "src/styles/main.scss", line: 3, column: 13, severity: .error, message: #"expected ";"."#))
    }

    @Test func eslintStylish() {
        let output = """

            /home/me/app/src/app.js
              3:7   error    'x' is assigned a value but never used  no-unused-vars
              10:1  warning  Unexpected console statement            no-console

            ✖ 2 problems (1 error, 1 warning)
            """
        #expect(parser.parse(output) == [
            .init(file: "src/app.js", line: 3, column: 7, severity: .error, message: "'x' is assigned a value but never used"),
            .init(file: "src/app.js", line: 10, column: 1, severity: .warning, message: "Unexpected console statement"),
        ])
    }

    @Test func plainOutputHasNoDiagnosticsAndTheCountIsBounded() {
        #expect(parser.parse("building…\ncopied 3 files\nhttp://localhost:8080/\n12:30:01 done\n").isEmpty)
        let flood = (1...500).map { "src/a.c:\($0):1: error: e\($0)" }.joined(separator: "\n")
        #expect(parser.parse(flood).count == DiagnosticParser.limit)
        #expect(Diagnostic(file: "a.c", line: 2, column: nil, severity: .warning, message: "m").formatted == "a.c:2: warning: m")
    }

    // MARK: Real tools (their output is in DiagnosticSamples.swift, with how it was made)

    @Test func hugoQuotesTheTemplateLocation() {
        let hugo = DiagnosticParser(projectFolder: "/tmp/diag/hugo")
        #expect(hugo.parse(DiagnosticSamples.hugoParseFailed) == [
            .init(file: "layouts/_default/single.html", line: 9, column: 1, severity: .error,
                  message: #"parse failed: template: _default/single.html:9: function "nosuchfunc" not defined"#),
        ])
        #expect(hugo.parse(DiagnosticSamples.hugoExecuteFailed) == [
            .init(file: "layouts/_default/single.html", line: 9, column: 9, severity: .error,
                  message: #"execute of template failed: template: _default/single.html:9:9: executing "_default/single.html" at <.Title.Foo>: can't evaluate field Foo in type string"#),
        ])
        #expect(hugo.parse(DiagnosticSamples.hugoSass) == [
            .init(file: "assets/css/main.scss", line: 6, column: 10, severity: .error, message: #"Undefined variable: "$nope"."#),
        ])
    }

    @Test func sasscPrintsOnLineOfBelowTheMessage() {
        let sassc = DiagnosticParser(projectFolder: "/tmp/diag/sass")
        #expect(sassc.parse(DiagnosticSamples.sassc) == [
            .init(file: "css/app.scss", line: 5, column: 10, severity: .error, message: #"Undefined variable: "$nope"."#),
        ])
        #expect(sassc.parse(DiagnosticSamples.sasscWarning) == [
            .init(file: "css/warn.scss", line: 1, column: 7, severity: .warning, message: "old mixin"),
        ])
        // The error is where the partial says; the `from line 5:9 of css/imp.scss` below is not another one.
        #expect(sassc.parse(DiagnosticSamples.sasscImport) == [
            .init(file: "css/_partial.scss", line: 2, column: 6, severity: .error, message: #"Undefined variable: "$undefined"."#),
        ])
        // Older libsass releases print no column (this one is written by hand).
        #expect(sassc.parse("Error: Invalid CSS after \"a\": expected 1 selector or at-rule\n        on line 7 of css/app.scss\n")
            == [.init(file: "css/app.scss", line: 7, column: nil, severity: .error, message: #"Invalid CSS after "a": expected 1 selector or at-rule"#)])
    }

    @Test func pythonTracebacksPointAtTheInnermostFrame() {
        let mkdocs = DiagnosticParser(projectFolder: "/tmp/diag/mkdocs")
        #expect(mkdocs.parse(DiagnosticSamples.mkdocs) == [
            .init(file: "hooks.py", line: 3, column: nil, severity: .error, message: "NameError: name 'undefined_name' is not defined"),
        ])
        #expect(mkdocs.parse(DiagnosticSamples.mkdocsSyntaxError) == [
            .init(file: "hooks.py", line: 3, column: nil, severity: .error, message: "SyntaxError: invalid syntax"),
        ])
        // Each traceback of a chain is one diagnostic; a `<string>` frame is no file.
        let chained = """
            Traceback (most recent call last):
              File "/tmp/diag/mkdocs/a.py", line 2, in <module>
                d["k"]
            KeyError: 'k'

            During handling of the above exception, another exception occurred:

            Traceback (most recent call last):
              File "/tmp/diag/mkdocs/b.py", line 9, in f
                exec(code)
              File "<string>", line 1, in <module>
            ValueError: bad

            """
        #expect(mkdocs.parse(chained) == [
            .init(file: "a.py", line: 2, column: nil, severity: .error, message: "KeyError: 'k'"),
            .init(file: "b.py", line: 9, column: nil, severity: .error, message: "ValueError: bad"),
        ])
    }

    @Test func jekyllNamesTheFileAfterTheLiquidMessage() {
        let jekyll = DiagnosticParser(projectFolder: "/tmp/diag/jekyll")
        #expect(jekyll.parse(DiagnosticSamples.jekyllUnclosedTag) == [
            .init(file: "about.md", line: 5, column: nil, severity: .error, message: "Liquid syntax error (line 5): 'if' tag was never closed"),
        ])
        #expect(jekyll.parse(DiagnosticSamples.jekyllLayout) == [
            .init(file: "_layouts/default.html", line: 3, column: nil, severity: .error, message: "Liquid syntax error (line 3): Unknown tag 'foo'"),
        ])
        // No line in the message: the file's first line. The message's own " in " stays in it.
        #expect(jekyll.parse(DiagnosticSamples.jekyllInclude) == [
            .init(file: "about.md", line: 1, column: nil, severity: .error,
                  message: #"Could not locate the included file 'missing.html' in any of ["/tmp/diag/jekyll/_includes"]. Ensure it exists in one of those directories and, if it is a symlink, does not point outside your site source."#),
        ])
    }

    @Test func rustcAndCargoPrintTheLocationBelowTheMessage() {
        let cargo = DiagnosticParser(projectFolder: "/tmp/diag/rs")
        #expect(cargo.parse(DiagnosticSamples.cargo) == [
            .init(file: "src/main.rs", line: 3, column: 20, severity: .error, message: "cannot find value `y` in this scope"),
        ])
        let rustc = DiagnosticParser(projectFolder: "/tmp/diag")
        #expect(rustc.parse(DiagnosticSamples.rustc) == [
            .init(file: "moved.rs", line: 3, column: 9, severity: .warning, message: "unused variable: `w`"),
            .init(file: "moved.rs", line: 4, column: 22, severity: .error, message: "borrow of moved value: `v`"),
        ])
    }

    @Test func goPrintsNoSeverity() {
        let go = DiagnosticParser(projectFolder: "/tmp/diag/go")
        #expect(go.parse(DiagnosticSamples.goBuild) == [
            .init(file: "main.go", line: 6, column: 2, severity: .error, message: "x declared but not used"),
            .init(file: "main.go", line: 7, column: 14, severity: .error, message: "undefined: y"),
        ])
        #expect(go.parse(DiagnosticSamples.goVet) == [
            .init(file: "main.go", line: 7, column: 14, severity: .error, message: "undeclared name: y"),
        ])
        #expect(go.parse(DiagnosticSamples.goPackage) == [
            .init(file: "internal/util/util.go", line: 4, column: 9, severity: .error,
                  message: #"cannot use "s" (untyped string constant) as int value in return statement"#),
        ])
        #expect(go.parse(DiagnosticSamples.goMod) == [
            .init(file: "go.mod", line: 4, column: nil, severity: .error, message: "unknown directive: foo"),
        ])
    }

    // MARK: Paths

    @Test func aBarePathTakesInNothingThatPrecedesIt() {
        let expected = [Diagnostic(file: "src/a.c", line: 3, column: 4, severity: .error, message: "x")]
        for output in [
            "\u{1}\u{2}garbage   src/a.c:3:4: error: x",
            "   src/a.c:3:4: error: x",
            "\t src/a.c:3:4: error: x",
            "\u{FFFD}\u{FFFD}/home/me/app/src/a.c:3:4: error: x",
            "\u{0}[3/10] ./src/a.c:3:4: error: x",
        ] {
            #expect(parser.parse(output) == expected, "\(output.debugDescription)")
        }
        #expect(parser.parse("\u{7F}\u{7F}junk ./main.go:3:2: undefined: x")
            == [.init(file: "main.go", line: 3, column: 2, severity: .error, message: "undefined: x")])
        #expect(parser.parse("\u{1}  src/app.ts(3,7): error TS2322: Type 'string' is not assignable.")
            == [.init(file: "src/app.ts", line: 3, column: 7, severity: .error, message: "TS2322: Type 'string' is not assignable.")])
        // Nothing of a path is left: no diagnostic.
        #expect(parser.parse("\u{1}:3:4: error: x").isEmpty)
    }

    @Test func aPathHasSpacesOnlyInsideTheProjectFolderOrInQuotes() {
        let spaced = DiagnosticParser(projectFolder: "/home/me/My App")
        let expected = [Diagnostic(file: "src/a.c", line: 3, column: 4, severity: .warning, message: "w")]
        #expect(spaced.parse("[3/10] /home/me/My App/src/a.c:3:4: warning: w") == expected)
        #expect(spaced.parse("/home/me/My App/src/a.c:3:4: warning: w") == expected)
        #expect(parser.parse(#"Error: error building site: "/srv/my site/layouts/index.html:3:1": parse failed: x"#)
            == [.init(file: "/srv/my site/layouts/index.html", line: 3, column: 1, severity: .error, message: "parse failed: x")])
        #expect(parser.parse("  File \"/home/me/app/my hooks.py\", line 3, in f\n    x()\nNameError: name 'x' is not defined\n")
            == [.init(file: "my hooks.py", line: 3, column: nil, severity: .error, message: "NameError: name 'x' is not defined")])
    }

    @Test func windowsLineEndings() {
        #expect(parser.parse("src/a.c:1:2: error: a\r\nsrc/b.c:3:4: warning: b\r\n") == [
            .init(file: "src/a.c", line: 1, column: 2, severity: .error, message: "a"),
            .init(file: "src/b.c", line: 3, column: 4, severity: .warning, message: "b"),
        ])
    }
}
