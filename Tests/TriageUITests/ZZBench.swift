import Testing
import Foundation
@testable import TriageUI
@Test func benchRender() {
    let s = Fixtures.state(width: 120, height: 40)
    let t0 = Date()
    for _ in 0..<200 { _ = Workbench.render(s) }
    print("render ms:", Date().timeIntervalSince(t0) * 1000 / 200)
}
