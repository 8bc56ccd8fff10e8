import Clocks
import ConcurrencyExtras
import DevServe
import Testing

@Suite struct DebouncerTests {
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
