/// A type a flag or `devserve.toml` gives a setting as: `Int`, `Double`, `String`, `Bool` or
/// `[String]`, never optional. It converts to and from ``SettingValue``, the form layers keep
/// whatever the setting.
protocol SettingValueConvertible: Sendable {
    /// How the type is named in errors and read from the file.
    static var kind: SettingKind { get }
    /// The value, when `value` holds this type (a `Double` also takes a whole number).
    init?(_ value: SettingValue)
    var settingValue: SettingValue { get }
}

/// What a setting holds: a given type (`Int` for `port`, which has a default), or an optional
/// one (`Int?` for `poll`, unset unless given). `Given` is the type without the optional: what a
/// flag parses, what a check sees.
protocol SettingType: Sendable {
    associatedtype Given: SettingValueConvertible
    init(given: Given)
    /// The value as given; nil for an unset optional.
    var given: Given? { get }
}

/// The five given types hold themselves.
extension SettingType where Given == Self {
    init(given: Self) { self = given }
    var given: Self? { self }
}

/// `Int?`, `String?`, `Double?`: a setting that is unset unless given.
extension Optional: SettingType where Wrapped: SettingValueConvertible {
    typealias Given = Wrapped
    init(given: Wrapped) { self = .some(given) }
    var given: Wrapped? { self }
}

/// The types of settings.
enum SettingKind: Sendable {
    case int, double, string, bool, strings

    /// How the type is named in error messages (`expected true or false`).
    var expected: String {
        switch self {
        case .int: "a whole number"
        case .double: "a number"
        case .string: "a string"
        case .bool: "true or false"
        // One string is read as a list of one (`watch = "src"`).
        case .strings: "a string or a list of strings"
        }
    }
}

extension Int: SettingValueConvertible, SettingType {
    typealias Given = Int
    static var kind: SettingKind { .int }
    init?(_ value: SettingValue) {
        guard case .int(let number) = value else { return nil }
        self = number
    }
    var settingValue: SettingValue { .int(self) }
}

extension Double: SettingValueConvertible, SettingType {
    typealias Given = Double
    static var kind: SettingKind { .double }
    init?(_ value: SettingValue) {
        guard let number = value.double else { return nil }
        self = number
    }
    var settingValue: SettingValue { .double(self) }
}

extension String: SettingValueConvertible, SettingType {
    typealias Given = String
    static var kind: SettingKind { .string }
    init?(_ value: SettingValue) {
        guard case .string(let text) = value else { return nil }
        self = text
    }
    var settingValue: SettingValue { .string(self) }
}

extension Bool: SettingValueConvertible, SettingType {
    typealias Given = Bool
    static var kind: SettingKind { .bool }
    init?(_ value: SettingValue) {
        guard case .bool(let flag) = value else { return nil }
        self = flag
    }
    var settingValue: SettingValue { .bool(self) }
}

extension Array: SettingValueConvertible, SettingType where Element == String {
    typealias Given = [String]
    static var kind: SettingKind { .strings }
    init?(_ value: SettingValue) {
        guard case .strings(let list) = value else { return nil }
        self = list
    }
    var settingValue: SettingValue { .strings(self) }
}
