import Foundation

/// A request's `Accept-Encoding` (RFC 9110 §12.5.3), parsed, and the ``ContentCoding`` it gets
/// among those a response can be sent in. A pure value, so each rule has its own unit test.
///
/// - Each element is a coding name (any case; `x-gzip` is `gzip`, §8.4.1.3) with an optional
///   weight `q` from 0 to 1 with at most three decimals. Other parameters are ignored; an element
///   whose `q` does not parse (`q=high`, `q=1.5`, `q=0.0001`) is ignored as a whole, rather than
///   read as some weight it may not mean.
/// - `q=0` refuses a coding: `gzip;q=0` is never sent gzip, whatever else the field says.
/// - `*` gives every coding not named its weight (`*;q=0` refuses them all).
/// - A name given twice counts the first time.
/// - No field, or an empty one: identity. RFC 9110 would let a server pick any coding when the
///   field is absent, but a client that sends none (curl, scripts, `HTTPClient` without
///   decompression) rarely expects one, and every browser sends the field.
/// - identity is what a response falls back to. Named with a weight (`identity;q=0.5`), it is
///   weighed like the others and wins only with a higher weight; a coding the client weighs the
///   same is preferred to it. Refused (`identity;q=0`, or `*;q=0` without it) while nothing else
///   fits, devserve still sends identity rather than a 406: RFC 9110 allows either, and a page
///   that cannot load is worse than one whose client said something odd.
struct AcceptEncoding: Equatable, Sendable {
    /// The weight of each coding named (lowercased, `x-gzip` as `gzip`, `*` for the rest), in
    /// thousandths: `q=0.5` is 500, no `q` is 1000.
    let weights: [String: Int]

    /// Parses a field value (the lines of a repeated field joined with `,`); nil: no field.
    init(_ field: String?) {
        var weights: [String: Int] = [:]
        for element in (field ?? "").split(separator: ",") {
            let parts = element.split(separator: ";", omittingEmptySubsequences: false)
            let name = parts[0].trimmingCharacters(in: .whitespaces).lowercased()
            guard !name.isEmpty, !name.contains(" "), !name.contains("\t") else { continue }
            var weight: Int? = 1000
            for parameter in parts.dropFirst() {
                let pair = parameter.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                guard pair.count == 2, pair[0].trimmingCharacters(in: .whitespaces).lowercased() == "q" else { continue }
                weight = Self.qvalue(pair[1].trimmingCharacters(in: .whitespaces))
            }
            let key = name == "x-gzip" ? "gzip" : name
            if let weight, weights[key] == nil { weights[key] = weight }
        }
        self.weights = weights
    }

    /// How much the client wants `coding`, from 0 (refused, or not named and no `*`) to 1000.
    /// identity not named takes the weight of `*`, else 1000 (but see ``preferred(among:)``: it
    /// loses ties).
    func weight(of coding: ContentCoding) -> Int {
        weights[coding.rawValue] ?? weights["*"] ?? (coding == .identity ? 1000 : 0)
    }

    /// The coding to send among `offered` (best first, as the server ranks them; identity need
    /// not be listed: it is always possible). The highest weight wins; on a tie, the coding
    /// offered first, and any coding over identity.
    func preferred(among offered: [ContentCoding]) -> ContentCoding {
        var choice = ContentCoding.identity
        // identity competes only with the weight it was given by name: a client that names
        // just `gzip;q=0.1` wants gzip rather than nothing.
        var chosenWeight = weights[ContentCoding.identity.rawValue] ?? 0
        for coding in offered where coding != .identity {
            let wanted = weight(of: coding)
            guard wanted > 0 else { continue }
            if choice == .identity ? wanted >= chosenWeight : wanted > chosenWeight {
                choice = coding
                chosenWeight = wanted
            }
        }
        return choice
    }

    /// A `qvalue` (`0`, `0.5`, `0.125`, `1`, `1.000`) in thousandths; nil when it does not parse.
    static func qvalue(_ text: String) -> Int? {
        let bytes = Array(text.utf8)
        guard let first = bytes.first, first == UInt8(ascii: "0") || first == UInt8(ascii: "1") else { return nil }
        guard bytes.count > 1 else { return first == UInt8(ascii: "1") ? 1000 : 0 }
        let decimals = Array(bytes.dropFirst(2))
        guard bytes[1] == UInt8(ascii: "."), decimals.count <= 3,
            decimals.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") })
        else { return nil }
        var thousandths = 0
        for place in 0..<3 {
            thousandths = thousandths * 10 + (place < decimals.count ? Int(decimals[place] - UInt8(ascii: "0")) : 0)
        }
        if first == UInt8(ascii: "1") { return thousandths == 0 ? 1000 : nil }
        return thousandths
    }
}
