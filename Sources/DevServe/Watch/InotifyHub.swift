import CInotifyTools
import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// The process's one inotify handle, and the one thread that may touch it.
///
/// libinotifytools 3.22 keeps a single global handle and reads into static buffers, so the handle
/// is created once per process and only this hub's dedicated thread (never the Swift concurrency
/// pool) reads from it. The traps of the library are handled on purpose:
/// - `inotifytools_next_events` with more than one event busy-spins on `FIONREAD`: we ask for one.
/// - timeouts are whole seconds and `0` blocks forever: we wait 1 s at most, which is also how a
///   folder moved out of the tree gets forgotten when no further event arrives.
/// - it waits with `select()`, which aborts the process for a descriptor ≥ 1024: ``prepare()`` is
///   called before the server opens any socket, the handle is never re-created, and a descriptor
///   that is too high is reported instead of used.
/// - its path map cannot forget a watch the kernel already dropped (its remove function calls
///   `inotify_rm_watch` again and prints an error) and renames edit the keys of its tree in place,
///   so the hub adds and removes watches on the handle itself and keeps the map of watch
///   descriptors to folders here, renaming it when a folder moves (cookie-paired
///   `IN_MOVED_FROM`/`IN_MOVED_TO`).
/// - hitting `fs.inotify.max_user_watches` fails with `ENOSPC` after part of a tree is watched:
///   the error names the limit and its value.
///
/// Other threads talk to the hub through a command queue. Each command is announced by creating a
/// numbered file in a private control folder that the hub watches too, which both wakes the thread
/// and orders the command after every event that happened before it: that is what makes
/// ``InotifyWatcher/insertFence()`` exact.
final class InotifyHub: Sendable {
    /// The hub, created on first use. Call ``prepare()`` early in `main`.
    static let shared: Result<InotifyHub, WatchError> = {
        do throws(WatchError) {
            return .success(try InotifyHub())
        } catch {
            return .failure(error)
        }
    }()

    /// Creates the handle now, while file descriptors are still low.
    @discardableResult
    static func prepare() -> Result<InotifyHub, WatchError> { shared }

    /// The events devserve listens to: writes, creation, deletion, moves and attribute changes
    /// (`touch` counts, `chmod` is filtered out later). Not reads or opens: serving a file would
    /// trigger a rebuild.
    static let eventMask: UInt32 = UInt32(
        IN_MODIFY | IN_CLOSE_WRITE | IN_ATTRIB | IN_CREATE | IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO
            | IN_DELETE_SELF | IN_MOVE_SELF | IN_ONLYDIR | IN_EXCL_UNLINK)

    enum Command {
        case add(WatchSubscription, reply: @Sendable (Result<Void, WatchError>) -> Void)
        case remove(subscriptionID: Int)
        case fence(subscriptionID: Int, number: UInt64)
    }

    private struct Queue {
        var commands: [(sequence: UInt64, command: Command)] = []
        var nextSequence: UInt64 = 1
    }

    private let fd: Int32
    private let controlFolder: String
    private let queue = Mutex(Queue())
    private let state: HubState

    private init() throws(WatchError) {
        let before = Self.openInotifyDescriptors()
        guard inotifytools_initialize() != 0 else {
            throw WatchError("cannot create an inotify instance: \(String(cString: strerror(inotifytools_error())))"
                + " (fs.inotify.max_user_instances = \(Self.readSysctl("max_user_instances")))")
        }
        guard let fd = Self.openInotifyDescriptors().subtracting(before).first else {
            throw WatchError("cannot find the inotify descriptor libinotifytools created")
        }
        guard fd < FD_SETSIZE else {
            throw WatchError("the inotify descriptor is \(fd), but libinotifytools uses select() and needs one below \(FD_SETSIZE)")
        }
        var template = Array("\(NSTemporaryDirectory())/devserve-control-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else {
            throw WatchError("cannot create a control folder in \(NSTemporaryDirectory())")
        }
        self.fd = fd
        self.controlFolder = String(cString: made)
        let controlWD = inotify_add_watch(fd, controlFolder, UInt32(IN_CREATE))
        guard controlWD >= 0 else {
            throw WatchError("cannot watch the control folder: \(String(cString: strerror(errno)))")
        }
        self.state = HubState(fd: fd, controlWD: controlWD)
        let thread = Thread { [self] in self.runLoop() }
        thread.name = "devserve-inotify"
        thread.start()
        atexit { InotifyHub.removeControlFolder() }
    }

