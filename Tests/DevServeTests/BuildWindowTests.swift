import Clocks
import Foundation
import Logging
import Synchronization
import Testing

@testable import DevServe

/// The build window below the socket: a `Pipeline` driven by a scripted watcher (the test says
/// which writes inotify reports, and when) and a scripted build (real files in a temporary
/// folder, so content hashes are real), on an immediate clock.
@Suite(.timeLimit(.minutes(2))) struct BuildWindowTests {
    /// A watcher that reports what the test tells it to, in order, fences included.
    final class ScriptedWatcher: FileWatcher {
        let events: AsyncStream<WatchEvent>
        private let continuation: AsyncStream<WatchEvent>.Continuation
        private let fences = Atomic<UInt64>(0)

        init() { (events, continuation) = AsyncStream.makeStream() }

        func report(_ path: String, _ change: FileChange = .modified) { continuation.yield(.changed(path, change)) }

        func insertFence() -> UInt64 {
            let number = fences.add(1, ordering: .relaxed).newValue
            continuation.yield(.fence(number))
            return number
        }

        func stop() { continuation.finish() }
    }

    /// A build whose every run calls `step` with the run's number (1, 2, …).
    final class ScriptedBuild: BuildRunner {
        let runs = Atomic<Int>(0)
        let step: @Sendable (Int) async -> Void

        func run() async -> BuildResult {
            let number = runs.add(1, ordering: .relaxed).newValue
            await step(number)
            return BuildResult(exitCode: 0, output: "", duration: .milliseconds(1))
        }

        init(step: @escaping @Sendable (Int) async -> Void) { self.step = step }
    }

    /// A project folder that is also the served folder (the layout the window matters most for),
    /// with a pipeline over it.
    final class Rig: Sendable {
        let project: FixtureCopy
        let watcher = ScriptedWatcher()
        let paths: ProjectPaths
        let window: BuildWindow
        let hub = EventHub()
        let outputs: OutputTracker
        private let pipelineTask = Locked<Task<Void, any Error>?>(nil)
        private let build = Locked<ScriptedBuild?>(nil)
        let events: AsyncStream<DevServerEvent>

        init(files: [String: String], declaredOutputs: [String] = []) throws {
            let project = try FixtureCopy(files: files)
            self.project = project
            paths = ProjectPaths(project: project.path, served: project.path)
            let outputs = OutputTracker(paths: paths)
            self.outputs = outputs
            window = BuildWindow(
                declaredOutputs: declaredOutputs.map { project.path + "/" + $0 }, contentHash: { outputs.contentHash($0) })
            events = hub.subscribe()
        }

        /// Starts the pipeline with `step` as the build (it gets this rig and the run number).
        func start(onBusy: BusyPolicy = .queue, _ step: @escaping @Sendable (Rig, Int) async -> Void) {
            let build = ScriptedBuild { await step(self, $0) }
            self.build.set(build)
            let (listening, listens) = AsyncStream.makeStream(of: Void.self)
            listens.finish()
            let pipeline = Pipeline(
                watcher: watcher, debouncer: Debouncer(interval: .milliseconds(5), clock: ImmediateClock()),
                builder: build, onBusy: onBusy, window: window, outputs: outputs,
                modules: ModuleGraph(paths: paths, cache: FileCache()),
                diagnostics: DiagnosticParser(projectFolder: paths.project), hub: hub, paths: paths,
                logger: Logger(label: "test"), listening: listening, rebuildRequests: AsyncStream { $0.finish() })
            pipelineTask.set(Task { try await pipeline.run() })
        }

        var runs: Int { build.value?.runs.load(ordering: .relaxed) ?? 0 }

        /// Writes a file and reports it, as an editor's save (or a build's write) would be.
        func write(_ relative: String, _ text: String) throws {
            try project.write(relative, text)
            watcher.report(project.path + "/" + relative)
        }

        func read(_ relative: String) throws -> String { try project.read(relative) }

        /// The next `building`/`built`/`error` event.
        func next(_ what: String) async throws -> DevServerEvent {
            let events = self.events
            return try await withTimeout(.seconds(20), "no \(what) came") {
                for await event in events where event.kind != .custom { return event }
                throw TestFailure("the hub stopped before \(what)")
            }
        }

        /// Waits for a whole cycle (`building`, then `built` or `error`) and returns both.
        func cycle(_ what: String) async throws -> (building: DevServerEvent, end: DevServerEvent) {
            let building = try await next("`building` of \(what)")
            #expect(building.kind == .building, "\(what): \(building)")
            let end = try await next("the end of \(what)")
            return (building, end)
        }

        /// Saves a sentinel file and checks that the next cycle is about it alone: nothing was
        /// still pending (every earlier cycle has been counted).
        func expectNothingPending() async throws {
            try write("sentinel.md", "\(UUID())")
            let (building, _) = try await cycle("the sentinel's build")
            #expect(building.changed == ["sentinel.md"], "a build was still pending: \(building.changed)")
        }

        func stop() async {
            pipelineTask.value?.cancel()
            watcher.stop()
            _ = await pipelineTask.value?.result
            hub.shutDown()
            project.remove()
        }
    }

    /// `cp src.txt out.txt`, reported like inotify would.
    static func copy(_ rig: Rig) {
        try? rig.write("out.txt", try rig.read("src.txt"))
    }

    @Test func aSaveDuringTheFirstBuildIsBuiltAndTheBuildsOutputIsLearned() async throws {
        let rig = try Rig(files: ["src.txt": "v1", "index.html": "<p>x</p>"])
        rig.start { rig, run in
            BuildWindowTests.copy(rig)
            if run == 1 { try? rig.write("src.txt", "v2") }  // saved after the build read v1
        }
        let (_, startup) = try await rig.cycle("the start-up build")
        #expect(startup.kind == .built)
        #expect(rig.runs == 2, "the build ran again, after the save")
        #expect(try rig.read("out.txt") == "v2")
        #expect(rig.window.knownOutputs.isEmpty, "out.txt got other bytes the second time: not known yet")
        // The second run wrote out.txt anew: it is built once more, which writes the same bytes.
        let (again, _) = try await rig.cycle("the run for out.txt")
        #expect(again.changed == ["out.txt"])
        #expect(rig.window.knownOutputs == [rig.project.path + "/out.txt"], "out.txt was written the same: an output")
        #expect(!rig.window.knownOutputs.contains(rig.project.path + "/src.txt"))
        try await rig.expectNothingPending()
        await rig.stop()
    }

    @Test func onceLearnedASaveIsOneBuildAndASaveDuringABuildIsTheFollowUp() async throws {
        let rig = try Rig(files: ["src.txt": "v1"])
        let saveDuring = Locked(false)
        rig.start { rig, _ in
            BuildWindowTests.copy(rig)
            if saveDuring.value {
                saveDuring.set(false)
                try? rig.write("src.txt", "v3")
            }
        }
        _ = try await rig.cycle("the start-up build")
        let before = rig.runs
        try rig.write("src.txt", "v2")
        let (building, built) = try await rig.cycle("the save's build")
        #expect(building.changed == ["src.txt"] && built.outputs == ["/out.txt"])
        #expect(rig.runs == before + 1, "one save, one build: out.txt is known")

        saveDuring.set(true)
        try rig.write("src.txt", "v2.5")
        _ = try await rig.cycle("the build during which v3 is saved")
        let (followUp, _) = try await rig.cycle("the follow-up")
        #expect(followUp.changed == ["src.txt"])
        #expect(try rig.read("out.txt") == "v3")
        try await rig.expectNothingPending()
        await rig.stop()
    }

    @Test func aFormatterThatRewritesItsInputConvergesInTwoBuilds() async throws {
        let rig = try Rig(files: ["app.js": "x"])
        rig.start { rig, _ in
            // Formats app.js (upper case) and writes it back every time, changed or not.
            let source = (try? rig.read("app.js")) ?? ""
            try? rig.write("app.js", source.uppercased())
            try? rig.write("app.min.js", source.uppercased())
        }
        _ = try await rig.cycle("the start-up build")
        let before = rig.runs
        try rig.write("app.js", "let y")
        _ = try await rig.cycle("the save's build")
        let (followUp, _) = try await rig.cycle("the follow-up for the formatter's rewrite")
        #expect(followUp.changed == ["app.js"])
        #expect(try rig.read("app.js") == "LET Y" && rig.read("app.min.js") == "LET Y")
        try await rig.expectNothingPending()
        #expect(rig.runs == before + 3, "the save, the follow-up, the sentinel")
        #expect(!rig.window.knownOutputs.contains(rig.project.path + "/app.js"), "the user writes app.js")
        await rig.stop()
    }

    @Test func aUserWhoEditsAGeneratedFileGetsABuildAndTheFileIsNoLongerAnOutput() async throws {
        let rig = try Rig(files: ["src.txt": "v1"])
        rig.start { rig, _ in BuildWindowTests.copy(rig) }
        _ = try await rig.cycle("the start-up build")
        let out = rig.project.path + "/out.txt"
        #expect(rig.window.knownOutputs.contains(out))
        try rig.write("out.txt", "edited by hand")
        let (building, _) = try await rig.cycle("the build for the edit")
        #expect(building.changed == ["out.txt"])
        #expect(!rig.window.knownOutputs.contains(out))
        #expect(try rig.read("out.txt") == "v1", "the build regenerated it")
        // The build's next rewrite of it is a change like a save's: screened by content, so the
        // identical rewrite of the follow-up ends it.
        let (followUp, _) = try await rig.cycle("the follow-up for the regenerated file")
        #expect(followUp.changed == ["out.txt"])
        try await rig.expectNothingPending()
        await rig.stop()
    }

    @Test func aBuildThatStartsWritingANewFileLearnsItWithOneMoreRun() async throws {
        let rig = try Rig(files: ["src.txt": "v1"])
        rig.start { rig, _ in
            BuildWindowTests.copy(rig)
            if (try? rig.read("src.txt")) == "with page" { try? rig.write("page.html", "<p>new</p>") }
        }
        _ = try await rig.cycle("the start-up build")
        let before = rig.runs
        try rig.write("src.txt", "with page")
        let (_, built) = try await rig.cycle("the build that writes page.html")
        #expect(rig.runs == before + 2, "ran again to learn page.html")
        #expect(Set(built.outputs ?? []) == ["/out.txt", "/page.html"])
        #expect(rig.window.knownOutputs.contains(rig.project.path + "/page.html"))
        try await rig.expectNothingPending()
        await rig.stop()
    }

    @Test func aTimeStampWrittenOnEveryRunEndsAfterThreeRunsWithAWarning() async throws {
        let rig = try Rig(files: ["src.txt": "v1"])
        rig.start { rig, run in try? rig.write("stamp.txt", "run \(run)") }
        _ = try await rig.cycle("the start-up build")
        let (building, _) = try await rig.cycle("the third run")
        #expect(building.changed == ["stamp.txt"])
        #expect(rig.runs == 3)
        #expect(rig.window.knownOutputs == [rig.project.path + "/stamp.txt"])
        try await rig.expectNothingPending()
        await rig.stop()
    }

    @Test func declaredOutputsAreTheBuildsOwnFromTheFirstBuild() async throws {
        let rig = try Rig(files: ["src.txt": "v1"], declaredOutputs: ["dist"])
        rig.start { rig, _ in try? rig.write("dist/out.txt", (try? rig.read("src.txt")) ?? "") }
        _ = try await rig.cycle("the start-up build")
        #expect(rig.runs == 1, "nothing to learn: dist/ was declared")
        try await rig.expectNothingPending()
        await rig.stop()
    }

    @Test func restartStopsForASaveButNotForTheBuildsOwnNewFiles() async throws {
        let rig = try Rig(files: ["src.txt": "v1"])
        let release = AsyncStream.makeStream(of: Void.self)
        rig.start(onBusy: .restart) { rig, run in
            BuildWindowTests.copy(rig)
            if run == 3 {  // the save's build waits for the test, which saves during it
                for await _ in release.stream { break }
            }
        }
        _ = try await rig.cycle("the start-up build")
        #expect(rig.runs == 2)
        try rig.write("src.txt", "v2")
        _ = try await rig.next("`building` of v2")
        try await waitUntil("the build of v2 is running") { rig.runs == 3 }
        try rig.write("src.txt", "v3")
        let restarted = try await rig.next("the restart")
        #expect(restarted.kind == .building && restarted.changed == ["src.txt"])
        release.continuation.finish()
        let built = try await rig.next("`built` of v3")
        #expect(built.kind == .built)
        #expect(try rig.read("out.txt") == "v3")
        try await rig.expectNothingPending()
        await rig.stop()
    }

    @Test func holdsEverythingDuringTheFirstBuildAndThenOnlyWhatBuildsWrite() async throws {
        let rig = try Rig(files: ["src.txt": "v1", "index.html": "<p>x</p>"])
        let seen = Locked<[Bool]>([])
        rig.start { rig, run in
            BuildWindowTests.copy(rig)
            if run == 1 || run == 3 {
                seen.set(seen.value + [rig.window.holds(rig.project.path + "/index.html"), rig.window.holds(rig.project.path + "/out.txt")])
            }
        }
        _ = try await rig.cycle("the start-up build")
        #expect(!rig.window.holds(rig.project.path + "/out.txt"), "no build runs")
        try rig.write("src.txt", "v2")
        _ = try await rig.cycle("the save's build")
        #expect(seen.value == [true, true, false, true], "first build: all held; later: only out.txt")
        await rig.stop()
    }
}
