@testable import DevServe
import Hummingbird
import Testing

@Suite struct HTMLInjectorTests {
    let injector = HTMLInjector(snippet: "<S>")

    func inject(_ page: String) -> String {
        String(decoding: injector.inject(into: Array(page.utf8)), as: UTF8.self)
    }

    @Test func beforeTheLastClosingBody() {
        #expect(inject("<html><body>x</body></html>") == "<html><body>x<S></body></html>")
        #expect(inject("<p>\"</body>\" in text</p></BODY>\n</HTML>") == "<p>\"</body>\" in text</p><S></BODY>\n</HTML>")
    }

    @Test func beforeClosingHTMLWithoutBody() {
        #expect(inject("<html><p>x</p></Html>") == "<html><p>x</p><S></Html>")
    }

    @Test func appendedWithoutEither() {
        #expect(inject("<p>fragment") == "<p>fragment<S>")
        #expect(inject("") == "<S>")
    }

    @Test func keepsBytesThatAreNotUTF8() {
        let page: [UInt8] = [0xFF, 0x3C, 0x2F, 0x62, 0x6F, 0x64, 0x79, 0x3E, 0xFE]
        #expect(injector.inject(into: page) == [0xFF] + Array("<S></body>".utf8) + [0xFE])
    }

    @Test func theDefaultSnippetLoadsTheClient() {
        #expect(String(decoding: HTMLInjector().snippet, as: UTF8.self) == #"<script src="/__hmr/client.js"></script>"#)
    }
}
