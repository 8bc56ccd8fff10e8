import Clocks
import ConcurrencyExtras
import DevServe
import Testing

@Suite(.timeLimit(.minutes(3))) struct DebouncerTests {
    /// Starts pulling one batch; `done` holds it once it is due.
    final class Pull: Sendable {
        let done = Locked<ChangeBatch?>(nil)
        let task: Task<Void, any Error>

        init(_ debouncer: Debouncer<TestClock<Duration>>) {
            let done = self.done
            task = Task {
                let batch = try await debouncer.next()
                done.set(batch)
            }
        }

        var batch: ChangeBatch? { done.value }
    }

    @Test func aBurstBecomesOneBatchDueAfterTheLastChange() async throws {
        let clock = TestClock()
        let debouncer = Debouncer(interval: .milliseconds(20), clock: clock)
        let pull = Pull(debouncer)
        debouncer.add("a.css")
        await clock.advance(by: .milliseconds(15))
        debouncer.add("b.js")
        debouncer.add("a.css")
        await clock.advance(by: .milliseconds(15))  // 30 ms after a, 15 ms after b
        await Task.megaYield()
        #expect(pull.batch == nil, "the batch is due 20 ms after the last change, not the first")
        await clock.advance(by: .milliseconds(5))
        try await pull.task.value
        #expect(pull.batch == ChangeBatch(paths: ["a.css", "b.js"]))
    }

    @Test func aBatchIsDueAtMaxWaitEvenIfChangesKeepComing() async throws {
        let clock = TestClock()
        let debouncer = Debouncer(interval: .milliseconds(20), maxWait: .milliseconds(100), clock: clock)
        let pull = Pull(debouncer)
        for step in 0..<9 {
            debouncer.add("busy-\(step).txt")
            await clock.advance(by: .milliseconds(10))  // never the 20 ms pause
        }
        await Task.megaYield()
        #expect(pull.batch == nil, "90 ms after the first change: not yet")
        debouncer.add("last.txt")
        await clock.advance(by: .milliseconds(10))
        try await pull.task.value
        #expect(pull.batch?.paths.count == 10, "due 100 ms after the first change")
    }

    @Test func aFileStillOpenForWritingHoldsTheBatchUntilItIsClosed() async throws {
        let clock = TestClock()
        let debouncer = Debouncer(interval: .milliseconds(20), maxWait: .seconds(1), clock: clock)
        let pull = Pull(debouncer)
        debouncer.add("index.html", .written)  // write(), then a slow fsync() before close()
        await clock.advance(by: .milliseconds(200))
        await Task.megaYield()
        #expect(pull.batch == nil, "the save is not finished")
        debouncer.add("index.html", .closed)
        await clock.advance(by: .milliseconds(20))
        try await pull.task.value
        #expect(pull.batch == ChangeBatch(paths: ["index.html"]))

        let stuck = Pull(debouncer)
        debouncer.add("server.log", .written)  // never closed: due at maxWait
        await clock.advance(by: .seconds(1))
        try await stuck.task.value
        #expect(stuck.batch == ChangeBatch(paths: ["server.log"]))
    }

    @Test func filesThatCameAndWentAreNotInTheBatch() {
        var batch = ChangeBatch()
        batch.insert(".index.html.tmp", .created)
        batch.insert(".index.html.tmp", .modified)
        batch.insert(".index.html.tmp", .removed)
        batch.insert("index.html", .created)
        batch.insert("old.css", .removed)
        batch.insert("old.css", .created)
        #expect(batch.paths == ["index.html", "old.css"])
        var temporaryOnly = ChangeBatch()
        temporaryOnly.insert("x.tmp", .created)
        temporaryOnly.insert("x.tmp", .removed)
        #expect(temporaryOnly.isEmpty)
        var closedOnly = ChangeBatch()
        closedOnly.insert("opened-for-writing.txt", .closed)
        #expect(closedOnly.isEmpty, "opened for writing and closed without a write")
    }

    @Test func nothingIsDueWithoutChanges() async throws {
        let clock = TestClock()
        let debouncer = Debouncer(interval: .milliseconds(20), clock: clock)
        let pull = Pull(debouncer)
        await clock.advance(by: .seconds(10))
        await Task.megaYield()
        #expect(pull.batch == nil)
        debouncer.add("late.html")
        await clock.advance(by: .milliseconds(20))
        try await pull.task.value
        #expect(pull.batch == ChangeBatch(paths: ["late.html"]))
    }

    @Test func changesWhileTheConsumerIsBusyMakeExactlyOneFollowUpBatch() async throws {
        let clock = TestClock()
        let debouncer = Debouncer(interval: .milliseconds(20), clock: clock)
        debouncer.add("first")
        let first = Pull(debouncer)
        await clock.advance(by: .milliseconds(20))
        try await first.task.value
        // The consumer is "building" now; changes keep coming.
        for name in ["x", "y", "x", "z"] {
            debouncer.add(name)
            await clock.advance(by: .milliseconds(50))
        }
        let second = Pull(debouncer)
        try await second.task.value  // already due: no waiting
        #expect(second.batch == ChangeBatch(paths: ["x", "y", "z"]))
        let third = Pull(debouncer)
        await clock.advance(by: .seconds(1))
        await Task.megaYield()
        #expect(third.batch == nil, "everything went into one follow-up batch")
        third.task.cancel()
    }

    @Test func overflowMarksEverything() async throws {
        let clock = TestClock()
        let debouncer = Debouncer(interval: .zero, clock: clock)
        debouncer.addEverything()
        let batch = try await debouncer.next()
        #expect(batch.everything && batch.reported == ["."])
    }

    @Test func cancellingAWaitingConsumerEndsTheWait() async throws {
        let debouncer = Debouncer(interval: .milliseconds(20), clock: TestClock())
        let task = Task { try await debouncer.next() }
        task.cancel()
        await #expect(throws: CancellationError.self) { try await task.value }
    }
}
