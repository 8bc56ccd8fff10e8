/// One module specifier found in a JavaScript source.
struct ImportSpecifier: Equatable, Sendable {
    enum Kind: Equatable, Sendable { case staticImport, reexport, dynamicImport }
    let kind: Kind
    /// The specifier's text as written between the quotes (escapes left as they are; devserve
    /// only rewrites specifiers without backslashes).
    let value: String
    /// Byte offsets in the UTF-8 source of the text between the quotes (excluding the quotes).
    let range: Range<Int>
}

/// What a scan of a JavaScript source found.
struct ModuleScan: Equatable, Sendable {
    var specifiers: [ImportSpecifier]
    /// The source mentions `import.meta.hot` (as code, not inside a string, comment, template text or regex).
    var usesHot: Bool
    /// The source has static import/export syntax or import.meta (so it can only be an ES module).
    var isModule: Bool
}

/// Finds the module specifiers of a JavaScript source, without parsing it: `import … from 'x'`,
/// `import 'x'`, `export … from 'x'`, `import('x')` with a literal argument, and `import.meta`.
///
/// It is a tokenizer that knows just enough to never mistake text for code: it skips strings,
/// comments, template text (but lexes the code in `${…}`, however deeply nested) and regular
/// expressions. Only where an `import` or `export` keyword stands does it look ahead, over
/// whitespace and comments, for the few shapes above; anything else is left alone.
///
/// The traps:
/// - A `/` is a regex or a division depending on the token before it (see `Context`). Getting
///   it wrong turns `a / b; s = '/'` into a regex that swallows a quote, and the rest of the file
///   is read inside out.
/// - A `}` either closes a block (a regex may follow), closes an object literal (a division may
///   follow) or resumes a template's text. A stack of open braces says which; a `{` opens an
///   object literal where an expression is expected (after `=`, `(`, `,`, `:`, `return`, …),
///   else a block. (So a regex right after a `case 1: { … }` block is misread as a division;
///   code rarely puts one there.)
/// - After `)`, a regex may follow only when the parentheses were an `if`, `while`, `for` or
///   `with` condition: `if (ok) /x/.test(s)`. A stack of open parentheses says which.
/// - `import` and `return` after `.`, `?.` or `#` are property names (`x.import('a')`), and
///   `myimport` or `importScripts` are other names altogether: words are read whole.
/// - An unescaped line break ends an unterminated string or regex, so one stray quote spoils one
///   line, not the whole file.
///
/// Every byte is looked at a bounded number of times (the look-ahead at a keyword stops at the
/// first token that does not fit, and a successful one is skipped over), so the scan is linear,
/// and it works on the bytes themselves: no `Character`, no `Regex`. Any input is fine: what is
/// unterminated simply ends the scan.
enum ImportLexer {
    /// The specifiers come in source order and never overlap.
    static func scan(_ source: [UInt8]) -> ModuleScan {
        source.withUnsafeBufferPointer { bytes in
            var lexer = Lexer(bytes)
            lexer.run()
            return lexer.result
        }
    }
}

/// What the previous significant token says about the next `/`, `{`, `(` or name.
private enum Context {
    /// The start of a statement: the source's start, `;`, a block's `{` or `}`, `=>`, `else`, `do`,
    /// or the `)` of an `if (…)` condition. A `/` starts a regex; a `{` opens a block.
    case statement
    /// After a value: a name, a number, a literal, `)`, `]`, an object literal's `}`, a postfix
    /// `++`/`--` (a regex cannot be incremented, so `i++ / 2` is the likely reading). A `/` divides.
    case value
    /// After an operator, `(`, `[`, `,`, `:`, `?`, or a keyword that takes an expression
    /// (`return`, `typeof`, `in`, `new`, …). A `/` starts a regex; a `{` opens an object literal.
    case expression
    /// After `.`, `?.` or `#`: the next name is a property (or private) name, never a keyword.
    case member
    /// After `if`, `while`, `for` or `with`: the `(` that follows opens a condition.
    case condition

