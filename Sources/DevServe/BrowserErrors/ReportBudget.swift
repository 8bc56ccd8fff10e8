import Synchronization

/// How many error reports devserve takes from pages: at most ``limit`` in any ``window``, for all
/// pages together. A page stuck in an error loop (a `requestAnimationFrame` that throws) would
/// otherwise flood the terminal and every event stream; the client limits itself too, but a
/// report is an unauthenticated POST from the same origin, so the server holds the line.
final class ReportBudget: Sendable {
    let limit: Int
    let window: Duration
    private let sent = Mutex<[ContinuousClock.Instant]>([])

    init(limit: Int = 30, window: Duration = .seconds(10)) {
        self.limit = limit
        self.window = window
    }

    /// Whether one more report fits now; if it does, it is counted.
    func take(now: ContinuousClock.Instant = .now) -> Bool {
        sent.withLock { sent in
            sent.removeAll { now - $0 >= window }
            guard sent.count < limit else { return false }
            sent.append(now)
            return true
        }
    }
}