    /// Queues a command and wakes the hub thread.
    func send(_ command: Command) {
        let sequence = queue.withLock { queue in
            let sequence = queue.nextSequence
            queue.nextSequence += 1
            queue.commands.append((sequence, command))
            return sequence
        }
        let path = "\(controlFolder)/\(sequence)"
        let created = open(path, O_CREAT | O_WRONLY | O_CLOEXEC, 0o600)
        if created >= 0 { close(created) }
    }

    // MARK: The hub thread

    private func runLoop() {
        while true {
            guard let pointer = inotifytools_next_event(1) else {
                // A timeout (or EINTR): nothing more belongs to a pending move.
                state.finishPendingMoves()
                continue
            }
            let raw = pointer.pointee
            let name: String
            if raw.len > 0 {
                name = String(cString: UnsafeRawPointer(pointer).advanced(by: MemoryLayout<inotify_event>.size)
                    .assumingMemoryBound(to: CChar.self))
            } else {
                name = ""
            }
            let event = RawInotifyEvent(wd: raw.wd, mask: raw.mask, cookie: raw.cookie, name: name)
            if event.wd == state.controlWD {
                runCommands(through: UInt64(name) ?? 0)
                unlink("\(controlFolder)/\(name)")
            } else {
                state.handle(event)
            }
        }
    }

    private func runCommands(through sequence: UInt64) {
        // Commands are queued in sequence order: the due ones are a prefix.
        let due = queue.withLock { queue in
            let count = queue.commands.firstIndex { $0.sequence > sequence } ?? queue.commands.count
            defer { queue.commands.removeFirst(count) }
            return queue.commands.prefix(count)
        }
        state.finishPendingMoves()
        for (_, command) in due {
            state.run(command)
        }
    }

    // MARK: Helpers

    private static func removeControlFolder() {
        if case .success(let hub) = shared {
            try? FileManager.default.removeItem(atPath: hub.controlFolder)
        }
    }

    private static func openInotifyDescriptors() -> Set<Int32> {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []
        return Set(names.compactMap { name -> Int32? in
            guard let fd = Int32(name),
                let target = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/fd/\(name)"),
                target == "anon_inode:inotify"
            else { return nil }
            return fd
        })
    }

    static func readSysctl(_ name: String) -> String {
        let value = try? String(contentsOfFile: "/proc/sys/fs/inotify/\(name)", encoding: .utf8)
        return value?.trimmingCharacters(in: .whitespacesAndNewlines) ?? "unknown"
    }
}

/// An event copied out of libinotifytools' static buffer.
struct RawInotifyEvent {
    let wd: Int32
    let mask: UInt32
    let cookie: UInt32
    let name: String

    func has(_ flag: Int32) -> Bool { mask & UInt32(flag) != 0 }
}

/// A watch failure worth a one-line message.
public struct WatchError: Error, CustomStringConvertible, Sendable {
    /// The message.
    public let description: String
    /// Whether inotify's watch limit was reached (polling can take over).
    public let isWatchLimit: Bool
    init(_ description: String, isWatchLimit: Bool = false) {
        self.description = description
        self.isWatchLimit = isWatchLimit
    }

    /// The message for `ENOSPC` from `inotify_add_watch`.
    static func watchLimit(at path: String) -> WatchError {
        let limit = InotifyHub.readSysctl("max_user_watches")
        var message = "inotify watch limit reached at \(path): fs.inotify.max_user_watches = \(limit)"
        // Inside a user namespace (containers) its own, lower limit may be the one hit.
        if let text = try? String(contentsOfFile: "/proc/sys/user/max_inotify_watches", encoding: .utf8),
            let own = Int(text.trimmingCharacters(in: .whitespacesAndNewlines)), let global = Int(limit), own < global
        {
            message += " (user.max_inotify_watches = \(own) here)"
        }
        return WatchError(message + "; raise it with `sudo sysctl fs.inotify.max_user_watches=524288`", isWatchLimit: true)
    }
}
