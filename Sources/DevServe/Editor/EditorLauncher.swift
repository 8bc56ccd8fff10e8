import Foundation
import Subprocess

#if canImport(Glibc)
import Glibc
#endif

/// Opens a file of the project at a line, for `POST /__hmr/open`.
///
/// The path must name a regular file inside the project folder, by the same ``PathResolver``
/// rules as served files: no `..`, symbolic links may not lead out, key files never, and no
/// dotfiles (`.env`, `.git/config`, a link to `.env`) unless `--allow-dotfiles`. An editor that
/// opens `.env` at a page's request would show its secrets to anyone looking at the screen, and
/// the page need not be the developer's. The editor runs detached, in a session of its own (`setsid --fork`): it outlives
/// devserve, devserve never waits for it, and Ctrl-C in devserve's terminal never reaches it.
struct EditorLauncher: Sendable {
    let command: EditorCommand
    let project: PathResolver

    /// A problem, with the HTTP status to answer.
    struct Refusal: Error {
        let status: Int
        let message: String
    }

    /// - Parameter file: as a diagnostic names it: relative to the project folder, or absolute
    ///   inside it.
    func open(file: String, line: Int, column: Int) async throws(Refusal) {
        guard line >= 1, column >= 1 else { throw Refusal(status: 400, message: "line and column start at 1") }
        guard let path = resolve(file) else {
            let named = file.hasPrefix(project.root + "/") ? file.dropFirst(project.root.count) : file[...]
            if project.denyList.denies(named.split(separator: "/").filter { $0 != "." && $0 != ".." }.joined(separator: "/")) {
                throw Refusal(
                    status: 403, message: "devserve opens no dotfiles or key files (\(file)); --allow-dotfiles allows dotfiles")
            }
            throw Refusal(status: 404, message: "no file \(file) in the project folder")
        }
        let arguments = command.arguments(file: path, line: line, column: column)
        guard let program = Self.executable(arguments[0]) else {
            throw Refusal(
                status: 500,
                message: "the editor command \(arguments[0]) was not found; set it with --editor (for example \"code --goto {file}:{line}:{column}\")")
        }
        do {
            let result = try await Subprocess.run(
                .name("setsid"), arguments: .init(["--fork", program] + arguments.dropFirst()),
                workingDirectory: .init(project.root), input: .none, output: .discarded, error: .string(limit: 4096))
            guard result.terminationStatus.isSuccess else {
                throw Refusal(status: 500, message: "could not start the editor: \(result.standardError)")
            }
        } catch let refusal as Refusal {
            throw refusal
        } catch {
            throw Refusal(status: 500, message: "could not start the editor: \(error)")
        }
    }

    /// The absolute path of a file inside the project, or nil.
    private func resolve(_ file: String) -> String? {
        var relative = file
        if file.hasPrefix("/") {
            let resolved = URL(fileURLWithPath: file).resolvingSymlinksInPath().path
            guard project.contains(resolved) else { return nil }
            relative = String(resolved.dropFirst(project.root.count))
        }
        return project.regularFile("/" + relative)
    }

    /// A program name looked up on `PATH` (or a path checked as it is).
    static func executable(_ name: String) -> String? {
        if name.contains("/") { return access(name, X_OK) == 0 ? name : nil }
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        return path.split(separator: ":").map { "\($0)/\(name)" }.first { access($0, X_OK) == 0 }
    }
}
