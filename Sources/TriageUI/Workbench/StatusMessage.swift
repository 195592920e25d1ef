/// A one-line message in the status bar; it stays until the next key press.
public struct StatusMessage: Sendable, Equatable {
    /// Whether the message reports a failure.
    public enum Kind: Sendable, Equatable {
        case info
        case error
    }

    /// Info or error (errors are drawn in the error role).
    public var kind: Kind
    /// The message (one line; it is truncated to the status bar).
    public var text: String

    /// A message of `kind`.
    public init(_ kind: Kind, _ text: String) {
        self.kind = kind
        self.text = text
    }

    /// An informational message.
    public static func info(_ text: String) -> StatusMessage { StatusMessage(.info, text) }
    /// An error message.
    public static func error(_ text: String) -> StatusMessage { StatusMessage(.error, text) }

    /// The database server cannot be reached (`why`); the screen keeps trying.
    public static func offline(_ why: String) -> StatusMessage {
        .error("offline, retrying; nothing is saved until it says saved: \(why)")
    }
    /// The database server answers again after ``offline(_:)``.
    public static let backOnline = StatusMessage.info("back online: the screen was reloaded")
}
