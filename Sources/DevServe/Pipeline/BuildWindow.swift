import Logging
import Synchronization

/// The one place that knows a build is running, what builds write, and who waits for them.
///
/// A window opens when a build starts and closes when the watcher has delivered everything that
/// happened before the build ended (a fence), so every write the build made falls inside it.
/// Each change the watcher reports goes through ``admits(_:)``:
///
/// - Outside a window, a change is the user's: it goes to the debouncer, and its file is
///   remembered as one the user writes.
/// - Inside one, a change under a declared `--output` folder, or to a known output (a file
///   builds write and the user never wrote outside a build), is the build's own.
/// - A change inside one to another served file the user has not written is an *unknown write*:
///   most likely the build's output, possibly a save. It starts no build of its own; instead the
///   build runs again right away (in the same cycle, before `built`), which builds a save made
///   meanwhile and shows whether the build writes that file again. When the window also passed
///   saves on, that second run is the follow-up build they start anyway.
/// - Any other change inside a window (a file the user writes, a file outside the served folder)
///   goes to the debouncer like a save, with what the file held when the build started. Before a
///   batch is built, ``screen(_:paths:)`` drops it when the file holds the same bytes
///   again (a formatter that rewrote its input unchanged) or became a known output meanwhile.
///
/// So no save made during a build is dropped, and one save gives at most two builds: the second
/// run writes what the first did, which either confirms those files as outputs or leaves their
/// content unchanged.
///
/// A file becomes a known output when builds wrote it in two windows in a row and the second
/// wrote the same bytes again (what a build does with an output whose inputs did not change; a
/// save brings new bytes), or in three windows in a row whatever the bytes (a build that writes
/// a time stamp on every run: without this it would run for ever; devserve says so in a warning,
/// since a file the user saves during three builds in a row, and never between them, looks the
/// same). A file the user changes outside a build is never one: a file both write (the build
/// formats it, or generates it and the user edits it) has each build's change screened by
/// content, which costs one more build per save instead of risking a lost one.
///
/// The trap it replaces: "writes under the output folder during a build are the build's own"
/// dropped every save made during a build when the sources live in the served folder.
final class BuildWindow: Sendable {
    /// What a file held when the running build started.
    enum Before: Sendable, Equatable {
        /// Its content hash.
        case content(Int)
        /// It did not exist.
        case absent
        /// Not known (outside the served folder and not part of the build's batch).
        case unknown
    }

    /// Content hashes at a build's start: the served folder (all of it, so a path missing there
    /// did not exist) and the files of the batch it builds.
    struct Baseline: Sendable {
        var hashes: [String: Int]
        var servedFolder: String

        static let none = Baseline(hashes: [:], servedFolder: "")

        func before(_ path: String) -> Before {
            if let hash = hashes[path] { return .content(hash) }
            return !servedFolder.isEmpty && FolderPath.contains(servedFolder, path) ? .absent : .unknown
        }
    }

    private struct State {
        var building = false
        /// Windows closed so far: none means nothing is known yet, and every served file is held.
        var closedWindows = 0
        var baseline = Baseline.none
        /// Absolute paths the running build was asked to build.
        var batch: Set<String> = []
        /// Paths changed in this window and in the previous one.
        var reported: Set<String> = []
        /// This window's unknown writes, and whether it passed changes on to the debouncer.
        var unknown: Set<String> = []
        var passedOn = false
        var previous: Set<String> = []
        /// Windows in a row that changed each path (for files no one else writes).
        var streak: [String: Int] = [:]
        var known: Set<String> = []
        var userWritten: Set<String> = []
        /// Changes passed on from inside a window, not yet screened, with what the file held
        /// when that build started.
        var forwarded: [String: Before] = [:]
        var fence: (number: UInt64, continuation: CheckedContinuation<Void, Never>)?
        var waiters: [Int: CheckedContinuation<Void, Never>] = [:]
        var nextWaiter = 0
    }

    /// Folders given with `--output`: everything the build writes there is its own.
    let declaredOutputs: [String]
    /// A file's content hash now (nil: no such file).
    private let contentHash: @Sendable (String) -> Int?
    private let logger: Logger
    private let state = Mutex(State())

    init(
        declaredOutputs: [String], contentHash: @escaping @Sendable (String) -> Int?, logger: Logger = Logger(label: "devserve")
    ) {
        self.declaredOutputs = declaredOutputs.map(FolderPath.trimmed)
        self.contentHash = contentHash
        self.logger = logger
    }

    /// Whether a build is running (its window is open).
    var isBuilding: Bool { state.withLock { $0.building } }

    /// Known outputs: files builds write. For tests and logging.
    var knownOutputs: Set<String> { state.withLock { $0.known } }

    // MARK: The watcher's side

    /// Whether a change to `path` (absolute) goes to the debouncer; false when it is the running
    /// build's own write.
    func admits(_ path: String) -> Bool {
        state.withLock { state in
            guard state.building else {
                state.userWritten.insert(path)
                state.known.remove(path)
                state.forwarded[path] = nil
                return true
            }
            state.reported.insert(path)
            if declaredOutputs.contains(where: { FolderPath.contains($0, path) }) || state.known.contains(path) {
                return false
            }
            if !state.userWritten.contains(path), FolderPath.contains(state.baseline.servedFolder, path) {
                state.unknown.insert(path)
                return false
            }
            // The earliest build's content is kept: unchanged since then means unchanged.
            if state.forwarded[path] == nil { state.forwarded[path] = state.baseline.before(path) }
            state.passedOn = true
            return true
        }
    }

    /// Called with each fence the watcher delivers.
    func fenceArrived(_ number: UInt64) {
        let continuation = state.withLock { state -> CheckedContinuation<Void, Never>? in
            guard let fence = state.fence, fence.number == number else { return nil }
            state.fence = nil
            return fence.continuation
        }
        continuation?.resume()
    }

