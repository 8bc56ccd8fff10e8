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
}
