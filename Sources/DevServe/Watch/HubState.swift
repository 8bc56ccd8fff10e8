import CInotifyTools

#if canImport(Glibc)
import Glibc
#endif

/// The hub thread's bookkeeping: which folder each watch descriptor stands for, for whom.
///
/// Only the hub thread touches it, hence `@unchecked Sendable`.
final class HubState: @unchecked Sendable {
    private struct Owner {
        let subscription: Int
        var path: String
    }

    /// A folder watched for a subscription.
    private struct WatchedFolder: Hashable {
        let subscription: Int
        let path: String

        /// Whether this folder is `folder` or lies below it, for the same subscription.
        func isUnder(_ folder: WatchedFolder) -> Bool {
            subscription == folder.subscription && FolderPath.contains(folder.path, path)
        }
    }

    let controlWD: Int32
    private let fd: Int32
    private var subscriptions: [Int: WatchSubscription] = [:]
    /// Watch descriptor → the folders it stands for (one per subscription watching that folder).
    private var owners: [Int32: [Owner]] = [:]
    /// (subscription, folder) → watch descriptor.
    private var descriptors: [WatchedFolder: Int32] = [:]
    /// Folders moved away by `IN_MOVED_FROM`, waiting for their `IN_MOVED_TO`.
    private var pendingMoves: [UInt32: WatchedFolder] = [:]

    init(fd: Int32, controlWD: Int32) {
        self.fd = fd
        self.controlWD = controlWD
    }

    // MARK: Commands

    func run(_ command: InotifyHub.Command) {
        switch command {
        case .add(let subscription, let reply):
            subscriptions[subscription.id] = subscription
            for root in subscription.roots {
                if let error = watchTree(root, for: subscription, reportFiles: false) {
                    remove(subscription: subscription.id)
                    reply(.failure(error))
                    return
                }
            }
            reply(.success(()))
        case .remove(let id):
            remove(subscription: id)
        case .fence(let id, let number):
            subscriptions[id]?.continuation.yield(.fence(number))
        }
    }

    private func remove(subscription id: Int) {
        for (wd, list) in owners {
            let kept = list.filter { $0.subscription != id }
            if kept.isEmpty {
                inotify_rm_watch(fd, wd)
                owners[wd] = nil
            } else {
                owners[wd] = kept
            }
        }
        descriptors = descriptors.filter { $0.key.subscription != id }
        subscriptions[id]?.continuation.finish()
        subscriptions[id] = nil
    }

    // MARK: Events

    func handle(_ event: RawInotifyEvent) {
        if event.wd == -1 || event.has(IN_Q_OVERFLOW) {
            overflowed()
            return
        }
        if !pendingMoves.isEmpty && !(event.has(IN_MOVED_TO) && pendingMoves[event.cookie] != nil) {
            finishPendingMoves()
        }
        if event.has(IN_IGNORED) {
            forget(wd: event.wd)
            return
        }
        guard let list = owners[event.wd] else { return }
        for owner in list {
            guard let subscription = subscriptions[owner.subscription] else { continue }
            if event.has(IN_DELETE_SELF) || event.has(IN_MOVE_SELF) {
                if subscription.roots.contains(owner.path) {
                    subscription.continuation.yield(.warning("watched folder \(owner.path) was removed or moved away"))
                }
                continue
            }
            let path = event.name.isEmpty ? owner.path : "\(owner.path)/\(event.name)"
            let isDirectory = event.has(IN_ISDIR)
            if subscription.ignores(path, isDirectory: isDirectory) { continue }
            if isDirectory {
                handleFolderEvent(event, path: path, subscription: subscription)
            } else if event.has(IN_ATTRIB) {
                // `touch` counts as a change, `chmod` does not.
                if FileStatus(path, followLinks: false)?.lastChangeTouchedContent == true {
                    subscription.report(path, .modified)
                }
            } else if event.has(IN_CREATE) || event.has(IN_MOVED_TO), subscription.filter.followSymlinks,
                FileStatus(path, followLinks: false)?.isSymbolicLink == true, FileStatus(path)?.isDirectory == true
            {
                // A link to a folder: watched like a folder created here.
                handleFolderEvent(event, path: path, subscription: subscription)
            } else {
                subscription.report(path, Self.change(event))
            }
        }
    }

    /// The change an event stands for.
    private static func change(_ event: RawInotifyEvent) -> FileChange {
        if event.has(IN_CREATE) || event.has(IN_MOVED_TO) { return .created }
        if event.has(IN_DELETE) || event.has(IN_MOVED_FROM) { return .removed }
        if event.has(IN_CLOSE_WRITE) { return .closed }
        return .written
    }

