extension PostfixEvent.Kind {
    /// The snake_case names of the kinds, used as JSON `"kind"` and as counter keys.
    public static let labels: [String] = [
        "connect", "disconnect", "client", "pickup", "message_id", "header", "cleanup_action", "queued", "removed",
        "expired", "skipped", "delivery", "notification", "reject", "postsuper", "warning", "noise", "unparsed",
        "other_program",
    ]

    /// This kind's position in `labels`.
    public var labelIndex: Int {
        switch self {
        case .connect: 0
        case .disconnect: 1
        case .client: 2
        case .pickup: 3
        case .messageId: 4
        case .header: 5
        case .cleanupAction: 6
        case .queued: 7
        case .removed: 8
        case .expired: 9
        case .skipped: 10
        case .delivery: 11
        case .notification: 12
        case .reject: 13
        case .postsuper: 14
        case .warning: 15
        case .noise: 16
        case .unparsed: 17
        case .otherProgram: 18
        }
    }

    /// The snake_case name of this kind (`delivery`, `message_id`, …).
    public var label: String { Self.labels[labelIndex] }
}