    var slashStartsRegex: Bool { self == .statement || self == .expression || self == .condition }
}

/// What an open `{` (or `${`) is, so its `}` knows what comes next.
private enum Brace {
    case block, object, templateExpression
}

/// One scan. The main loop keeps the token context and the stacks of open braces and
/// parentheses; the look-aheads at `import` and `export` only read, from a position.
private struct Lexer {
    let bytes: UnsafeBufferPointer<UInt8>
    let count: Int
    var result = ModuleScan(specifiers: [], usesHot: false, isModule: false)

    init(_ bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
        count = bytes.count
    }

    /// The byte at `index`, or 0 past the end (0 is nothing the lexer looks for).
    func byte(_ index: Int) -> UInt8 {
        index < count ? bytes[index] : 0
    }

    // MARK: - The main loop

    mutating func run() {
        var index = 0
        // A byte-order mark, then a `#!` line, are not code.
        if byte(0) == 0xEF && byte(1) == 0xBB && byte(2) == 0xBF { index = 3 }
        if byte(index) == UInt8(ascii: "#") && byte(index + 1) == UInt8(ascii: "!") {
            index = lineCommentEnd(index + 2)
        }
        var context = Context.statement
        var braces: [Brace] = []
        var conditionParens: [Bool] = []

        while index < count {
            let current = bytes[index]
            switch current {
            case 0x20, 0x09, 0x0A, 0x0B, 0x0C, 0x0D:
                index += 1
            case UInt8(ascii: "/"):
                let next = byte(index + 1)
                if next == UInt8(ascii: "/") {
                    index = lineCommentEnd(index + 2)
                } else if next == UInt8(ascii: "*") {
                    index = blockCommentEnd(index + 2)
                } else if context.slashStartsRegex {
                    index = regexEnd(index + 1)
                    context = .value
                } else {
                    index += 1
                    context = .expression
                }
            case UInt8(ascii: "'"), UInt8(ascii: "\""):
                index = stringEnd(index).end
                context = .value
            case UInt8(ascii: "`"):
                index = templateText(from: index + 1, braces: &braces, context: &context)
            case UInt8(ascii: "{"):
                braces.append(context == .expression ? .object : .block)
                index += 1
                context = .statement
            case UInt8(ascii: "}"):
                switch braces.popLast() ?? .block {
                case .templateExpression:
                    index = templateText(from: index + 1, braces: &braces, context: &context)
                case .block:
                    index += 1
                    context = .statement
                case .object:
                    index += 1
                    context = .value
                }
            case UInt8(ascii: "("):
                conditionParens.append(context == .condition)
                index += 1
                context = .expression
            case UInt8(ascii: ")"):
                let closesCondition = conditionParens.popLast() ?? false
                index += 1
                context = closesCondition ? .statement : .value
            case UInt8(ascii: "]"):
                index += 1
                context = .value
            case UInt8(ascii: ";"):
                index += 1
                context = .statement
            case UInt8(ascii: "."):
                if byte(index + 1) == UInt8(ascii: ".") && byte(index + 2) == UInt8(ascii: ".") {
                    index += 3  // spread: `...import('a')` is still an import
                    context = .expression
                } else if isDigit(byte(index + 1)) {
                    index = wordEnd(index + 1)  // `.5`
                    context = .value
                } else {
                    index += 1
                    context = .member
                }
            case UInt8(ascii: "?"):
                // `?.` is optional chaining, but `a?.5:b` is a conditional.
                if byte(index + 1) == UInt8(ascii: ".") && !isDigit(byte(index + 2)) {
                    index += 2
                    context = .member
                } else {
                    index += 1
                    context = .expression
                }
            case UInt8(ascii: "#"):
                index += 1
                context = .member
            case UInt8(ascii: "+"), UInt8(ascii: "-"):
                if byte(index + 1) == current {
                    index += 2
                    context = .value
                } else {
                    index += 1
                    context = .expression
                }
            case UInt8(ascii: "=") where byte(index + 1) == UInt8(ascii: ">"):
                index += 2
                context = .statement
            case _ where isWordByte(current):
                let space = unicodeSpaceLength(index)
                if space > 0 {
                    index += space
                    continue
                }
                let end = max(wordEnd(index), index + 1)
                if context == .member || isDigit(current) {
                    index = end
                    context = .value
                } else if matches(index..<end, "import") {
                    index = afterImport(end)
                    context = .value
                } else if matches(index..<end, "export") {
                    index = afterExport(end)
                    context = index == end ? .statement : .value
                } else {
                    context = keywordContext(index..<end)
                    index = end
                }
            default:
                index += 1
                context = .expression
            }
        }
    }

