import Logging

/// The data path: watch → debounce → build → publish. (Serving reads what it publishes.)
struct Pipeline: Sendable {
    let watcher: any FileWatcher
    let debouncer: Debouncer<ContinuousClock>
    let builder: (any BuildRunner)?
    let gate: BuildOutputGate
    let hub: EventHub
    let projectFolder: String
    let logger: Logger
    /// Finishes once the server listens: the start-up build waits for it, so its events come
    /// after the `listening` line.
    let listening: AsyncStream<Void>

    func run() async throws {
        try await withThrowingDiscardingTaskGroup { group in
            group.addTask { await self.watch() }
            group.addTask { try await self.buildBatches() }
            group.addTask { try await self.sendHeartbeats() }
        }
    }

    /// Stage 1 → 2: changes from the watcher into the debouncer.
    private func watch() async {
        for await event in watcher.events {
            switch event {
            case .changed(let path):
                if !gate.drops(path) { debouncer.add(relativePath(path)) }
            case .overflow:
                logger.warning("inotify queue overflowed: treating everything as changed")
                debouncer.addEverything()
            case .fence(let number):
                gate.fenceArrived(number)
            case .warning(let message):
                logger.warning("\(message)")
            }
        }
    }

    /// Stages 2 → 3 → 4: each due batch is built (one build at a time) and published. With a
    /// build command, the first build runs at start, so the output and the status are current.
    private func buildBatches() async throws {
        for await _ in listening {}
        var batch = builder == nil ? try await debouncer.next() : ChangeBatch()
        while true {
            await build(batch)
            try Task.checkCancellation()
            batch = try await debouncer.next()
        }
    }

    private func build(_ batch: ChangeBatch) async {
        let changed = batch.reported
        hub.publish(.building, changed: changed)
        guard let builder else {
            hub.publish(.built, changed: changed, durationMs: 0)
            return
        }
        let result = await gate.whileBuilding(watcher: watcher) { await builder.run() }
        guard !Task.isCancelled else { return }
        let milliseconds = Int(result.duration / .milliseconds(1))
        if result.succeeded {
            hub.publish(.built, changed: changed, durationMs: milliseconds)
        } else {
            hub.publish(.error, changed: changed, durationMs: milliseconds, exitCode: result.exitCode ?? -1, output: result.output)
        }
    }

    private func sendHeartbeats() async throws {
        while true {
            try await Task.sleep(for: hub.heartbeatInterval)
            hub.sendHeartbeat()
        }
    }

    /// A path relative to the project folder, or the absolute path when it lies outside.
    private func relativePath(_ path: String) -> String {
        let prefix = projectFolder.hasSuffix("/") ? projectFolder : projectFolder + "/"
        return path.hasPrefix(prefix) ? String(path.dropFirst(prefix.count)) : path
    }
}
