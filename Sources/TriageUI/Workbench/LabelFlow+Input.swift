/// What a key did to a ``LabelFlow`` (see ``LabelFlow/handle(_:)``): the screen holding the flow
/// acts on it (keeps the edited flow, cancels, commits, quits).
public enum LabelFlowOutcome: Sendable, Equatable {
    /// The flow changed (a reason toggled, text typed, a stage passed): keep it, clear the status.
    case edited
    /// The key means nothing here: change nothing.
    case ignored
    /// The key was refused; say this in the status bar and keep the flow as it was.
    case refused(String)
    /// The flow was abandoned; drop it and say this.
    case cancelled(String)
    /// Enter in the note field: commit the label the flow describes.
    case commit
    /// Ctrl-D in the note field: the screen's quit (which asks before discarding a note).
    case quit
    /// "y" to the discard question asked by a quit: drop the flow and leave.
    case discardAndQuit
}

extension LabelFlow {
    /// Applies one key to the flow (reason picker, note field, discard question) and says what
    /// the screen must do next. Shared by the workbench and the project screens.
    public mutating func handle(_ key: Key) -> LabelFlowOutcome {
        switch stage {
        case .reasons:
            switch key {
            case .escape:
                return .cancelled("label cancelled")
            case .enter:
                stage = .note
            case .char(let c):
                guard let reason = reasons.first(where: { $0.hotkey == c }) else {
                    return .refused("no reason on \(Sanitize.line(String(c))): press a listed key, Enter or Esc")
                }
                if selected.remove(reason.code) == nil { selected.insert(reason.code) }
            default:
                return .ignored
            }
        case .note:
            switch key {
            case .escape where !note.isEmpty:
                // Never throw typed words away without asking.
                stage = .confirmDiscard
                quitAfterDiscard = false
            case .ctrl("d"):
                // q types into the note; Ctrl-D quits from here, and asks first. (Not Ctrl-Q:
                // with flow control on, the terminal swallows it.)
                return .quit
            case .escape:
                return .cancelled("label cancelled")
            case .enter:
                return .commit
            case .backspace, .ctrl("h"):
                if !note.isEmpty { note.removeLast() }
            case .char(let c):
                guard Self.isPrintable(c) else { return .ignored }
                note.append(c)
            default:
                return .ignored
            }
        case .confirmDiscard:
            switch key {
            case .char("y"), .char("Y"):
                return quitAfterDiscard ? .discardAndQuit : .cancelled("label cancelled, note discarded")
            case .char("n"), .char("N"), .escape:
                stage = .note
            default:
                return .ignored
            }
        case .confirmCorrection(let c):
            switch key {
            case .char("y"), .char("Y"):
                stage = .reasons
            case .char("n"), .char("N"), .escape:
                return .cancelled("left as it is: " + c.described + " stays the case's label")
            case .ctrl("d"):
                return .quit
            default:
                return .ignored
            }
        }
        return .edited
    }

    /// Whether `c` may go into a note: no control, format (bidi) or line-separator characters.
    public static func isPrintable(_ c: Character) -> Bool {
        !c.unicodeScalars.contains { u in
            u.value < 0x20 || (0x7F...0x9F).contains(u.value)
                || [.format, .lineSeparator, .paragraphSeparator].contains(u.properties.generalCategory)
        }
    }
}