    /// The context a name or keyword (not after `.`) leaves behind.
    func keywordContext(_ word: Range<Int>) -> Context {
        // Every keyword that matters is lowercase ASCII; most names are not worth comparing.
        let first = bytes[word.lowerBound]
        guard first >= UInt8(ascii: "a") && first <= UInt8(ascii: "z"), word.count <= 10 else { return .value }
        if Self.expressionKeywords.contains(where: { matches(word, $0) }) { return .expression }
        if matches(word, "else") || matches(word, "do") { return .statement }
        if Self.conditionKeywords.contains(where: { matches(word, $0) }) { return .condition }
        return .value
    }

    /// Keywords after which a `/` starts a regex and a `{` opens an object literal.
    /// (`this`, `super`, `null`, `true` and `false` end an expression, like any name.)
    static let expressionKeywords: [StaticString] = [
        "return", "typeof", "case", "in", "instanceof", "new", "delete", "void", "throw", "yield", "await", "default",
    ]

    static let conditionKeywords: [StaticString] = ["if", "while", "for", "with"]

    /// Words after `export` that make a source a module (`export` as an object key or a method
    /// name, `{ export: 1 }`, does not).
    static let exportedDeclarations: [StaticString] = ["default", "var", "let", "const", "function", "class", "async"]

    // MARK: - import and export

    /// After the `import` keyword ending at `end`: records a static import (and returns where
    /// its specifier ends, to go on from there), a dynamic import with a literal argument, or
    /// `import.meta` (both go on right after the keyword: their tokens are ordinary code).
    mutating func afterImport(_ end: Int) -> Int {
        let next = triviaEnd(end)
        switch byte(next) {
        case UInt8(ascii: "("):
            if let value = dynamicArgument(next + 1) { record(.dynamicImport, value) }
        case UInt8(ascii: "."):
            importMeta(next + 1)
        default:
            if let found = importClause(next, phaseAllowed: true) {
                record(.staticImport, found.value)
                result.isModule = true
                return found.end
            }
        }
        return end
    }

    /// After the `export` keyword ending at `end`: records a re-export and returns where its
    /// specifier ends, or returns `end` (a local export's tokens are ordinary code).
    mutating func afterExport(_ end: Int) -> Int {
        let next = triviaEnd(end)
        let word = next..<wordAt(next)
        let first = byte(next)
        if first == UInt8(ascii: "{") || first == UInt8(ascii: "*")
            || Self.exportedDeclarations.contains(where: { matches(word, $0) })
        {
            result.isModule = true
        }
        if let found = reexport(next) {
            record(.reexport, found.value)
            return found.end
        }
        return end
    }

    mutating func record(_ kind: ImportSpecifier.Kind, _ range: Range<Int>) {
        let value = String(decoding: UnsafeBufferPointer(rebasing: bytes[range]), as: UTF8.self)
        result.specifiers.append(ImportSpecifier(kind: kind, value: value, range: range))
    }

    /// A specifier and the index after its closing quote.
    typealias Found = (value: Range<Int>, end: Int)

