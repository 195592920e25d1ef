/// A one-line message in the status bar; it stays until the next key press.
public struct StatusMessage: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        case info
        case error
    }

    public var kind: Kind
    public var text: String

    public init(_ kind: Kind, _ text: String) {
        self.kind = kind
        self.text = text
    }

    public static func info(_ text: String) -> StatusMessage { StatusMessage(.info, text) }
    public static func error(_ text: String) -> StatusMessage { StatusMessage(.error, text) }
}