    private func handleFolderEvent(_ event: RawInotifyEvent, path: String, subscription: WatchSubscription) {
        if event.has(IN_MOVED_FROM) {
            pendingMoves[event.cookie] = WatchedFolder(subscription: subscription.id, path: path)
            subscription.report(path, .removed)
        } else if event.has(IN_MOVED_TO), let move = pendingMoves.removeValue(forKey: event.cookie),
            move.subscription == subscription.id
        {
            rename(move.path, to: path, subscription: subscription.id)
            subscription.report(path, .created)
            scanFiles(path, for: subscription)
        } else if event.has(IN_CREATE) || event.has(IN_MOVED_TO) {
            // A new folder (or one moved in): watch it, then report everything already in it,
            // because files created before the watch was added produce no event.
            subscription.report(path, .created)
            if let error = watchTree(path, for: subscription, reportFiles: true) { subscription.report(error) }
        } else if event.has(IN_DELETE) {
            subscription.report(path, .removed)
        }
    }

    /// Folders moved out of the tree: stop watching them (they still exist elsewhere, so the
    /// kernel would keep reporting them under their old name).
    func finishPendingMoves() {
        guard !pendingMoves.isEmpty else { return }
        for move in pendingMoves.values {
            for (folder, wd) in descriptors where folder.isUnder(move) {
                unwatch(wd: wd, subscription: move.subscription)
            }
        }
        pendingMoves.removeAll()
    }

    private func overflowed() {
        for subscription in subscriptions.values {
            subscription.continuation.yield(.overflow)
            // Folders created while events were lost are not watched yet.
            for root in subscription.roots {
                if let error = watchTree(root, for: subscription, reportFiles: false) { subscription.report(error) }
            }
        }
    }

    // MARK: The watch map

    /// Watches `root` and every folder below it; with `reportFiles`, reports every entry found.
    private func watchTree(_ root: String, for subscription: WatchSubscription, reportFiles: Bool) -> WatchError? {
        var failure: WatchError?
        subscription.filter.walker.walk(
            root,
            visitFolder: { folder in
                guard failure == nil else { return false }
                if reportFiles, folder != root { subscription.report(folder, .created) }
                let watched = WatchedFolder(subscription: subscription.id, path: folder)
                if self.descriptors[watched] != nil { return true }
                let wd = inotify_add_watch(self.fd, folder, InotifyHub.eventMask)
                if wd < 0 {
                    switch errno {
                    case ENOSPC: failure = .watchLimit(at: folder)
                    case ENOENT, EACCES, ENOTDIR, ELOOP: break  // gone already, or not ours to read
                    default: failure = WatchError("cannot watch \(folder): \(String(cString: strerror(errno)))")
                    }
                    return false
                }
                // The kernel gives one descriptor per folder: a folder reached again through a
                // symbolic link (or a link cycle) is watched once, under its first path.
                if self.owners[wd]?.contains(where: { $0.subscription == subscription.id }) == true { return false }
                self.owners[wd, default: []].append(Owner(subscription: subscription.id, path: folder))
                self.descriptors[watched] = wd
                return true
            },
            visitFile: reportFiles ? { file in subscription.report(file, .created) } : nil)
        return failure
    }

    private func rename(_ old: String, to new: String, subscription: Int) {
        let moved = WatchedFolder(subscription: subscription, path: old)
        for (folder, wd) in descriptors where folder.isUnder(moved) {
            let newPath = new + folder.path.dropFirst(old.count)
            descriptors[folder] = nil
            descriptors[WatchedFolder(subscription: subscription, path: newPath)] = wd
            owners[wd] = owners[wd]?.map { owner in
                owner.subscription == subscription ? Owner(subscription: subscription, path: newPath) : owner
            }
        }
    }

    private func unwatch(wd: Int32, subscription: Int) {
        guard var list = owners[wd] else { return }
        for owner in list where owner.subscription == subscription {
            descriptors[WatchedFolder(subscription: subscription, path: owner.path)] = nil
        }
        list.removeAll { $0.subscription == subscription }
        if list.isEmpty {
            inotify_rm_watch(fd, wd)  // its IN_IGNORED then finds nothing left to forget
            owners[wd] = nil
        } else {
            owners[wd] = list
        }
    }

    /// The kernel dropped this watch (its folder was deleted): forget it.
    private func forget(wd: Int32) {
        for owner in owners[wd] ?? [] {
            descriptors[WatchedFolder(subscription: owner.subscription, path: owner.path)] = nil
        }
        owners[wd] = nil
    }

    private func scanFiles(_ folder: String, for subscription: WatchSubscription) {
        subscription.filter.walker.walk(
            folder,
            visitFolder: { path in
                if path != folder { subscription.report(path, .created) }
                return true
            },
            visitFile: { subscription.report($0, .created) })
    }
}