    /// What follows `import` (and trivia) at `index`: `'x'`, `{…} from 'x'`, `* as n from 'x'`,
    /// `d from 'x'`, `d, {…} from 'x'`, `d, * as n from 'x'`, and the phases of
    /// `import source d from 'x'` and `import defer * as n from 'x'`.
    func importClause(_ index: Int, phaseAllowed: Bool) -> Found? {
        switch byte(index) {
        case UInt8(ascii: "'"), UInt8(ascii: "\""):
            return quoted(index)
        case UInt8(ascii: "{"):
            return namedListEnd(index + 1).flatMap(fromClause)
        case UInt8(ascii: "*"):
            return namespaceEnd(index + 1).flatMap(fromClause)
        default:
            let bindingEnd = wordAt(index)
            guard bindingEnd > index else { return nil }
            let after = triviaEnd(bindingEnd)
            if byte(after) == UInt8(ascii: ",") {
                let next = triviaEnd(after + 1)
                switch byte(next) {
                case UInt8(ascii: "{"): return namedListEnd(next + 1).flatMap(fromClause)
                case UInt8(ascii: "*"): return namespaceEnd(next + 1).flatMap(fromClause)
                default: return nil
                }
            }
            // `import defer from 'x'` imports a default named `defer`; only without `from` is it a phase.
            if let found = fromClause(after) { return found }
            let word = index..<bindingEnd
            if phaseAllowed && (matches(word, "source") || matches(word, "defer")) {
                return importClause(after, phaseAllowed: false)
            }
            return nil
        }
    }

    /// What follows `export` (and trivia) at `index`, when it re-exports: `* from 'x'`,
    /// `* as n from 'x'`, `{…} from 'x'`.
    func reexport(_ index: Int) -> Found? {
        switch byte(index) {
        case UInt8(ascii: "*"):
            let next = triviaEnd(index + 1)
            guard matches(next..<wordAt(next), "as") else { return fromClause(next) }
            return nameOrStringEnd(triviaEnd(next + 2)).flatMap(fromClause)
        case UInt8(ascii: "{"):
            return namedListEnd(index + 1).flatMap(fromClause)
        default:
            return nil
        }
    }

    /// `from 'x'` after trivia at `index`.
    func fromClause(_ index: Int) -> Found? {
        let start = triviaEnd(index)
        guard matches(start..<wordAt(start), "from") else { return nil }
        return quoted(triviaEnd(start + 4))
    }

    /// From just after `{`: the index after the `}` of `{ a, b as c, "d-e" as f, }`.
    func namedListEnd(_ index: Int) -> Int? {
        var index = triviaEnd(index)
        while byte(index) != UInt8(ascii: "}") {
            guard let nameEnd = nameOrStringEnd(index) else { return nil }
            index = triviaEnd(nameEnd)
            if matches(index..<wordAt(index), "as") {
                guard let aliasEnd = nameOrStringEnd(triviaEnd(index + 2)) else { return nil }
                index = triviaEnd(aliasEnd)
            }
            if byte(index) == UInt8(ascii: ",") {
                index = triviaEnd(index + 1)
            } else if byte(index) != UInt8(ascii: "}") {
                return nil
            }
        }
        return index + 1
    }

    /// From just after `*`: the index after `as name`.
    func namespaceEnd(_ index: Int) -> Int? {
        let start = triviaEnd(index)
        guard matches(start..<wordAt(start), "as") else { return nil }
        return nameOrStringEnd(triviaEnd(start + 2))
    }

    /// The index after a name or a string at `index` (ES2022 allows `{ "a-b" as c }`).
    func nameOrStringEnd(_ index: Int) -> Int? {
        if let found = quoted(index) { return found.end }
        let end = wordAt(index)
        return end > index ? end : nil
    }

