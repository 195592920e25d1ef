import Foundation
import TriageStore

/// A one-line progress bar on stderr, redrawn in place (only used when stderr is a terminal).
final class ProgressBar {
    let label: String
    /// When the current phase started: rate and time left are per phase.
    private var started = Date()
    private var phase: ImportProgress.Phase?

    init(label: String) { self.label = label }

    func update(_ p: ImportProgress) {
        if p.phase != phase {
            phase = p.phase
            started = Date()
        }
        let elapsed = max(Date().timeIntervalSince(started), 0.001)
        let rate = Int(Double(p.linesRead) / elapsed)
        let label = "\(self.label) (\(p.phase.rawValue))"
        var line = p.phase == .reading ? "\(label): \(p.bytesRead >> 20) MiB" : "\(label): \(p.linesRead) lines, \(rate)/s"
        if let total = p.totalBytes, total > 0 {
            let frac = min(1, Double(p.bytesRead) / Double(total))
            line = "\(label) " + Bar.draw(frac) + " \(Int(frac * 100))%  \(p.linesRead) lines, \(rate)/s"
            if frac > 0.01 {
                let eta = elapsed / frac - elapsed
                line += ", \(Int(eta))s left"
            }
        }
        Bar.show(line)
    }

    func finish() { Bar.show("") }
}

/// What both bars share: the bar itself and the line redrawn in place.
enum Bar {
    /// `[#####...]`, 24 columns, filled to `fraction`.
    static func draw(_ fraction: Double) -> String {
        let width = 24, filled = Int(min(1, max(0, fraction)) * Double(width))
        return "[" + String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled) + "]"
    }

    /// Replaces stderr's current line with `line`.
    static func show(_ line: String) {
        Console.progress(control: "\r\u{1B}[K", line)
    }
}

/// A progress bar over a known number of items (done of total, rate, time left), on stderr;
/// safe to update from several tasks.
final class CountBar: @unchecked Sendable {
    let label: String
    let total: Int
    private let started = Date()
    private let lock = NSLock()
    private var lastDraw = Date.distantPast

    init(label: String, total: Int) {
        self.label = label
        self.total = total
    }

    func update(_ done: Int) {
        lock.withLock {
            let now = Date()
            guard now.timeIntervalSince(lastDraw) >= 0.1 || done == total else { return }
            lastDraw = now
            let elapsed = max(now.timeIntervalSince(started), 0.001)
            let frac = total > 0 ? min(1, Double(done) / Double(total)) : 1
            var line = "\(label) " + Bar.draw(frac) + " \(done)/\(total)  " + String(format: "%.1f/s", Double(done) / elapsed)
            if done > 0 && done < total { line += ", \(Int(elapsed / Double(done) * Double(total - done)))s left" }
            Bar.show(line)
        }
    }

    func finish() { Bar.show("") }
}
