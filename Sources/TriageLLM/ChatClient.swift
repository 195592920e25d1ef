import Foundation
import TriageCore

/// Placeholder: the chat-completions client (being written).
public enum TriageLLMVersion {
    public static let name = "triage-llm"
}