    /// From just after `import(`: a `'…'`, `"…"` or `` `…` `` literal (a template without `${`),
    /// then `)` or the `,` of an options argument. Anything else (`import(name)`,
    /// `import('./' + name)`) is not a specifier devserve could know.
    func dynamicArgument(_ index: Int) -> Range<Int>? {
        let start = triviaEnd(index)
        let literal: Found
        switch byte(start) {
        case UInt8(ascii: "'"), UInt8(ascii: "\""):
            guard let found = quoted(start) else { return nil }
            literal = found
        case UInt8(ascii: "`"):
            var end = start + 1
            while end < count && bytes[end] != UInt8(ascii: "`") {
                if bytes[end] == UInt8(ascii: "$") && byte(end + 1) == UInt8(ascii: "{") { return nil }
                end += bytes[end] == UInt8(ascii: "\\") ? 2 : 1
            }
            guard end < count else { return nil }
            literal = (start + 1..<end, end + 1)
        default:
            return nil
        }
        let after = byte(triviaEnd(literal.end))
        return after == UInt8(ascii: ")") || after == UInt8(ascii: ",") ? literal.value : nil
    }

    /// From just after `import.`: `meta` makes a module; `.hot` (or `?.hot`) after it uses hot updates.
    mutating func importMeta(_ index: Int) {
        let meta = triviaEnd(index)
        guard matches(meta..<wordAt(meta), "meta") else { return }
        result.isModule = true
        var dot = triviaEnd(meta + 4)
        if byte(dot) == UInt8(ascii: "?") { dot += 1 }
        guard byte(dot) == UInt8(ascii: ".") else { return }
        let hot = triviaEnd(dot + 1)
        if matches(hot..<wordAt(hot), "hot") { result.usesHot = true }
    }

    // MARK: - Tokens

    /// From an opening quote: the index after the string, and whether its closing quote ended
    /// it (rather than a line break or the end of the source).
    func stringEnd(_ start: Int) -> (end: Int, closed: Bool) {
        let quote = bytes[start]
        var index = start + 1
        while index < count {
            switch bytes[index] {
            case quote:
                return (index + 1, true)
            case UInt8(ascii: "\\"):
                // Skips the escaped byte; `\` CR LF is one line continuation.
                index += byte(index + 1) == 0x0D && byte(index + 2) == 0x0A ? 3 : 2
            case 0x0A, 0x0D:
                return (index, false)
            default:
                index += 1
            }
        }
        return (count, false)
    }

    /// A complete `'…'` or `"…"` at `index`: the text between the quotes and the index after.
    func quoted(_ index: Int) -> Found? {
        let first = byte(index)
        guard first == UInt8(ascii: "'") || first == UInt8(ascii: "\"") else { return nil }
        let (end, closed) = stringEnd(index)
        guard closed else { return nil }
        return (index + 1..<end - 1, end)
    }

    /// Template text from `index` (after `` ` `` or the `}` of `${…}`) to its end or its next
    /// `${`, which opens a template expression on the brace stack.
    func templateText(from index: Int, braces: inout [Brace], context: inout Context) -> Int {
        var index = index
        while index < count {
            switch bytes[index] {
            case UInt8(ascii: "\\"):
                index += 2
            case UInt8(ascii: "`"):
                context = .value
                return index + 1
            case UInt8(ascii: "$") where byte(index + 1) == UInt8(ascii: "{"):
                braces.append(.templateExpression)
                context = .expression
                return index + 2
            default:
                index += 1
            }
        }
        return count
    }

    /// From just after the opening `/`: the index after the closing `/` (flags are read as a
    /// name next). Inside a class, `/` does not end it: `/[/]/`. A line break ends an
    /// unterminated regex.
    func regexEnd(_ start: Int) -> Int {
        var index = start
        var inClass = false
        while index < count {
            switch bytes[index] {
            case UInt8(ascii: "\\"):
                let escaped = byte(index + 1)
                if escaped == 0x0A || escaped == 0x0D { return index + 1 }
                index += 2
            case 0x0A, 0x0D:
                return index
            case UInt8(ascii: "["):
                inClass = true
                index += 1
            case UInt8(ascii: "]"):
                inClass = false
                index += 1
            case UInt8(ascii: "/") where !inClass:
                return index + 1
            default:
                index += 1
            }
        }
        return count
    }

    /// From just after `//`: the line break that ends the comment (LF, CR, U+2028, U+2029).
    func lineCommentEnd(_ start: Int) -> Int {
        var index = start
        while index < count {
            let current = bytes[index]
            if current == 0x0A || current == 0x0D || (current == 0xE2 && isLineSeparator(index)) { return index }
            index += 1
        }
        return count
    }

