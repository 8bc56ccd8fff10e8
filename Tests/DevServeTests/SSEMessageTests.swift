import DevServe
import Testing

@Suite struct SSEMessageTests {
    @Test func singleLineEventWithIDAndRetry() {
        let message = SSEMessage(event: "built", data: #"{"id":3}"#, id: "abc-3", retry: 1000)
        #expect(message.encoded == "event: built\nid: abc-3\nretry: 1000\ndata: {\"id\":3}\n\n")
    }

    @Test func everyLineOfDataGetsItsOwnDataField() {
        let message = SSEMessage(event: "error", data: "one\ntwo\r\nthree\rfour\n")
        #expect(message.encoded == "event: error\ndata: one\ndata: two\ndata: three\ndata: four\ndata: \n\n")
    }

    @Test func parsedBackByABrowserStyleParser() {
        let data = "line 1\nline 2 with: colon\n\n  indented"
        var parser = SSEParser()
        let events = parser.feed(SSEMessage(event: "x", data: data, id: "7").encoded)
        #expect(events == [SSEEvent(event: "x", data: data, id: "7")])
    }

    @Test func lineBreaksCannotEndTheEventOrIDFieldEarly() {
        let message = SSEMessage(event: "built\ndata: forged", data: "{}", id: "1\n\nevent: x\0")
        #expect(message.encoded == "event: builtdata: forged\nid: 1event: x\ndata: {}\n\n")
    }

    @Test func commentsAreSingleLines() {
        #expect(SSEMessage.comment("keep\nalive") == ": keepalive\n\n")
    }
}
