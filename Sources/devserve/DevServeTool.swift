import ArgumentParser

/// `devserve`: serve a folder with live reload (`devserve serve`, the default), and talk to a
/// running devserve from scripts, git hooks and editors.
@main
struct DevServeTool: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "devserve",
        abstract: "Serve a folder with live reload: watch, debounce, build, and reload the browser.",
        discussion: """
            `devserve [ROOT] [options]` is `devserve serve`: see `devserve help serve` for its options, \
            which devserve.toml can set too (`devserve init` writes a commented one).
            """,
        subcommands: [
            ServeCommand.self, EventsCommand.self, StatusCommand.self, RebuildCommand.self, InitCommand.self,
        ],
        defaultSubcommand: ServeCommand.self)

    /// The arguments with `--open PATH` rewritten (see ``OpenPage``), then parsed as usual.
    static func main() async {
        await main(OpenPage.rewritten(Array(CommandLine.arguments.dropFirst())))
    }
}
