import Foundation
import Synchronization

/// Watches folders by comparing snapshots (size, modification time, inode) taken every
/// interval: for file systems that deliver no inotify events (network and container mounts), and
/// when inotify's watch limit is reached.
///
/// It reports the same events as ``InotifyWatcher``: created, modified (content may have changed;
/// a `chmod` alone is not a change) and removed, for files and folders, with the same ignore
/// rules and the same symlink handling. Each fence makes a scan happen at once, so waiting for
/// one costs a scan, not an interval.
public final class PollingWatcher: FileWatcher {
    private struct State {
        var fencesRequested: [UInt64] = []
        var nextFence: UInt64 = 1
        var stopped = false
    }

    /// The changes found by comparing snapshots.
    public let events: AsyncStream<WatchEvent>
    private let continuation: AsyncStream<WatchEvent>.Continuation
    private let filter: WatchFilter
    private let interval: Duration
    private let state = Mutex(State())
    /// Wakes the scanning thread early (a fence, or stop).
    private let wake = NSCondition()

    /// Takes the first snapshot, then returns; later scans run on a thread of their own.
    public init(filter: WatchFilter, interval: Duration) async {
        (events, continuation) = AsyncStream.makeStream(of: WatchEvent.self, bufferingPolicy: .unbounded)
        self.filter = filter
        self.interval = interval
        continuation.onTermination = { [weak self] _ in
            self?.state.withLock { $0.stopped = true }
            self?.signal()
        }
        await withCheckedContinuation { (ready: CheckedContinuation<Void, Never>) in
            let thread = Thread { [self] in self.run(ready: ready) }
            thread.name = "devserve-poll"
            thread.start()
        }
    }

    /// A marker that arrives in `events` after every change seen so far.
    public func insertFence() -> UInt64 {
        let number = state.withLock { state in
            defer { state.nextFence += 1 }
            state.fencesRequested.append(state.nextFence)
            return state.nextFence
        }
        signal()
        return number
    }

    private func signal() {
        wake.lock()
        wake.signal()
        wake.unlock()
    }

    /// Stops polling and ends `events`.
    public func stop() {
        continuation.finish()
    }

    // MARK: The scanning thread

    private func run(ready: CheckedContinuation<Void, Never>) {
        var snapshot = scan()
        ready.resume()
        let seconds = Double(interval.components.seconds) + Double(interval.components.attoseconds) / 1e18
        while true {
            wake.lock()
            if state.withLock({ $0.fencesRequested.isEmpty && !$0.stopped }) {
                _ = wake.wait(until: Date().addingTimeInterval(seconds))
            }
            wake.unlock()
            let (fences, stopped) = state.withLock { state in
                defer { state.fencesRequested.removeAll() }
                return (state.fencesRequested, state.stopped)
            }
            if stopped { return }
            let next = scan()
            for (path, change) in Self.difference(from: snapshot, to: next) {
                continuation.yield(.changed(path, change))
            }
            snapshot = next
            for fence in fences { continuation.yield(.fence(fence)) }
        }
    }

    /// Every path under the roots with its status.
    private func scan() -> [String: FileStatus] {
        var snapshot: [String: FileStatus] = [:]
        let walker = filter.walker
        for root in filter.roots {
            walker.walk(
                root,
                visitFolder: { folder in
                    if let status = FileStatus(folder) { snapshot[folder] = status }
                    return true
                },
                visitFile: { file in
                    if let status = FileStatus(file) ?? FileStatus(file, followLinks: false) { snapshot[file] = status }
                })
        }
        return snapshot
    }

    /// The changes between two snapshots, in path order (parents before children).
    static func difference(from old: [String: FileStatus], to new: [String: FileStatus]) -> [(String, FileChange)] {
        var changes: [(String, FileChange)] = []
        for (path, status) in new {
            if let before = old[path] {
                // A folder's own time changes with its entries, which are reported themselves.
                if status.isDirectory && before.isDirectory { continue }
                if status.contentMayDiffer(from: before) { changes.append((path, .modified)) }
            } else {
                changes.append((path, .created))
            }
        }
        for path in old.keys where new[path] == nil {
            changes.append((path, .removed))
        }
        return changes.sorted { $0.0 < $1.0 }
    }
}
