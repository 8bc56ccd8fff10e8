import Foundation
import Testing

@testable import DevServe

/// The JavaScript import lexer: a corpus of tricky sources, real files (the client, esbuild's
/// output), and garbage that must never crash it or make it loop.
@Suite struct ImportLexerTests {
    typealias Found = (kind: ImportSpecifier.Kind, value: String)

    /// A source and exactly what a scan of it must find.
    struct Sample: Sendable, CustomTestStringConvertible {
        let name: String
        let source: String
        let expected: [Found]
        let usesHot: Bool
        let isModule: Bool

        init(_ name: String, _ source: String, _ expected: [Found], hot: Bool = false, module: Bool) {
            self.name = name
            self.source = source
            self.expected = expected
            usesHot = hot
            isModule = module
        }

        var testDescription: String { name }
    }

    /// Scans `source` and checks what it finds: the specifiers (kind and value, in order), that
    /// each range slices back to its value between matching quotes, `usesHot` and `isModule`.
    static func check(_ sample: Sample, sourceLocation: SourceLocation = #_sourceLocation) {
        let bytes = Array(sample.source.utf8)
        let scan = ImportLexer.scan(bytes)
        #expect(
            scan.specifiers.map { "\($0.kind) \($0.value)" } == sample.expected.map { "\($0.kind) \($0.value)" },
            "\(sample.name)", sourceLocation: sourceLocation)
        #expect(scan.usesHot == sample.usesHot, "\(sample.name): usesHot", sourceLocation: sourceLocation)
        #expect(scan.isModule == sample.isModule, "\(sample.name): isModule", sourceLocation: sourceLocation)
        #expect(violation(bytes, scan) == nil, "\(sample.name)", sourceLocation: sourceLocation)
    }

    /// What is wrong with a scan's specifiers, whatever the source: each must lie inside the
    /// source between two equal quotes (`'`, `"` or a backquote), after the previous one (in
    /// source order, not overlapping: `ModuleResponder` rewrites them front to back), and its
    /// value must be its bytes. Nil when nothing is.
    static func violation(_ bytes: [UInt8], _ scan: ModuleScan) -> String? {
        var previousEnd = 0
        for specifier in scan.specifiers {
            let range = specifier.range
            guard range.lowerBound > previousEnd, range.upperBound < bytes.count else {
                return "\(specifier) is out of order or out of bounds (\(bytes.count) bytes)"
            }
            let quote = bytes[range.lowerBound - 1]
            guard [UInt8(ascii: "'"), UInt8(ascii: "\""), UInt8(ascii: "`")].contains(quote), bytes[range.upperBound] == quote
            else {
                return "\(specifier) is not between two equal quotes"
            }
            guard specifier.value == String(decoding: bytes[range], as: UTF8.self) else {
                return "\(specifier)'s value is not its bytes"
            }
            previousEnd = range.upperBound
        }
        return nil
    }

    // MARK: - The corpus

    static let corpus: [Sample] = [
        // Every import form
        Sample("default import", "import x from 'a'", [(.staticImport, "a")], module: true),
        Sample("named imports with a rename", "import {a, b as c} from \"b\"", [(.staticImport, "b")], module: true),
        Sample("namespace import", "import * as n from 'c'", [(.staticImport, "c")], module: true),
        Sample("side-effect import", "import 'd';\nimport\"e\"", [(.staticImport, "d"), (.staticImport, "e")], module: true),
        Sample("default and named", "import x, {y} from 'f'", [(.staticImport, "f")], module: true),
        Sample("default and namespace", "import x, * as y from 'g'", [(.staticImport, "g")], module: true),
        Sample(
            "multi-line list with comments and a trailing comma",
            "import {\n  a, // the first\n  b as /* renamed */ c,\n  default as d,\n} from\n  './list.js';\n",
            [(.staticImport, "./list.js")], module: true),
        Sample(
            "string names in a list",
            "import { \"a-b\" as ab, 'c d' as cd } from './names.js'",
            [(.staticImport, "./names.js")], module: true),
        Sample(
            "no spaces",
            "import{a}from'./a.js';import*as b from\"./b.js\";export*from'./c.js'",
            [(.staticImport, "./a.js"), (.staticImport, "./b.js"), (.reexport, "./c.js")], module: true),
        Sample("a default binding named from", "import from from 'from'", [(.staticImport, "from")], module: true),
        Sample(
            "source and defer phases",
            """
            import source wasm from './m.wasm';
            import defer * as lazy from './lazy.js';
            import defer from './defer.js'
            """,
            [(.staticImport, "./m.wasm"), (.staticImport, "./lazy.js"), (.staticImport, "./defer.js")], module: true),
        Sample("re-export list", "export {a, b as c} from './x.js'", [(.reexport, "./x.js")], module: true),
        Sample("re-export star", "export * from \"./y.js\"", [(.reexport, "./y.js")], module: true),
        Sample(
            "re-export namespace",
            "export * as ns from './z.js'\nexport * as 'string name' from './w.js'",
            [(.reexport, "./z.js"), (.reexport, "./w.js")], module: true),
        Sample(
            "local exports are not re-exports",
            "const a = 1, b = 2;\nexport { a, b as c };\nexport default 'from';\nexport const d = 'x';",
            [], module: true),
        Sample("an export list followed by a string is not a re-export", "export { a }\n'use strict'", [], module: true),
        Sample(
            "dynamic imports",
            "const a = import('./a.js');\nconst b = await import(\"./b.js\");\nimport(`./c.js`).then(run)",
            [(.dynamicImport, "./a.js"), (.dynamicImport, "./b.js"), (.dynamicImport, "./c.js")], module: false),
        Sample(
            "dynamic import with spaces, comments and options",
            "import ( /* lazy */ './a.js' , { with: { type: 'json' } })",
            [(.dynamicImport, "./a.js")], module: false),
        Sample(
            "dynamic imports without a literal are ignored",
            "import(name); import('./a/' + name); import(`./b/${name}.js`); import(); import(cond ? 'a' : 'b')",
            [], module: false),
        Sample(
            "import attributes",
            """
            import data from './data.json' with { type: 'json' };
            import cfg from './cfg.json' assert { type: "json" };
            export { x } from './x.json' with { type: 'json' };
            import('./y.json', { with: { type: 'json' } })
            """,
            [(.staticImport, "./data.json"), (.staticImport, "./cfg.json"), (.reexport, "./x.json"), (.dynamicImport, "./y.json")], module: true),
        Sample(
            "escapes are left as written",
            #"import a from './it\'s.js'; import b from './\u0062.js'"#,
            [(.staticImport, #"./it\'s.js"#), (.staticImport, #"./\u0062.js"#)], module: true),
        Sample(
            "non-ASCII specifiers and byte offsets",
            "// café ☕\nimport a from './café.js'; import('./日本.js')",
            [(.staticImport, "./café.js"), (.dynamicImport, "./日本.js")], module: true),
        Sample(
            "a byte-order mark and a hashbang",
            "\u{FEFF}#!/usr/bin/env node import('./no.js')\nimport './yes.js'",
            [(.staticImport, "./yes.js")], module: true),
        Sample("a hashbang", "#!/usr/bin/env node\nimport('./yes.js')", [(.dynamicImport, "./yes.js")], module: false),
        Sample(
            "Unicode line and space separators",
            "// a comment\u{2028}import('./a.js');\u{A0}import('./b.js')\u{3000}export * from './c.js'",
            [(.dynamicImport, "./a.js"), (.dynamicImport, "./b.js"), (.reexport, "./c.js")], module: true),
        Sample(
            "a regex that looks like comments",
            #"r = /\/\*|\*\//g; import('./a.js'); s = /a\/\/b/; import('./b.js')"#,
            [(.dynamicImport, "./a.js"), (.dynamicImport, "./b.js")], module: false),

        // import.meta
        Sample("import.meta makes a module", "console.log(import.meta.url)", [], module: true),
        Sample("import.meta.hot", "if (import.meta.hot) { import.meta.hot.accept() }", [], hot: true, module: true),
        Sample(
            "import.meta.hot with spaces and optional chaining",
            "import . meta\n  .hot?.accept(); import.meta?.hot",
            [], hot: true, module: true),
        Sample(
            "import.meta.hot in a comment or a string",
            """
            // import.meta.hot
            /* import.meta.hot */ 'import.meta.hot'; "import.meta.hot"; console.log(import.meta.url)
            """,
            [], module: true),
        Sample("import.meta.hot in template text and a regex", "`import.meta.hot`; /import.meta.hot/.test(s)", [], module: false),
        Sample("import.meta.hot inside a template expression", "`${import.meta.hot ? 'hot' : 'cold'}`", [], hot: true, module: true),
        Sample("import.meta.hotter is not hot", "import.meta.hotter; import.meta.env.hot", [], module: true),

        // Text that is not code
        Sample("imports inside strings", #"'import x from "a"'; "import('b')"; 'export * from "c"'"#, [], module: false),
        Sample(
            "imports inside comments",
            "// import x from 'a'\n/* import('b')\nexport * from 'c' */\n/** import.meta */",
            [], module: false),
        Sample("imports inside template text", "`import x from 'a'`; `\n import('b') ${1} export * from 'c'\n`", [], module: false),
        Sample("imports inside regexes", "x = /import('y')/; r = /import x from 'a'/g; s = /export * from \"c\"/", [], module: false),
        Sample(
            "escaped quotes in strings",
            #"s = 'it\'s import("no")'; t = "say \"import('no')\""; u = '\\'; import('./yes.js')"#,
            [(.dynamicImport, "./yes.js")], module: false),
        Sample(
            "a line continuation in a string",
            #"s = 'a\\#nimport("no")'; import('./yes.js')"#,
            [(.dynamicImport, "./yes.js")], module: false),
        Sample(
            "template expressions with strings, templates and braces",
            "t = `a ${ { k: '}' + \"`\" }.k } b ${ `inner ${ `deep ${'}'}` } import('no')` } import('no2') `; import('./yes.js')",
            [(.dynamicImport, "./yes.js")], module: false),
        Sample(
            "a dynamic import inside nested template expressions is code",
            "t = `outer ${ `inner ${ import('./deep.js') } import('text')` } import('text2')`",
            [(.dynamicImport, "./deep.js")], module: false),
        Sample(
            "a template with escapes",
            #"t = `\` import('no') \${ import('no2') }`; import('./yes.js')"#,
            [(.dynamicImport, "./yes.js")], module: false),
        Sample(
            "comment-like text in strings and regexes",
            #"s = '//'; r = /\/*/; import('./yes.js') /* */"#,
            [(.dynamicImport, "./yes.js")], module: false),

        // Regex or division
        Sample(
            "regexes with quotes",
            "r = /['\"]/g; import('./a.js'); q = /\"/; import('./b.js')",
            [(.dynamicImport, "./a.js"), (.dynamicImport, "./b.js")], module: false),
        Sample(
            "a slash in a regex class",
            #"r = /[/]/; import('./a.js'); s = /[\]/']/; import('./b.js')"#,
            [(.dynamicImport, "./a.js"), (.dynamicImport, "./b.js")], module: false),
        Sample("a division chain", "a = b / c / d / e; s = '/'; import('./a.js')", [(.dynamicImport, "./a.js")], module: false),
        Sample(
            "division then a quote",
            "x = a / 2; s = '/'; import('./a.js'); y = 4 / 2 + '/'; import('./b.js')",
            [(.dynamicImport, "./a.js"), (.dynamicImport, "./b.js")], module: false),
        Sample(
            "regex after keywords",
            """
            function f(s) { return /'/.test(s) }
            if (typeof /"/ === 'object') import('./a.js')
            x = void /`/; import('./b.js')
            """,
            [(.dynamicImport, "./a.js"), (.dynamicImport, "./b.js")], module: false),
        Sample("regex after an if condition", "if (ok) /'/.test(s); import('./a.js')", [(.dynamicImport, "./a.js")], module: false),
        Sample(
            "regex after a while condition with nested parentheses",
            "while (f(a, (b))) /'/.exec(s); import('./a.js')",
            [(.dynamicImport, "./a.js")], module: false),
        Sample("regex after a block", "{ }\n/'/.test(s); import('./a.js')", [(.dynamicImport, "./a.js")], module: false),
        Sample(
            "regex after a function body",
            "function f() {}\n/'/.test(s); import('./a.js')",
            [(.dynamicImport, "./a.js")], module: false),
        Sample(
            "division after an object literal's brace",
            "x = {a: 1} / 2; s = '/'; import('./a.js')",
            [(.dynamicImport, "./a.js")], module: false),
        Sample("division assignment", "x /= 2; s = '/'; import('./a.js')", [(.dynamicImport, "./a.js")], module: false),
        Sample(
            "regex with flags then division",
            "n = /a/g.lastIndex / 2; s = '/'; import('./a.js')",
            [(.dynamicImport, "./a.js")], module: false),
        Sample(
            "a regex class with a quote and an escaped bracket",
            #"r = /[\]'/]/; import('./a.js')"#,
            [(.dynamicImport, "./a.js")], module: false),
        Sample("a regex in a template expression", "t = `${ /`/.source }`; import('./a.js')", [(.dynamicImport, "./a.js")], module: false),

        // Not the import keyword
        Sample(
            "identifiers that contain import",
            "myimport('a'); importScripts('b'); import_('c'); $import('d'); _import('e')",
            [], module: false),
        Sample(
            "a property named import",
            "x.import('a'); x?.import('b'); x. import('c'); this.#import; obj = { import: 'd' }",
            [], module: false),
        Sample("spread of a dynamic import", "arr = [...import('./a.js')]", [(.dynamicImport, "./a.js")], module: false),
        Sample("export as an object key is not module syntax", "o = { export: 1, import: 2 }; o.export('a')", [], module: false),
        Sample("a classic script", "(function () {\n  'use strict';\n  var x = 1 / 2;\n  window.y = x;\n})();", [], module: false),

        // Broken sources: what is complete is still found
        Sample("an unterminated string", "s = 'import(\"a\")\nimport('./b.js')", [(.dynamicImport, "./b.js")], module: false),
        Sample("an unterminated comment", "import('./a.js') /* import('b')", [(.dynamicImport, "./a.js")], module: false),
        Sample(
            "an unterminated template",
            "import('./a.js'); `import('b') ${ import('c')",
            [(.dynamicImport, "./a.js"), (.dynamicImport, "c")], module: false),
        Sample(
            "an unterminated regex",
            "import('./a.js'); x = /import('b')\nimport('./c.js')",
            [(.dynamicImport, "./a.js"), (.dynamicImport, "./c.js")], module: false),
        Sample("an unterminated specifier", "import x from './a.js", [], module: false),
        Sample("an import cut short", "import", [], module: false),
    ]

    @Test(arguments: ImportLexerTests.corpus) func corpusSample(_ sample: Sample) {
        Self.check(sample)
    }

    /// After each of these a `/` starts a regex. Each regex holds a quote, so a division here
    /// would open a string that hides the import after it.
    static let regexAfter = [
        "", "(", ",", "=", ":", "[", "!", "&", "|", "?", "{", ";", "+", "-", "*", "%", "<", ">", "^", "~", "&&", "||", "??",
        "=>", "===", "+=", "...", "x = {}\n}", "if (a)", "for (;;)", "with (o)", "while (f(a))", "return", "typeof", "case",
        "do", "else", "in", "instanceof", "new", "delete", "void", "throw", "yield", "await", "export default",
    ]

    @Test(arguments: ImportLexerTests.regexAfter) func slashStartsARegexAfter(_ prefix: String) {
        Self.check(Sample(prefix, "\(prefix) /'/; import('./a.js')", [(.dynamicImport, "./a.js")], module: prefix.hasPrefix("export")))
    }

    /// After each of these a `/` divides. A regex here would run to the `/` of the string after
    /// it and leave its closing quote to open a string that hides the import.
    static let divisionAfter = [
        "b", "(b)", "b[0]", "({})", "{a: 1}", "this", "super", "null", "true", "false", "1", "1.5", ".5", "1e3", "0x1F", "'s'",
        "\"s\"", "`t`", "`${a}`", "/re/", "/re/g", "i++", "i--", "obj.return", "obj?.typeof", "this.#in", "$", "_", "café",
        "f()",
    ]

    @Test(arguments: ImportLexerTests.divisionAfter) func slashDividesAfter(_ prefix: String) {
        Self.check(Sample(prefix, "x = \(prefix) / 2; s = '/'; import('./a.js')", [(.dynamicImport, "./a.js")], module: false))
    }

    @Test func rangesAreUTF8ByteOffsets() {
        let ascii = ImportLexer.scan(Array("import a from './x.js'".utf8))
        #expect(ascii.specifiers == [ImportSpecifier(kind: .staticImport, value: "./x.js", range: 15..<21)])
        // "// é\n" is 6 bytes (é is 2), then `import('` is 8.
        let accented = ImportLexer.scan(Array("// é\nimport('./y.js')".utf8))
        #expect(accented.specifiers == [ImportSpecifier(kind: .dynamicImport, value: "./y.js", range: 14..<20)])
        let empty = ImportLexer.scan([])
        #expect(empty == ModuleScan(specifiers: [], usesHot: false, isModule: false))
    }

    // MARK: - Real files

    /// The client is a classic script (it is injected with `<script src>`, not as a module):
    /// nothing to find and not a module, whatever its regexes (quotes and slashes in classes)
    /// and comments (`import.meta.hot`) hold.
    @Test(arguments: ["devserve.js", "errors.js"])
    func theClientIsAClassicScript(_ file: String) throws {
        let bytes = Array(try Data(contentsOf: repositoryRoot.appendingPathComponent("client-js/\(file)")))
        let scan = ImportLexer.scan(bytes)
        #expect(scan.specifiers == [])
        #expect(!scan.isModule)
        #expect(!scan.usesHot)
    }

    /// The client's Node tests and their support files are real ES modules with static imports.
    @Test func theClientsNodeTestsAreModules() throws {
        let folder = repositoryRoot.appendingPathComponent("client-js")
        let modules = try FileManager.default.subpathsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".mjs") }
        #expect(!modules.isEmpty)
        for path in modules {
            let bytes = Array(try Data(contentsOf: folder.appendingPathComponent(path)))
            let scan = ImportLexer.scan(bytes)
            #expect(scan.isModule, "\(path)")
            #expect(scan.specifiers.contains { $0.kind == .staticImport }, "\(path)")
            #expect(Self.violation(bytes, scan) == nil, "\(path)")
        }
    }

    /// Real output of esbuild 0.17.0 (Debian's `esbuild` package), verbatim, for a small
    /// TypeScript project written for this test in /tmp: `src/main.ts` (below), `src/greet.ts`,
    /// `src/util.ts` (a regex with `/` in a class, a division inside a template, nested
    /// templates, an enum), and lazily imported `src/pages/home.ts` (which imports `../greet`
    /// lazily in turn) and `src/pages/about.ts` (a string that reads `export * from "nowhere"`).
    /// Built three ways:
    ///
    ///     esbuild src/main.ts src/greet.ts src/util.ts src/pages/home.ts src/pages/about.ts \
    ///         --format=esm --bundle=false --outdir=out-esm
    ///     esbuild src/main.ts --bundle --splitting --format=esm --outdir=out-split
    ///     esbuild src/main.ts --bundle --splitting --format=esm --minify --outdir=out-min
    ///
    /// `src/main.ts`:
    ///
    ///     // The entry: lazy routes, a re-exported API, and text that only looks like imports.
    ///     import { greet, type Greeting } from './greet';
    ///     import * as util from './util';
    ///     export * from './util';
    ///     export { greet as hello } from './greet';
    ///
    ///     const routes: Record<string, () => Promise<unknown>> = {
    ///       home: () => import('./pages/home'),
    ///       about: () => import(`./pages/about`),
    ///     };
    ///
    ///     const banner = `Say ${greet({ name: `you ${'/'}` } as Greeting)}: import('./not-a-module') ${util.slug('a/b')}`;
    ///     const quoteLike = /['"`]/g;
    ///     const half = util.total([4, 2]) / 2 / 1;
    ///     const path = '/' + "import('./nope')";
    ///
    ///     export async function open(name: string): Promise<unknown> {
    ///       if (!/^[a-z/]+$/.test(name)) throw new Error(`bad route: ${name.replace(quoteLike, '')}`);
    ///       return routes[name]?.();
    ///     }
    ///
    ///     if (import.meta.hot) {
    ///       import.meta.hot.accept();
    ///     }
    ///     console.log(banner, half, path);
    enum Esbuild {
        /// `out-esm/main.js`
        static let unbundledMain = #"""
            import { greet } from "./greet";
            import * as util from "./util";
            export * from "./util";
            import { greet as greet2 } from "./greet";
            const routes = {
              home: () => import("./pages/home"),
              about: () => import("./pages/about")
            };
            const banner = `Say ${greet({ name: `you ${"/"}` })}: import('./not-a-module') ${util.slug("a/b")}`;
            const quoteLike = /['"`]/g;
            const half = util.total([4, 2]) / 2 / 1;
            const path = "/import('./nope')";
            async function open(name) {
              if (!/^[a-z/]+$/.test(name))
                throw new Error(`bad route: ${name.replace(quoteLike, "")}`);
              return routes[name]?.();
            }
            if (import.meta.hot) {
              import.meta.hot.accept();
            }
            console.log(banner, half, path);
            export {
              greet2 as hello,
              open
            };

            """#

        /// `out-esm/util.js`
        static let unbundledUtil = #"""
            const slug = (s) => s.toLowerCase().replace(/[/\\ ]+/g, "-");
            function total(xs) {
              return xs.reduce((a, b) => a + b, 0);
            }
            const describe = (xs) => `${xs.length} items, mean ${total(xs) / xs.length} (${xs.map((x) => `<${x}>`).join("")})`;
            var Color = /* @__PURE__ */ ((Color2) => {
              Color2[Color2["Red"] = 0] = "Red";
              Color2["Green"] = "green";
              return Color2;
            })(Color || {});
            export {
              Color,
              describe,
              slug,
              total
            };

            """#

        /// `out-esm/pages/home.js`
        static let unbundledHome = #"""
            import { describe } from "../util";
            function home() {
              const lazy = import("../greet");
              return describe([1, 2, 3]);
            }
            export {
              home as default
            };

            """#

        /// `out-split/main.js`
        static let splitMain = #"""
            import {
              greet
            } from "./chunk-3XBOX2FV.js";
            import {
              Color,
              describe,
              slug,
              total
            } from "./chunk-6VNEUDKV.js";

            // src/main.ts
            var routes = {
              home: () => import("./home-Z64SEZE7.js"),
              about: () => import("./about-CEPWG4T5.js")
            };
            var banner = `Say ${greet({ name: `you ${"/"}` })}: import('./not-a-module') ${slug("a/b")}`;
            var quoteLike = /['"`]/g;
            var half = total([4, 2]) / 2 / 1;
            var path = "/import('./nope')";
            async function open(name) {
              if (!/^[a-z/]+$/.test(name))
                throw new Error(`bad route: ${name.replace(quoteLike, "")}`);
              return routes[name]?.();
            }
            if (import.meta.hot) {
              import.meta.hot.accept();
            }
            console.log(banner, half, path);
            export {
              Color,
              describe,
              greet as hello,
              open,
              slug,
              total
            };

            """#

        /// `out-split/home-Z64SEZE7.js`
        static let splitHome = #"""
            import {
              describe
            } from "./chunk-6VNEUDKV.js";

            // src/pages/home.ts
            function home() {
              const lazy = import("./greet-KPPB7QUR.js");
              return describe([1, 2, 3]);
            }
            export {
              home as default
            };

            """#

        /// `out-split/greet-KPPB7QUR.js`
        static let splitGreet = #"""
            import {
              greet
            } from "./chunk-3XBOX2FV.js";
            export {
              greet
            };

            """#

        /// `out-split/chunk-6VNEUDKV.js`
        static let splitChunk = #"""
            // src/util.ts
            var slug = (s) => s.toLowerCase().replace(/[/\\ ]+/g, "-");
            function total(xs) {
              return xs.reduce((a, b) => a + b, 0);
            }
            var describe = (xs) => `${xs.length} items, mean ${total(xs) / xs.length} (${xs.map((x) => `<${x}>`).join("")})`;
            var Color = /* @__PURE__ */ ((Color2) => {
              Color2[Color2["Red"] = 0] = "Red";
              Color2["Green"] = "green";
              return Color2;
            })(Color || {});

            export {
              slug,
              total,
              describe,
              Color
            };

            """#

        /// `out-min/main.js`
        static let minifiedMain = #"""
            import{a as t}from"./chunk-MSFA2YPD.js";import{a as r,b as e,c as s,d as u}from"./chunk-XQW2VYA6.js";var n={home:()=>import("./home-47FVKUGO.js"),about:()=>import("./about-XAJ44RWY.js")},i=`Say ${t({name:"you /"})}: import('./not-a-module') ${r("a/b")}`,a=/['"`]/g,m=e([4,2])/2/1,p="/import('./nope')";async function g(o){if(!/^[a-z/]+$/.test(o))throw new Error(`bad route: ${o.replace(a,"")}`);return n[o]?.()}import.meta.hot&&import.meta.hot.accept();console.log(i,m,p);export{u as Color,s as describe,t as hello,g as open,r as slug,e as total};

            """#

        /// `out-min/home-47FVKUGO.js`
        static let minifiedHome = #"""
            import{c as o}from"./chunk-XQW2VYA6.js";function t(){let r=import("./greet-RSOPOENQ.js");return o([1,2,3])}export{t as default};

            """#

        /// `out-min/chunk-XQW2VYA6.js`
        static let minifiedChunk = #"""
            var m=e=>e.toLowerCase().replace(/[/\\ ]+/g,"-");function r(e){return e.reduce((t,n)=>t+n,0)}var c=e=>`${e.length} items, mean ${r(e)/e.length} (${e.map(t=>`<${t}>`).join("")})`,u=(n=>(n[n.Red=0]="Red",n.Green="green",n))(u||{});export{m as a,r as b,c,u as d};

            """#
    }

    static let esbuildOutputs: [Sample] = [
        Sample(
            "esbuild --bundle=false: main.js",
            Esbuild.unbundledMain,
            [(.staticImport, "./greet"), (.staticImport, "./util"), (.reexport, "./util"), (.staticImport, "./greet"), (.dynamicImport, "./pages/home"), (.dynamicImport, "./pages/about")], hot: true, module: true),
        Sample("esbuild --bundle=false: util.js", Esbuild.unbundledUtil, [], module: true),
        Sample(
            "esbuild --bundle=false: pages/home.js",
            Esbuild.unbundledHome,
            [(.staticImport, "../util"), (.dynamicImport, "../greet")], module: true),
        Sample(
            "esbuild --splitting: main.js",
            Esbuild.splitMain,
            [(.staticImport, "./chunk-3XBOX2FV.js"), (.staticImport, "./chunk-6VNEUDKV.js"), (.dynamicImport, "./home-Z64SEZE7.js"), (.dynamicImport, "./about-CEPWG4T5.js")], hot: true, module: true),
        Sample(
            "esbuild --splitting: home-Z64SEZE7.js",
            Esbuild.splitHome,
            [(.staticImport, "./chunk-6VNEUDKV.js"), (.dynamicImport, "./greet-KPPB7QUR.js")], module: true),
        Sample("esbuild --splitting: greet-KPPB7QUR.js", Esbuild.splitGreet, [(.staticImport, "./chunk-3XBOX2FV.js")], module: true),
        Sample("esbuild --splitting: chunk-6VNEUDKV.js", Esbuild.splitChunk, [], module: true),
        Sample(
            "esbuild --splitting --minify: main.js",
            Esbuild.minifiedMain,
            [(.staticImport, "./chunk-MSFA2YPD.js"), (.staticImport, "./chunk-XQW2VYA6.js"), (.dynamicImport, "./home-47FVKUGO.js"), (.dynamicImport, "./about-XAJ44RWY.js")], hot: true, module: true),
        Sample(
            "esbuild --splitting --minify: home-47FVKUGO.js",
            Esbuild.minifiedHome,
            [(.staticImport, "./chunk-XQW2VYA6.js"), (.dynamicImport, "./greet-RSOPOENQ.js")], module: true),
        Sample("esbuild --splitting --minify: chunk-XQW2VYA6.js", Esbuild.minifiedChunk, [], module: true),
    ]

    @Test(arguments: ImportLexerTests.esbuildOutputs) func esbuildOutput(_ sample: Sample) {
        Self.check(sample)
    }

    /// tsc could not be used: Debian's `node-typescript` does not install on this machine. This
    /// sample is HAND-WRITTEN in the style of tsc's output for `--target ES2020 --module ES2020`
    /// (four-space indents, double quotes, an enum as an IIFE, `export * as ns`, kept template
    /// literals and `import()`, a trailing `//# sourceMappingURL`). It is not real tsc output.
    static let tscStyleSample = #"""
        import { render } from "./view.js";
        import * as store from "./store.js";
        export * from "./types.js";
        export * as format from "./format.js";
        export { default as Button } from "./button.js";
        export var Mode;
        (function (Mode) {
            Mode[Mode["Light"] = 0] = "Light";
            Mode[Mode["Dark"] = 1] = "Dark";
        })(Mode || (Mode = {}));
        export class Counter {
            constructor(start = 0) {
                this.count = start;
            }
            get ratio() {
                return this.count / 100 / 2;
            }
            label() {
                return `count: ${this.count} of ${`${store.limit}`} (import("./not-this.js"))`;
            }
        }
        const comments = /\/\*|\*\//g;
        export async function load(page) {
            const module = await import(`./pages/${page}.js`);
            const settings = await import("./settings.js");
            return module.default(settings, render, comments);
        }
        if (import.meta.hot) {
            import.meta.hot.dispose((data) => {
                data.count = store.count;
            });
        }
        //# sourceMappingURL=main.js.map

        """#

    @Test func tscStyleOutput() {
        Self.check(Sample(
            "hand-written tsc ES2020 style", Self.tscStyleSample,
            [
                (.staticImport, "./view.js"), (.staticImport, "./store.js"), (.reexport, "./types.js"), (.reexport, "./format.js"),
                (.reexport, "./button.js"), (.dynamicImport, "./settings.js"),
            ],
            hot: true, module: true))
    }

    // MARK: - Garbage in, nothing out

    /// Pieces of JavaScript that open and close things, glued together at random with random bytes.
    static let pieceTexts: [String] = [
        "import", "export", "from", "as", "meta", "hot", "return", "if", "default", "'./x.js'", "\"y\"", ".", "?.", "...",
        "'", "\"", "`", "${", "{", "}", "(", ")", "[", "]", "/", "//", "/*", "*/", "*", "\\", "\n", "\r", " ", ",", ";",
        "=", "=>", "++", "#!", "#", "a", "1", "é", "\u{2028}", "\u{A0}", "\u{FEFF}",
    ]
    static let pieces = pieceTexts.map { Array($0.utf8) }

    static func randomSource(_ random: inout SplitMix64) -> [UInt8] {
        var bytes: [UInt8] = []
        for _ in 0..<Int.random(in: 0...60, using: &random) {
            if Bool.random(using: &random) {
                bytes += pieces.randomElement(using: &random)!
            } else {
                bytes.append(UInt8.random(in: 0...255, using: &random))
            }
        }
        return bytes
    }

    @Test func randomSourcesNeverBreakTheScan() {
        var random = SplitMix64(seed: 17)  // the generator of RobustnessTests.swift
        for round in 0..<20_000 {
            let bytes = Self.randomSource(&random)
            let scan = ImportLexer.scan(bytes)
            if let violation = Self.violation(bytes, scan) {
                Issue.record("round \(round), \(bytes): \(violation)")
                return
            }
        }
    }

    /// Every corpus sample and real output, cut at random places and with random bytes replaced:
    /// the scan ends and its specifiers stay where they can be.
    @Test func truncatedAndMangledSourcesNeverBreakTheScan() {
        var random = SplitMix64(seed: 42)
        let sources = (Self.corpus + Self.esbuildOutputs).map { Array($0.source.utf8) } + [Array(Self.tscStyleSample.utf8)]
        for source in sources {
            for _ in 0..<40 {
                var bytes = Array(source.prefix(Int.random(in: 0...source.count, using: &random)))
                if !bytes.isEmpty && Bool.random(using: &random) {
                    bytes[Int.random(in: 0..<bytes.count, using: &random)] = UInt8.random(in: 0...255, using: &random)
                }
                if let violation = Self.violation(bytes, ImportLexer.scan(bytes)) {
                    Issue.record("\(String(decoding: bytes, as: UTF8.self).debugDescription): \(violation)")
                    return
                }
            }
        }
    }

    /// Inputs that would make a careless look-ahead quadratic, or a recursive lexer overflow its
    /// stack, each about a megabyte; the time limit catches a scan that is not linear.
    @Test(.timeLimit(.minutes(1)), arguments: [
        "import{a,", "import ", "import(", "import.meta.", "export{a,", "export*as ", "import{import,", "((((", "{{{{",
        "`${", "${`", "a/", "/[", "'\\'", "x = /", "/* ", "// ", "import x from ",
    ])
    func pathologicalInputsScanInLinearTime(_ unit: String) {
        let bytes = Array(String(repeating: unit, count: 1_000_000 / unit.utf8.count).utf8)
        #expect(Self.violation(bytes, ImportLexer.scan(bytes)) == nil)
    }

    /// A bundle-sized source (the esbuild outputs over and over, about 2 MB) finds every
    /// specifier of every copy.
    @Test(.timeLimit(.minutes(1))) func aLargeSourceFindsEverything() {
        let outputs = Self.esbuildOutputs
        let copies = 2_000_000 / outputs.map(\.source.utf8.count).reduce(0, +)
        let bytes = Array(String(repeating: outputs.map(\.source).joined(separator: "\n;\n"), count: copies).utf8)
        let scan = ImportLexer.scan(bytes)
        #expect(scan.specifiers.count == copies * outputs.map(\.expected.count).reduce(0, +))
        #expect(Self.violation(bytes, scan) == nil)
    }
}
