extension BounceClassifier {
    /// The built-in rule table, in priority order (first match wins).
    ///
    /// 1. Phrases specific enough to beat any code (DNSBL names, spam verdicts).
    /// 2. Specific enhanced codes (RFC 3463).
    /// 3. Generic phrases (what servers say when their code is vague or missing).
    /// 4. Generic codes (`5.7.x` and friends).
    public static let defaultRules: [BounceRule] = [
        // 1. Specific phrases.
        BounceRule(
            phrases: [
                "spamhaus", "sorbs", "barracuda", "spamcop", "blocked using", "block list", "blocklist", "blacklist",
                "dnsbl", " rbl ", "is listed", "are listed", "listed on", "listed at", "listed by", "reputation",
            ], category: "blocklisted"),
        BounceRule(phrases: [" spam ", "unsolicited", "junk mail", "dt:spm", "bulk mail"], category: "spam_block"),
        // 2. Specific enhanced codes.
        BounceRule(codes: ["x.1.1", "x.1.6", "x.2.1"], category: "bad_mailbox"),
        BounceRule(codes: ["x.1.2", "x.4.4", "x.1.10"], category: "bad_domain"),
        BounceRule(codes: ["x.2.2"], category: "mailbox_full"),
        BounceRule(codes: ["x.2.3", "x.3.4"], category: "too_large"),
        BounceRule(codes: ["x.4.7"], category: "expired"),
        BounceRule(codes: ["x.7.8", "x.7.9", "x.7.23", "x.7.26", "x.7.27"], category: "auth"),
        // 3. Generic phrases.
        BounceRule(
            phrases: [
                "user unknown", "unknown user", "no such user", "does not exist", "no mailbox", "mailbox not found",
                "invalid recipient", "recipient not found", "address rejected: undeliverable", "no such recipient",
                "not listed in domino directory", "unrouteable address", "mailbox unavailable", "user doesn't have",
                "account disabled", "account has been disabled", "no longer active",
            ], category: "bad_mailbox"),
        BounceRule(
            phrases: ["mailbox full", "mailbox is full", "quota", "insufficient storage"], category: "mailbox_full"),
        BounceRule(
            phrases: ["message size exceeds", "message too large", "too big", "size limit"], category: "too_large"),
        BounceRule(phrases: ["does not accept mail", "nullmx", "null mx"], category: "bad_domain"),
        BounceRule(
            phrases: [
                "host or domain name not found", "name service error", "domain not found", "host not found",
                "no mx", "dns error", "malformed dns",
            ], category: "dns_failure"),
        BounceRule(phrases: ["timed out", "timeout"], category: "timeout"),
        BounceRule(
            phrases: [
                " tls ", "starttls", "certificate", " ssl ", "handshake",
            ], category: "tls"),
        BounceRule(
            phrases: [
                "connection refused", "no route to host", "network is unreachable", "lost connection",
                "connection reset", "conversation with", "connect to",
            ], category: "connection"),
        BounceRule(
            phrases: [
                " spf ", " dkim ", " dmarc ", "authentication required", "authentication failed", "not authenticated",
                "sender verify failed",
            ], category: "auth"),
        BounceRule(
            phrases: [
                "greylist", "graylist", "relay access denied", "rate limit", "too many", "policy", "not allowed",
                "access denied", "content rejected", "try again later",
            ], category: "policy"),
        // 4. Generic codes.
        BounceRule(codes: ["x.7.1", "x.7.25"], category: "policy"),
        BounceRule(codes: ["x.7.x"], category: "auth"),
        BounceRule(codes: ["x.4.1", "x.4.2"], category: "connection"),
        BounceRule(codes: ["x.4.3"], category: "dns_failure"),
        BounceRule(codes: ["x.1.x"], category: "bad_mailbox"),
        BounceRule(codes: ["x.2.x"], category: "mailbox_full"),
    ]
}
