import CNcursesw
import TriageUI

/// Translates what `get_wch` returned into a ``Key``.
enum KeyDecoder {
    /// `status` is `get_wch`'s result (`OK`, `KEY_CODE_YES` or `ERR`), `value` the character or
    /// key code it stored. Returns nil for a timeout and for codes the workbench does not use.
    static func decode(status: Int32, value: UInt32, size: () -> TerminalSize) -> Key? {
        if status == KEY_CODE_YES { return keyCode(Int32(bitPattern: value), size: size) }
        guard status == OK else { return nil }
        switch value {
        case 10, 13: return .enter
        case 9: return .tab
        case 27: return .escape
        case 8, 127: return .backspace
        case 1...26: return .ctrl(Character(Unicode.Scalar(UInt8(value) + 0x60)))
        case 0..<32: return nil
        default:
            guard let scalar = Unicode.Scalar(value) else { return nil }
            return .char(Character(scalar))
        }
    }

    static func keyCode(_ code: Int32, size: () -> TerminalSize) -> Key? {
        switch code {
        case KEY_UP: return .up
        case KEY_DOWN: return .down
        case KEY_LEFT: return .left
        case KEY_RIGHT: return .right
        case KEY_HOME: return .home
        case KEY_END: return .end
        case KEY_NPAGE: return .pageDown
        case KEY_PPAGE: return .pageUp
        case KEY_ENTER: return .enter
        case KEY_BACKSPACE: return .backspace
        case KEY_DC: return .delete
        case KEY_IC: return .insert
        case KEY_BTAB: return .backTab
        case KEY_RESIZE:
            let s = size()
            return .resize(width: s.width, height: s.height)
        case (KEY_F0 + 1)...(KEY_F0 + 24): return .function(Int(code - KEY_F0))
        default: return nil
        }
    }
}