    /// From just after `/*`: the index after `*/`.
    func blockCommentEnd(_ start: Int) -> Int {
        var index = start
        while index + 1 < count {
            if bytes[index] == UInt8(ascii: "*") && bytes[index + 1] == UInt8(ascii: "/") { return index + 2 }
            index += 1
        }
        return count
    }

    /// The first index from `start` that is not whitespace or a comment.
    func triviaEnd(_ start: Int) -> Int {
        var index = start
        while index < count {
            let current = bytes[index]
            switch current {
            case 0x20, 0x09, 0x0A, 0x0B, 0x0C, 0x0D:
                index += 1
            case UInt8(ascii: "/") where byte(index + 1) == UInt8(ascii: "/"):
                index = lineCommentEnd(index + 2)
            case UInt8(ascii: "/") where byte(index + 1) == UInt8(ascii: "*"):
                index = blockCommentEnd(index + 2)
            case 0x80...:
                let space = unicodeSpaceLength(index)
                guard space > 0 else { return index }
                index += space
            default:
                return index
            }
        }
        return count
    }

    /// The end of the name (or number) that starts at `start`.
    func wordEnd(_ start: Int) -> Int {
        var index = start
        while index < count && isWordByte(bytes[index]) && unicodeSpaceLength(index) == 0 { index += 1 }
        return index
    }

    /// The end of the name at `index`, or `index` if none starts there (a digit does not).
    func wordAt(_ index: Int) -> Int {
        index < count && !isDigit(bytes[index]) && isWordByte(bytes[index]) ? wordEnd(index) : index
    }

    /// Whether the bytes at `range` are `word`.
    func matches(_ range: Range<Int>, _ word: StaticString) -> Bool {
        guard range.count == word.utf8CodeUnitCount, range.upperBound <= count else { return false }
        return word.withUTF8Buffer { text in
            for offset in 0..<text.count where bytes[range.lowerBound + offset] != text[offset] { return false }
            return true
        }
    }

    /// Bytes that may be part of a name: ASCII letters, digits, `$`, `_`, `\` (of `\u0061`),
    /// and every non-ASCII byte (names may be any Unicode letter; the Unicode spaces are
    /// told apart by ``unicodeSpaceLength(_:)``).
    func isWordByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
            UInt8(ascii: "$"), UInt8(ascii: "_"), UInt8(ascii: "\\"), 0x80...:
            return true
        default:
            return false
        }
    }

    func isDigit(_ byte: UInt8) -> Bool {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
    }

    /// The length of the UTF-8 whitespace or line terminator at `index` that JavaScript counts
    /// as a space (U+00A0, U+FEFF, U+1680, U+2000–U+200A, U+2028, U+2029, U+202F, U+205F,
    /// U+3000), or 0.
    func unicodeSpaceLength(_ index: Int) -> Int {
        let first = bytes[index]
        guard first >= 0xC2 else { return 0 }
        let second = byte(index + 1)
        let third = byte(index + 2)
        switch (first, second) {
        case (0xC2, 0xA0): return 2
        case (0xEF, 0xBB): return third == 0xBF ? 3 : 0
        case (0xE1, 0x9A): return third == 0x80 ? 3 : 0
        case (0xE2, 0x80): return (0x80...0x8A).contains(third) || third == 0xA8 || third == 0xA9 || third == 0xAF ? 3 : 0
        case (0xE2, 0x81): return third == 0x9F ? 3 : 0
        case (0xE3, 0x80): return third == 0x80 ? 3 : 0
        default: return 0
        }
    }

    /// U+2028 or U+2029, which end a line comment like LF.
    func isLineSeparator(_ index: Int) -> Bool {
        byte(index) == 0xE2 && byte(index + 1) == 0x80 && (byte(index + 2) == 0xA8 || byte(index + 2) == 0xA9)
    }
}
