import Foundation

/// The text of a `devserve.toml`, read line by line for what TOMLKit does not tell: on which line
/// a key is set, and which key's value a line belongs to. TOMLKit's tables carry no positions,
/// and its syntax errors (toml++'s) carry a line and a column but name the parser's state, not
/// the key: `spa = yes` is "Error while parsing value: could not determine value type". With
/// this, errors name the key (`devserve.toml:3: spa: expected true or false, got yes`).
///
/// This is not a TOML parser: it only has to agree with one on files TOMLKit read, and to make
/// a good guess on the line of a syntax error. It knows comments, quoted keys and strings (so a
/// `#` or `[` inside them counts for nothing), table headers, and values that continue over
/// several lines (a list, an inline table) until their brackets close.
struct ConfigText {
    /// A `key = value` line.
    struct Assignment: Equatable {
        /// The key, unquoted (its first part, for a dotted key such as `a.b`).
        let key: String
        /// The value as written, without a comment and surrounding blanks.
        let value: String
        /// Whether the value ends inside a string that is not closed on its line.
        let openString: Bool
        /// `[` and `{` opened by the value and not closed on its line.
        let depth: Int
    }

    /// What a line is in: the table (`[proxy]`) above it, and the assignment whose value it
    /// continues, each with their line.
    struct Context {
        var table: (name: String, line: Int)?
        var continuing: (assignment: Assignment, line: Int)?
    }

    /// The lines, without their line ends.
    let lines: [String]
    /// The context of each line, at its start.
    let contexts: [Context]

    init(_ text: String) {
        lines = text.split(separator: "\n", omittingEmptySubsequences: false).map {
            String($0.hasSuffix("\r") ? $0.dropLast() : $0)
        }
        var contexts: [Context] = []
        var context = Context()
        for (index, line) in lines.enumerated() {
            contexts.append(context)
            if let open = context.continuing {
                let depth = open.assignment.depth + Self.scan(line[...]).depth
                if depth > 0 {
                    let still = Assignment(key: open.assignment.key, value: open.assignment.value, openString: false, depth: depth)
                    context.continuing = (still, open.line)
                } else {
                    context.continuing = nil
                }
            } else if let header = Self.header(line) {
                context.table = (header, index + 1)
            } else if let assignment = Self.assignment(line), assignment.depth > 0 {
                context.continuing = (assignment, index + 1)
            }
        }
        self.contexts = contexts
    }

    /// The assignment on line `number` (from 1), unless the line continues another one's value.
    func assignment(onLine number: Int) -> Assignment? {
        guard lines.indices.contains(number - 1), contexts[number - 1].continuing == nil else { return nil }
        return Self.assignment(lines[number - 1])
    }

    /// The context of line `number` (from 1).
    func context(ofLine number: Int) -> Context {
        contexts.indices.contains(number - 1) ? contexts[number - 1] : Context()
    }

    /// The first line that sets `key` in `table` (nil: at the top), or that opens the table
    /// `[key]`; 1 when there is none.
    func line(of key: String, inTable table: String? = nil) -> Int {
        for (index, line) in lines.enumerated() {
            let context = contexts[index]
            guard context.continuing == nil else { continue }
            if table == nil, Self.header(line) == key { return index + 1 }
            if context.table?.name == table, Self.assignment(line)?.key == key { return index + 1 }
        }
        return 1
    }

    /// The line as written, without a comment and surrounding blanks.
    func code(ofLine number: Int) -> String {
        guard lines.indices.contains(number - 1) else { return "" }
        return Self.trimmed(Self.scan(lines[number - 1][...]).code)
    }

    // MARK: Reading one line

    /// The table a header line opens (`[proxy]`, `[ "proxy" ]`): its first key, unquoted.
    static func header(_ line: String) -> String? {
        let code = trimmed(scan(line[...]).code)
        guard code.hasPrefix("["), !code.hasPrefix("[["), code.hasSuffix("]") else { return nil }
        var inside = code.dropFirst().dropLast()[...]
        return Self.key(from: &inside)
    }

    /// The assignment on a line that is one.
    static func assignment(_ line: String) -> Assignment? {
        var rest = line[...]
        guard let key = Self.key(from: &rest) else { return nil }
        // Dotted keys (`a.b = 1`): the first part is the setting.
        while rest.drop(while: isBlank).first == "." {
            rest = rest.drop(while: isBlank).dropFirst()
            guard Self.key(from: &rest) != nil else { return nil }
        }
        rest = rest.drop(while: isBlank)
        guard rest.first == "=" else { return nil }
        let scanned = scan(rest.dropFirst())
        return Assignment(key: key, value: trimmed(scanned.code), openString: scanned.openString, depth: scanned.depth)
    }

    /// Reads a bare or quoted key at the start of `text` (after blanks), leaving what follows.
    private static func key(from text: inout Substring) -> String? {
        text = text.drop(while: isBlank)
        guard let first = text.first else { return nil }
        if first == "\"" || first == "'" {
            var key = ""
            var index = text.index(after: text.startIndex)
            while index < text.endIndex {
                let character = text[index]
                if character == first {
                    text = text[text.index(after: index)...]
                    return key
                }
                if character == "\\" && first == "\"" {
                    index = text.index(after: index)
                    guard index < text.endIndex else { return nil }
                }
                key.append(text[index])
                index = text.index(after: index)
            }
            return nil
        }
        let bare = text.prefix { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }
        guard !bare.isEmpty else { return nil }
        text = text[bare.endIndex...]
        return String(bare)
    }

    /// `text` up to a comment, whether it ends inside a string, and how many `[` and `{`
    /// outside strings it leaves open (negative when it closes more than it opens).
    static func scan(_ text: Substring) -> (code: Substring, openString: Bool, depth: Int) {
        var quote: Character?
        var escaped = false
        var depth = 0
        for index in text.indices {
            let character = text[index]
            if let open = quote {
                if escaped {
                    escaped = false
                } else if character == "\\" && open == "\"" {
                    escaped = true
                } else if character == open {
                    quote = nil
                }
                continue
            }
            switch character {
            case "\"", "'": quote = character
            case "#": return (text[..<index], false, depth)
            case "[", "{": depth += 1
            case "]", "}": depth -= 1
            default: break
            }
        }
        return (text, quote != nil, depth)
    }

    private static func isBlank(_ character: Character) -> Bool { character == " " || character == "\t" }

    private static func trimmed(_ text: Substring) -> String {
        text.trimmingCharacters(in: .whitespaces)
    }
}