    // MARK: The build's side

    /// How a window ended.
    struct Closed: Sendable, Equatable {
        /// Served files the build wrote that it is not known to write (and the user has not
        /// written): the build must run again, so a save among them is built.
        var unknownWrites: Set<String>
        /// Whether changes made meanwhile went to the debouncer (a follow-up build will come).
        var passedOn: Bool
    }

    /// Runs `build` in a window: open from now until `watcher` has delivered every change made
    /// before `build` returned; then learns what it wrote and releases the held requests.
    /// - Parameters:
    ///   - batch: absolute paths the build was asked to build.
    ///   - baseline: content hashes taken just before.
    func run<T>(batch: Set<String>, baseline: Baseline, watcher: any FileWatcher, _ build: () async -> T) async -> (T, Closed) {
        state.withLock { state in
            state.building = true
            state.batch = batch
            state.baseline = baseline
            state.reported = []
            state.unknown = []
            state.passedOn = false
        }
        let result = await build()
        await waitForFence(watcher)
        // What the files this window changed hold now, for learning (read outside the lock).
        let changed = state.withLock { state in state.reported.subtracting(state.known).subtracting(state.userWritten) }
        let now = Dictionary(uniqueKeysWithValues: changed.map { ($0, contentHash($0)) })
        let (waiters, repeated, closed) = state.withLock { state in
            defer {
                state.building = false
                state.waiters = [:]
                state.baseline = .none
            }
            let repeated = Self.learn(&state, now: now)
            // Those that this window confirmed as outputs need no further run.
            let closed = Closed(unknownWrites: state.unknown.subtracting(state.known), passedOn: state.passedOn)
            return (Array(state.waiters.values), repeated, closed)
        }
        if !repeated.isEmpty {
            let names = repeated.sorted().prefix(3).joined(separator: ", ")
            logger.warning(
                "\(names) changed in three builds in a row: treated as the build's output from now on (a save of it during a build starts no build; --output declares outputs)"
            )
        }
        for waiter in waiters { waiter.resume() }
        return (result, closed)
    }

    /// Files written in this window and the last, by nobody but the build, become known
    /// outputs (see the type's comment). Returns those learned only by repetition.
    /// - Parameter now: the content hash of each changed file now (nil: gone).
    private static func learn(_ state: inout State, now: [String: Int?]) -> [String] {
        var repeated: [String] = []
        var streak: [String: Int] = [:]
        for (path, hash) in now where state.reported.contains(path) {
            let count = (state.streak[path] ?? 0) + 1
            streak[path] = count
            let sameBytes = hash.map { state.baseline.before(path) == .content($0) } ?? false
            if state.previous.contains(path) && sameBytes {
                state.known.insert(path)
            } else if count >= 3 {
                state.known.insert(path)
                repeated.append(path)
            }
        }
        state.streak = streak
        state.previous = state.reported
        state.closedWindows += 1
        return repeated
    }

    private func waitForFence(_ watcher: any FileWatcher) async {
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let cancelled = state.withLock { state -> Bool in
                    if Task.isCancelled { return true }
                    state.fence = (watcher.insertFence(), continuation)
                    return false
                }
                if cancelled { continuation.resume() }
            }
        } onCancel: {
            let fence = state.withLock { state in
                defer { state.fence = nil }
                return state.fence
            }
            fence?.continuation.resume()
        }
    }

    /// `batch` without the changes passed on from inside a window that turned out to be no
    /// change: the file holds what it held when that build started, or is now a known output.
    func screen(_ batch: ChangeBatch, paths: ProjectPaths) -> ChangeBatch {
        let candidates = state.withLock { state -> [(String, String, Before)] in
            batch.paths.compactMap { path in
                let absolute = paths.absolute(path)
                return state.forwarded.removeValue(forKey: absolute).map { (path, absolute, $0) }
            }
        }
        guard !candidates.isEmpty else { return batch }
        var screened = batch
        for (path, absolute, before) in candidates {
            let unchanged =
                switch before {
                case .content(let hash): contentHash(absolute) == hash
                case .absent: contentHash(absolute) == nil
                case .unknown: false
                }
            let isOutput = state.withLock { $0.known.contains(absolute) }
            if unchanged || isOutput { screened.remove(path) }
        }
        return screened
    }

    // MARK: The server's side

    /// Whether a request for `file` (absolute) must wait for the running build: a file builds
    /// are known to write or wrote last time, anything under a declared output, and every file
    /// while the first build runs (nothing is known yet).
    func holds(_ file: String) -> Bool {
        state.withLock { state in
            guard state.building else { return false }
            return state.closedWindows == 0 || state.known.contains(file) || state.previous.contains(file)
                || declaredOutputs.contains { FolderPath.contains($0, file) }
        }
    }

    /// Waits until no build runs, for at most `limit`.
    /// - Returns: false when the build was still running at the limit (or the wait was cancelled).
    func waitUntilIdle(atMost limit: Duration) async -> Bool {
        await withTaskGroup(of: Bool.self) { group in
            group.addTask {
                await self.waitUntilIdle()
                return !Task.isCancelled
            }
            group.addTask {
                try? await Task.sleep(for: limit)
                return false
            }
            defer { group.cancelAll() }
            return await group.next() ?? false
        }
    }

    private func waitUntilIdle() async {
        let token = state.withLock { state in
            defer { state.nextWaiter += 1 }
            return state.nextWaiter
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let resumeNow = state.withLock { state in
                    if !state.building || Task.isCancelled { return true }
                    state.waiters[token] = continuation
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            state.withLock { $0.waiters.removeValue(forKey: token) }?.resume()
        }
    }
}
