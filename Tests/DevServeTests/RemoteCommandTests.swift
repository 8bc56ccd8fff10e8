import Foundation
import Subprocess
import Testing

/// `devserve events`, `status` and `rebuild` against a real running devserve.
@Suite(.timeLimit(.minutes(3))) struct RemoteCommandTests {
    /// A devserve over `project` whose build fails while `src/app.js` contains BUILD_ERROR.
    private func withServer(_ project: FixtureCopy, _ body: @escaping (RunningDevserve) async throws -> Void) async throws {
        try FileManager.default.createDirectory(at: project.url("dist"), withIntermediateDirectories: true)
        try await Devserve.run(
            [project.path + "/dist", "--port", "0", "--json", "--watch", project.path + "/src", "--build", "cd '\(project.path)' && ./build.sh"],
            body)
    }

    @Test func eventsUntilAnyExits0AfterASuccessfulBuildAnd1AfterAFailedOne() async throws {
        let project = try FixtureCopy("build-project")
        defer { project.remove() }
        try await withServer(project) { devserve in
            let (built, lines, _) = try await Devserve.follow(["events", devserve.url, "--until", "any"]) {
                try project.write("src/app.js", "let fine = 1\n")
            }
            #expect(built == .exited(0))
            #expect(lines.first == "connected to \(devserve.url) · idle" || lines.first == "connected to \(devserve.url) · building")
            #expect(lines.last?.hasPrefix("built in ") == true, "\(lines)")
            #expect(lines.contains { $0.hasPrefix("building · ") && $0.hasSuffix("src/app.js changed") }, "\(lines)")

            let (failed, errorLines, _) = try await Devserve.follow(["events", devserve.url, "--until", "any"]) {
                try project.write("src/app.js", "let x = 1\n  BUILD_ERROR\n")
            }
            #expect(failed == .exited(1))
            // The build's output (all of it: two lines), whose problem line is in the form editors
            // parse and so is not printed twice, then the end line.
            let problem = "src/app.js:2:3: error: found BUILD_ERROR marker"
            #expect(Array(errorLines.suffix(3).dropLast()) == [problem, "build failed: 1 error(s)"], "\(errorLines)")
            #expect(errorLines.filter { $0 == problem }.count == 1, "\(errorLines)")
            #expect(errorLines.last?.hasPrefix("error in ") == true, "\(errorLines)")
            #expect(errorLines.last?.hasSuffix("src/app.js changed · 1 error") == true, "\(errorLines)")
        }
    }

    @Test func eventsUntilBuiltWaitsThroughErrorsAndJSONLinesCarryTheEvents() async throws {
        let project = try FixtureCopy("build-project")
        defer { project.remove() }
        try await withServer(project) { devserve in
            let (status, lines, _) = try await Devserve.follow(["events", devserve.url, "--until", "built", "--json"]) {
                try project.write("src/app.js", "BUILD_ERROR\n")
                // The failed build is reported, and the follower keeps waiting for a good one.
                try await Self.waitForStatus("error", devserve.url)
                try project.write("src/app.js", "let ok = 1\n")
            }
            #expect(status == .exited(0))
            let types = lines.compactMap { line -> String? in
                let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
                return object?["type"] as? String
            }
            #expect(types.count == lines.count, "every line is a JSON object: \(lines)")
            #expect(types.first == "hello")
            #expect(types.contains("error"), "\(types)")
            #expect(types.last == "built")
        }
    }

    /// A failed build that reports no problems in a form devserve reads: `events` shows the end
    /// of its output, where it says what went wrong, and says how much it left out.
    @Test func eventsShowTheEndOfAFailedBuildsOutput() async throws {
        let project = try FixtureCopy(files: [
            "src/page.txt": "one\n",
            "build.sh": "i=1\nwhile [ $i -le 30 ]; do echo \"log line $i\"; i=$((i + 1)); done\necho 'it broke'\nexit 3\n",
        ])
        defer { project.remove() }
        try await Devserve.run([
            project.path + "/dist", "--port", "0", "--json", "--watch", project.path + "/src", "--build", "sh '\(project.path)/build.sh'",
        ]) { devserve in
            try await Self.waitForStatus("error", devserve.url)
            let (status, lines, _) = try await Devserve.follow(["events", devserve.url, "--until", "error"]) {
                try project.write("src/page.txt", "two\n")
            }
            #expect(status == .exited(1))
            let tail = (12...30).map { "log line \($0)" } + ["it broke"]
            let end = try #require(lines.last)
            #expect(Array(lines.suffix(22).dropLast()) == ["… 11 earlier lines of output not shown (--json has them)"] + tail, "\(lines)")
            #expect(end.hasPrefix("error in ") && end.contains(" (exit code 3) · "), "\(end)")
            #expect(end.hasSuffix("src/page.txt changed · see the output above"), "\(end)")
        }
    }

    /// A page's error report is a line of `devserve events`, in the shape the terminal prints.
    @Test func eventsPrintBrowserErrors() async throws {
        let project = try FixtureCopy(files: ["index.html": "<p>hi</p>", "app.js": "let x = 1\n"])
        defer { project.remove() }
        try await Devserve.run([project.path, "--port", "0", "--json"]) { devserve in
            let port = Int(devserve.url.split(separator: ":").last!.filter(\.isNumber))!
            let (status, lines, _) = try await Devserve.follow(["events", devserve.url, "--until", "any"]) {
                let report = #"{"kind":"error","message":"boom","stack":[{"file":"/app.js","line":2,"column":9}],"page":"/"}"#
                let answer = try await RawConnection.exchange(
                    Array(("POST /__hmr/error HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nOrigin: http://127.0.0.1:\(port)\r\n"
                        + "Content-Type: application/json\r\nContent-Length: \(report.utf8.count)\r\nConnection: close\r\n\r\n\(report)").utf8),
                    port: port)
                #expect(answer.status == 200, "\(answer.text)")
                try project.write("app.js", "let x = 2\n")  // a build ends the follower
            }
            #expect(status == .exited(0))
            // (The project folder is the current one, so the served file is named by its URL.)
            #expect(lines.contains("browser error · boom · /app.js:2:9 (page /)"), "\(lines)")
        }
    }

    /// `events`, `status` and `rebuild` take the same URL, --json and --timeout.
    @Test func theRemoteCommandsShareTheirOptions() async throws {
        try await RawConnection.withRefusingPort { port in
            for command in [["events", "--until", "any"], ["status"], ["rebuild"]] {
                let (status, _, error) = try await Devserve.output(command + ["http://127.0.0.1:\(port)/", "--json", "--timeout", "30"])
                #expect(status == .exited(2), "\(command)")
                #expect(error.hasPrefix("devserve: error: cannot reach devserve at http://127.0.0.1:\(port)/"), "\(command): \(error)")
            }
        }
        let (status, _, error) = try await Devserve.output(["status", "--timeout", "0"])
        #expect(status == .exited(1))
        #expect(error == "devserve: error: --timeout must be more than 0 seconds, not 0\n")
    }

    /// Waits (bounded) until `devserve status URL --json` says `state`.
    static func waitForStatus(_ state: String, _ url: String) async throws {
        _ = try await withTimeout(.seconds(20), "status \(state)") {
            while true {
                let (_, output, _) = try await Devserve.output(["status", url, "--json"])
                if output.contains(#""status":"\#(state)""#) { return }
                try await Task.sleep(for: .milliseconds(50))
            }
        }
    }

    @Test func statusSaysWhereTheBuildStandsWithItsExitCode() async throws {
        let project = try FixtureCopy("build-project")
        defer { project.remove() }
        try project.write("src/app.js", "x\n BUILD_ERROR\n")
        try await withServer(project) { devserve in
            try await Self.waitForStatus("error", devserve.url)
            let (failed, text, _) = try await Devserve.output(["status", devserve.url])
            #expect(failed == .exited(1))
            let lines = text.split(separator: "\n").map(String.init)
            #expect(lines.first == "src/app.js:2:2: error: found BUILD_ERROR marker", "\(lines)")
            #expect(lines.last == "error · the last build failed (exit code 1) · start-up build · 0 clients", "\(lines)")

            try project.write("src/app.js", "fixed\n")
            try await Self.waitForStatus("idle", devserve.url)
            let (ok, idle, _) = try await Devserve.output(["status", devserve.url])
            #expect(ok == .exited(0))
            #expect(idle == "idle · 0 clients\n")
        }
    }

    @Test func rebuildRunsTheBuildAndReportsIt() async throws {
        let project = try FixtureCopy("build-project")
        defer { project.remove() }
        try await withServer(project) { devserve in
            try await Self.waitForStatus("idle", devserve.url)
            // Only src/ is watched: removing an output changes nothing until a build restores it.
            try FileManager.default.removeItem(at: project.url("dist/app.js"))
            let (status, output, _) = try await Devserve.output(["rebuild", devserve.url])
            #expect(status == .exited(0))
            let lines = output.split(separator: "\n").map(String.init)
            #expect(lines.first == "building · everything may have changed", "\(lines)")
            #expect(lines.last?.hasPrefix("built in ") == true, "\(lines)")
            // It really ran: the build put the removed file back.
            #expect(lines.last?.hasSuffix(" · everything may have changed · /app.js updated") == true, "\(lines)")
            #expect(FileManager.default.fileExists(atPath: project.path + "/dist/app.js"))

            try project.write("src/app.js", "BUILD_ERROR\n")
            try await Self.waitForStatus("error", devserve.url)
            let (failed, _, _) = try await Devserve.output(["rebuild", devserve.url])
            #expect(failed == .exited(1))
        }
    }

    @Test func anUnreachableServerIsExitCode2AndOneLine() async throws {
        try await RawConnection.withRefusingPort { port in
            for command in ["events", "status", "rebuild"] {
                let (status, output, error) = try await Devserve.output([command, "http://127.0.0.1:\(port)/"])
                #expect(status == .exited(2), "\(command)")
                #expect(output.isEmpty)
                #expect(error == "devserve: error: cannot reach devserve at http://127.0.0.1:\(port)/ (connection refused); is it running? (give its URL, or set PORT)\n", "\(command)")
            }
        }
        let (status, _, error) = try await Devserve.output(["status", "ftp://x"])
        #expect(status == .exited(2))
        #expect(error == "devserve: error: not a devserve URL: ftp://x (expected http://HOST:PORT/)\n")
    }

    @Test func theDefaultURLComesFromTheFolderAndPORT() async throws {
        try await RawConnection.withRefusingPort { port in
            try await RawConnection.withRefusingPort { otherPort in
                let project = try FixtureCopy(files: ["devserve.toml": "port = \(port)\n"])
                defer { project.remove() }
                let (_, _, fromFile) = try await Devserve.output(["status"], in: project.path)
                #expect(fromFile.contains("http://127.0.0.1:\(port)/"), "\(fromFile)")
                let (_, _, fromVariable) = try await Devserve.output(["status"], environment: ["PORT": "\(otherPort)"], in: project.path)
                #expect(fromVariable.contains("http://127.0.0.1:\(otherPort)/"), "\(fromVariable)")
            }
        }
    }
}
