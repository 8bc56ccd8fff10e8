import Logging

/// The data path: watch → debounce → build → publish. (Serving reads what it publishes.)
///
/// Generic over the debouncer's clock, and built from its collaborators (any watcher, any build
/// runner), so tests drive it with a scripted watcher and runner.
struct Pipeline<C: Clock>: Sendable where C.Duration == Duration {
    let watcher: any FileWatcher
    let debouncer: Debouncer<C>
    let builder: (any BuildRunner)?
    let onBusy: BusyPolicy
    /// Whether a build runs, what builds write, who waits (see ``BuildWindow``).
    let window: BuildWindow
    /// What each build changed in the served folder, by content.
    let outputs: OutputTracker
    /// The ES modules served, for `built`'s hot update.
    let modules: ModuleGraph
    let diagnostics: DiagnosticParser
    let hub: EventHub
    let paths: ProjectPaths
    let logger: Logger
    /// Finishes once the server listens: the start-up build waits for it, so its events come
    /// after the `listening` line.
    let listening: AsyncStream<Void>
    /// `POST /__hmr/rebuild` and ``DevServer/rebuild()``: each asks for a build of everything.
    let rebuildRequests: AsyncStream<Void>

    private enum Outcome: Sendable {
        case finished(BuildResult)
        /// A new batch arrived during the build (`--on-busy restart`): it was stopped.
        case superseded(ChangeBatch)
    }

    func run() async throws {
        try await withThrowingDiscardingTaskGroup { group in
            group.addTask { await self.watch() }
            group.addTask { try await self.buildBatches() }
            group.addTask {
                for await _ in rebuildRequests { debouncer.addEverything() }
            }
        }
    }

    /// Stage 1 → 2: changes from the watcher into the debouncer, but for the build's own writes.
    private func watch() async {
        for await event in watcher.events {
            switch event {
            case .changed(let path, let change):
                if window.admits(path) { debouncer.add(paths.relative(path), change) }
            case .overflow:
                logger.warning("file events were lost: treating everything as changed")
                debouncer.addEverything()
            case .fence(let number):
                window.fenceArrived(number)
            case .warning(let message), .limitReached(let message):
                logger.warning("\(message)")
            }
        }
    }

    /// Stages 2 → 3 → 4: each due batch is built (one build at a time) and published. With a
    /// build command, the first build runs at start, so the output and the status are current.
    private func buildBatches() async throws {
        for await _ in listening {}
        var batch = builder == nil ? try await nextBatch() : ChangeBatch()
        while true {
            await build(batch)
            try Task.checkCancellation()
            batch = try await nextBatch()
        }
    }

    /// The next batch with something in it: a batch of files that came and went, or of changes
    /// made during a build that turned out to be none, builds nothing.
    private func nextBatch() async throws -> ChangeBatch {
        while true {
            let batch = window.screen(try await debouncer.next(), paths: paths)
            if !batch.isEmpty { return batch }
        }
    }

    /// One build of `first` (more runs when `--on-busy restart` stops it, or when it wrote files
    /// it is not known to write), then its result.
    private func build(_ first: ChangeBatch) async {
        var batch = first
        hub.publish(.building, changed: batch.reported)
        guard let builder else {
            let served = servedPaths(in: batch)
            hub.publish(
                .built, changed: batch.reported, durationMs: 0, outputs: served, hot: served.flatMap(modules.update(changed:)))
            return
        }
        let before = outputs.snapshot()
        var runs = 0
        /// The first run's time, once the build ran again because of it.
        var firstRun: Duration?
        while true {
            let baseline = runs == 0 ? before : outputs.snapshot()
            runs += 1
            let (outcome, closed) = await window.run(
                batch: Set(batch.paths.map(paths.absolute)), baseline: self.baseline(baseline, batch), watcher: watcher
            ) { await runOrSupersede(builder) }
            guard !Task.isCancelled else { return }
            switch outcome {
            case .superseded(let next):
                batch.merge(next)
                hub.publish(.building, changed: batch.reported)
            case .finished(var result):
                if !closed.unknownWrites.isEmpty {
                    // A save may be among them, so the build must run after them: with no
                    // follow-up build coming, it runs again now, once; else the follow-up
                    // (which then comes even if its own changes turn out to be none) does it.
                    // Those the second run writes and has not written before come next, named.
                    if !closed.passedOn && firstRun == nil {
                        logger.info("running the build again: it wrote \(Self.list(closed.unknownWrites, paths)), not seen before")
                        firstRun = result.duration
                        continue
                    } else if closed.passedOn {
                        debouncer.addRerun()
                    } else {
                        for path in closed.unknownWrites.sorted() { debouncer.add(paths.relative(path)) }
                    }
                }
                result.duration += firstRun ?? .zero
                publish(result, for: batch, before: before)
                return
            }
        }
    }

    /// Up to three paths, relative to the project, and how many more.
    private static func list(_ files: Set<String>, _ paths: ProjectPaths) -> String {
        let names = files.sorted().prefix(3).map(paths.relative).joined(separator: ", ")
        return files.count > 3 ? names + " and \(files.count - 3) more" : names
    }

    /// What the build starts from: the served folder's snapshot plus the batch's own files.
    private func baseline(_ snapshot: OutputTracker.Snapshot, _ batch: ChangeBatch) -> BuildWindow.Baseline {
        var hashes = snapshot
        for path in batch.paths {
            let absolute = paths.absolute(path)
            if hashes[absolute] == nil, let hash = outputs.contentHash(absolute) { hashes[absolute] = hash }
        }
        return BuildWindow.Baseline(hashes: hashes, servedFolder: paths.served)
    }

    /// Runs the build; with `--on-busy restart`, a batch that becomes due meanwhile stops it.
    private func runOrSupersede(_ builder: any BuildRunner) async -> Outcome {
        guard onBusy == .restart else { return .finished(await builder.run()) }
        return await withTaskGroup(of: Outcome?.self) { group in
            group.addTask { .finished(await builder.run()) }
            group.addTask { (try? await nextBatch()).map { .superseded($0) } }
            var result: BuildResult?
            var superseding: ChangeBatch?
            for await outcome in group {
                switch outcome {
                case .finished(let finished): result = finished
                case .superseded(let batch): superseding = batch
                case nil: break
                }
                group.cancelAll()
            }
            // A batch taken from the debouncer is never dropped, even if the build ended too.
            if let superseding { return .superseded(superseding) }
            return .finished(result ?? BuildResult(exitCode: nil, output: "build cancelled", duration: .zero))
        }
    }

    private func publish(_ result: BuildResult, for batch: ChangeBatch, before: OutputTracker.Snapshot) {
        let after = outputs.snapshot()
        let changedOutputs = outputs.changes(from: before, to: after)
        let found = diagnostics.parse(result.output)
        let milliseconds = Int(result.duration / .milliseconds(1))
        if result.succeeded {
            outputs.buildSucceeded(after)
            hub.publish(
                .built, changed: batch.reported, durationMs: milliseconds, outputs: changedOutputs,
                diagnostics: found.isEmpty ? nil : found, hot: modules.update(changed: changedOutputs))
        } else {
            hub.publish(
                .error, changed: batch.reported, durationMs: milliseconds, exitCode: result.exitCode ?? -1,
                output: result.output, diagnostics: found)
        }
    }

    /// Without a build, the changed files under the served folder are what pages see change,
    /// as URL paths; nil when anything may have changed.
    private func servedPaths(in batch: ChangeBatch) -> [String]? {
        guard !batch.everything else { return nil }
        return batch.paths.compactMap { paths.urlPath(paths.absolute($0)) }
    }
}
