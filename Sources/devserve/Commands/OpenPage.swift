import Foundation

/// `--open /docs/`: the page to open, written after `--open` as webpack-dev-server and Vite take
/// it. ArgumentParser's flags take no value, so the arguments are rewritten before parsing:
/// `--open PATH` and `--open=PATH` become `--open --open-path PATH`.
///
/// The trap: `devserve --open /home/me/site` names ROOT, not a page. A path after `--open` is
/// taken as the page only when it starts with `/` and is nothing on disk; `--open=PATH` always
/// is, and `--open-path` says it outright.
enum OpenPage {
    static func rewritten(_ arguments: [String], exists: (String) -> Bool = { FileManager.default.fileExists(atPath: $0) })
        -> [String]
    {
        var result: [String] = []
        var index = arguments.startIndex
        while index < arguments.endIndex {
            let argument = arguments[index]
            index += 1
            if argument == "--" {
                result.append(contentsOf: arguments[(index - 1)...])
                break
            }
            if argument.hasPrefix("--open=") {
                result += ["--open", "--open-path", String(argument.dropFirst("--open=".count))]
            } else if argument == "--open", index < arguments.endIndex, arguments[index].hasPrefix("/"), !exists(arguments[index]) {
                result += ["--open", "--open-path", arguments[index]]
                index += 1
            } else {
                result.append(argument)
            }
        }
        return result
    }
}
