import Foundation

/// What a `Range` header asks of a file of a given size, by the rules of RFC 9110 §14.
///
/// Hummingbird's `FileMiddleware` got several of these wrong (a suffix range gave the first
/// bytes, an unknown unit or an over-long number gave 416, a second range was dropped), so
/// devserve decides them here, as a pure function with a test per rule:
/// - only the `bytes` unit is understood; any other unit, and a header that does not parse, is
///   ignored: the whole file, 200;
/// - `first-last`, `first-` and `-suffix`; a `last` past the end (however many digits) stops at
///   the end; a range that starts past the end, or `-0`, cannot be satisfied;
/// - if no range can be satisfied: 416 with `Content-Range: bytes */SIZE`; unsatisfiable ranges
///   among satisfiable ones are dropped;
/// - several ranges that overlap or touch are merged (`bytes=0-0,1-1` is `bytes=0-1`). Ranges
///   that stay apart get the whole file, 200, rather than `multipart/byteranges`: RFC 9110
///   allows it, no browser asks for several ranges, and it leaves nothing to amplify.
enum ByteRangeRequest {
    enum Outcome: Equatable {
        /// Send the whole file (200).
        case whole
        /// Send these bytes (206).
        case part(ClosedRange<Int>)
        /// 416.
        case unsatisfiable
    }

    static func evaluate(_ header: String, size: Int) -> Outcome {
        guard let equals = header.firstIndex(of: "="),
            header[..<equals].trimmingCharacters(in: .whitespaces).lowercased() == "bytes"
        else { return .whole }
        var ranges: [ClosedRange<Int>] = []
        var parsedAny = false
        for element in header[header.index(after: equals)...].split(separator: ",", omittingEmptySubsequences: false) {
            let spec = element.trimmingCharacters(in: .whitespaces)
            if spec.isEmpty { continue }  // empty list elements are allowed and mean nothing
            guard let dash = spec.firstIndex(of: "-") else { return .whole }
            let first = spec[..<dash]
            let last = spec[spec.index(after: dash)...]
            parsedAny = true
            if first.isEmpty {
                guard let suffix = number(last) else { return .whole }
                if suffix > 0, size > 0 { ranges.append(max(size - suffix, 0)...(size - 1)) }
            } else {
                guard let start = number(first) else { return .whole }
                var end = Int.max
                if !last.isEmpty {
                    guard let given = number(last) else { return .whole }
                    guard given >= start else { return .whole }  // invalid: the header is ignored
                    end = given
                }
                if start < size { ranges.append(start...min(end, size - 1)) }
            }
        }
        guard parsedAny else { return .whole }
        let merged = merge(ranges)
        switch merged.count {
        case 0: return .unsatisfiable
        case 1: return .part(merged[0])
        default: return .whole
        }
    }

    /// Ranges that overlap or touch, merged, in order.
    private static func merge(_ ranges: [ClosedRange<Int>]) -> [ClosedRange<Int>] {
        var merged: [ClosedRange<Int>] = []
        for range in ranges.sorted(by: { $0.lowerBound < $1.lowerBound }) {
            if let last = merged.last, range.lowerBound <= last.upperBound + 1 {
                merged[merged.count - 1] = last.lowerBound...max(last.upperBound, range.upperBound)
            } else {
                merged.append(range)
            }
        }
        return merged
    }

    /// Decimal digits only; a number too large for `Int` is `Int.max` (it is past any end).
    private static func number(_ text: Substring) -> Int? {
        guard !text.isEmpty, text.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) else { return nil }
        return Int(text) ?? Int.max
    }
}
