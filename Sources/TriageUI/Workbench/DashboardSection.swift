/// The parts of the dashboard screen, in the order they are drawn (`1`–`4` jump to them).
public enum DashboardSection: Int, Sendable, CaseIterable, Equatable {
    case queue, people, labels, models

    /// The section's title, as drawn in the tab line and above the section.
    public var title: String {
        switch self {
        case .queue: return "Queue"
        case .people: return "People"
        case .labels: return "Labels"
        case .models: return "Models"
        }
    }

    /// The key that jumps to it: `1`…`4`.
    public var key: Character { Character(String(rawValue + 1)) }
}
