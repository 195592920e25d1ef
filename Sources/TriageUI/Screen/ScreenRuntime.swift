import TriageCore

/// A screen the terminal can run: keys in, frames out. ``WorkbenchRuntime`` and
/// ``ProjectRuntime`` adopt it, so one terminal loop runs either.
public protocol ScreenRuntime: AnyObject {
    /// Loads the first screen.
    func start()
    /// Handles one key press (or resize).
    func handle(key: Key)
    /// Moves the clock on (about once a second); true when the screen needs drawing again.
    @discardableResult func tick() -> Bool
    /// The screen for the current state.
    func frame() -> Grid
    /// Whether the person asked to leave.
    var isFinished: Bool { get }
    /// The theme to draw with.
    var theme: Theme { get }
    /// The time the screen measures ages against.
    var now: Timestamp { get }
    /// Gives back whatever the session holds (claims). Safe to call more than once.
    func shutdown()
    /// Whether background work is running, so the terminal should ``poll()`` often.
    var isBusy: Bool { get }
    /// Applies what background work reported; true when the screen needs drawing again.
    func poll() -> Bool
}

extension ScreenRuntime {
    public var isBusy: Bool { false }
    public func poll() -> Bool { false }
}

extension WorkbenchRuntime: ScreenRuntime {
    /// The theme the workbench is drawn with.
    public var theme: Theme { state.theme }
    /// The time ages are measured against.
    public var now: Timestamp { state.now }
}
