import Logging

/// The data path: watch → debounce → build → publish. (Serving reads what it publishes.)
struct Pipeline: Sendable {
    let watcher: any FileWatcher
    let debouncer: Debouncer<ContinuousClock>
    let builder: (any BuildRunner)?
    let onBusy: BusyPolicy
    /// Drops the build's own writes (no rebuild loops).
    let gate: BuildOutputGate
    /// Holds requests for the output while a build runs.
    let activity: BuildActivity
    /// What each build changed in the served folder (with a build command).
    let outputs: OutputTracker
    let diagnostics: DiagnosticParser
    let hub: EventHub
    let projectFolder: String
    /// The served folder: changes under it are reported to pages as URL paths.
    let servedFolder: String
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
            group.addTask { try await self.sendHeartbeats() }
            group.addTask {
                for await _ in rebuildRequests { debouncer.addEverything() }
            }
        }
    }

    /// Stage 1 → 2: changes from the watcher into the debouncer.
    private func watch() async {
        for await event in watcher.events {
            switch event {
            case .changed(let path, let change):
                if !gate.drops(path) { debouncer.add(relativePath(path), change) }
            case .overflow:
                logger.warning("file events were lost: treating everything as changed")
                debouncer.addEverything()
            case .fence(let number):
                gate.fenceArrived(number)
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

    /// The next batch with something in it (a batch of files that came and went builds nothing).
    private func nextBatch() async throws -> ChangeBatch {
        while true {
            let batch = try await debouncer.next()
            if !batch.isEmpty { return batch }
        }
    }

    private func build(_ first: ChangeBatch) async {
        var batch = first
        hub.publish(.building, changed: batch.reported)
        guard let builder else {
            hub.publish(.built, changed: batch.reported, durationMs: 0, outputs: servedPaths(in: batch))
            return
        }
        let before = outputs.snapshot()
        while true {
            let outcome = await gate.whileBuilding(watcher: watcher) {
                await activity.whileBuilding { await runOrSupersede(builder) }
            }
            guard !Task.isCancelled else { return }
            switch outcome {
            case .superseded(let next):
                batch.merge(next)
                hub.publish(.building, changed: batch.reported)
            case .finished(let result):
                publish(result, for: batch, before: before)
                return
            }
        }
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
                diagnostics: found.isEmpty ? nil : found)
        } else {
            outputs.buildFailed()
            hub.publish(
                .error, changed: batch.reported, durationMs: milliseconds, exitCode: result.exitCode ?? -1,
                output: result.output, diagnostics: found)
        }
    }

    private func sendHeartbeats() async throws {
        while true {
            try await Task.sleep(for: hub.heartbeatInterval)
            hub.sendHeartbeat()
        }
    }

    /// Without a build, the changed files under the served folder are what pages see change,
    /// as URL paths; nil when anything may have changed.
    private func servedPaths(in batch: ChangeBatch) -> [String]? {
        guard !batch.everything else { return nil }
        let prefix = servedFolder == "/" ? "/" : servedFolder + "/"
        return batch.paths.compactMap { path in
            let absolute = path.hasPrefix("/") ? path : projectFolder + "/" + path
            return absolute.hasPrefix(prefix) ? "/" + absolute.dropFirst(prefix.count) : nil
        }
    }

    /// A path relative to the project folder, or the absolute path when it lies outside.
    private func relativePath(_ path: String) -> String {
        let prefix = projectFolder.hasSuffix("/") ? projectFolder : projectFolder + "/"
        return path.hasPrefix(prefix) ? String(path.dropFirst(prefix.count)) : path
    }
}
