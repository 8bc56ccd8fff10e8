/// The command that opens a file at a line and column: a template such as
/// `code --goto {file}:{line}:{column}`, split into words like a shell does (quotes and
/// backslashes), with `{file}`, `{line}` and `{column}` replaced inside each word. No shell
/// runs it, so a file name is always one argument, whatever characters it has.
public struct EditorCommand: Sendable, Equatable {
    /// The words of the template, placeholders not yet replaced.
    public let words: [String]

    /// - Throws: ``DevServeError`` when the template is empty, has an unclosed quote, or has no
    ///   `{file}`.
    public init(_ template: String) throws(DevServeError) {
        guard let words = Self.split(template), !words.isEmpty else {
            throw DevServeError("the editor command is empty or has an unclosed quote: \(template)")
        }
        guard words.contains(where: { $0.contains("{file}") }) else {
            throw DevServeError("the editor command must contain {file}, as in \"code --goto {file}:{line}:{column}\"")
        }
        self.words = words
    }

    /// The program and its arguments for a file (absolute path) at a line and column.
    public func arguments(file: String, line: Int, column: Int) -> [String] {
        words.map {
            $0.replacingOccurrences(of: "{file}", with: file)
                .replacingOccurrences(of: "{line}", with: String(line))
                .replacingOccurrences(of: "{column}", with: String(column))
        }
    }

    /// A template for the editor named by `$VISUAL` (or else `$EDITOR`), for the common editors:
    /// VS Code and its forks (`--goto`), vim, neovim and other terminal editors (`+line`), Emacs
    /// (`+line:column`), Sublime Text, Zed and Helix (`file:line:column`), and the JetBrains IDEs
    /// (`--line --column`). Others get `EDITOR {file}`. Nil when neither variable is set.
    public static func fromEnvironment(_ environment: [String: String]) -> String? {
        guard let value = [environment["VISUAL"], environment["EDITOR"]].compactMap({ $0 }).first(where: { !$0.isEmpty }),
            let words = split(value), let program = words.first
        else { return nil }
        let command = words.map(quoted).joined(separator: " ")
        let name = program.split(separator: "/").last.map(String.init) ?? program
        switch name.replacingOccurrences(of: ".sh", with: "").replacingOccurrences(of: ".exe", with: "") {
        case "code", "code-insiders", "codium", "vscodium", "cursor", "windsurf":
            return command + " --goto {file}:{line}:{column}"
        case "vim", "nvim", "vi", "gvim", "mvim", "nano", "kak", "micro", "joe", "ne":
            return command + " +{line} {file}"
        case "emacs", "emacsclient":
            return command + " +{line}:{column} {file}"
        case "subl", "sublime_text", "zed", "zeditor", "hx", "helix":
            return command + " {file}:{line}:{column}"
        case "idea", "idea64", "webstorm", "pycharm", "clion", "goland", "phpstorm", "rubymine", "rider", "rustrover", "studio":
            return command + " --line {line} --column {column} {file}"
        default:
            return command + " {file}"
        }
    }

    /// Shell-like words: whitespace separates them; '…' keeps everything, "…" and \ escape.
    /// Nil for an unclosed quote.
    static func split(_ text: String) -> [String]? {
        var words: [String] = []
        var current = ""
        var inWord = false
        var quote: Character?
        var escaped = false
        for character in text {
            if escaped {
                current.append(character)
                escaped = false
            } else if quote == "'" {
                if character == "'" { quote = nil } else { current.append(character) }
            } else if character == "\\" {
                escaped = true
                inWord = true
            } else if quote == "\"" {
                if character == "\"" { quote = nil } else { current.append(character) }
            } else if character == "'" || character == "\"" {
                quote = character
                inWord = true
            } else if character.isWhitespace {
                if inWord { words.append(current) }
                current = ""
                inWord = false
            } else {
                current.append(character)
                inWord = true
            }
        }
        guard quote == nil, !escaped else { return nil }
        if inWord { words.append(current) }
        return words
    }

    private static func quoted(_ word: String) -> String {
        word.contains(where: { $0.isWhitespace || "'\"\\".contains($0) })
            ? "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'" : word
    }
}
