import Foundation
import Testing

@testable import Stages

/// The parser knows the common daemons by a switch, with their roles written out; those must be the roles that
/// the name gives (`ServiceRole(service:)`), which is what every other service gets.
@Suite struct ServiceRoleTests {
    @Test(arguments: [
        "smtp", "qmgr", "lmtp", "pipe", "smtpd", "local", "anvil", "error", "retry", "bounce", "pickup", "master",
        "scache", "cleanup", "virtual", "dnsblog", "discard", "tlsproxy", "postsuper", "postscreen",
    ])
    func knownServicesHaveTheRoleOfTheirName(_ name: String) throws {
        let bytes = Array(name.utf8)
        let known = try #require(bytes.withUnsafeBufferPointer {
            PostfixParser.knownService(ByteLine(base: $0.baseAddress!, count: $0.count), 0, $0.count)
        })
        #expect(known.service == name)
        #expect(known.program == "postfix/" + name)
        #expect(known.role == ServiceRole(service: name))
    }

    /// `ServiceRole(service:)` spells out the names of `noiseServices`: each is noise (but `postsuper` and
    /// `postscreen`, which have roles of their own), and names of the same lengths that are not listed are not.
    @Test func rolesOfListedAndUnlistedNames() {
        for name in ServiceRole.noiseServices where name != "postsuper" && name != "postscreen" {
            #expect(ServiceRole(service: name) == .noise, "\(name)")
        }
        for name in ["dovecot", "amavis", "smtpd", "sender-cleanup", "postfix-scripts", "trivial-rewrites",
                     "verifx", "anvi", "", "postscreem", "postsupe", "Verify", "submission", "opendkim"] {
            #expect(ServiceRole(service: name) == .other, "\(name)")
        }
        // A line of no known shape: noise from a daemon that logs only noise, else unparsed.
        let parser = PostfixParser(
            resolver: TimestampResolver(now: 1_795_935_600_000_000, timeZone: TimeZone(identifier: "UTC")!))
        #expect(parser.parse("Nov 26 06:25:30 mail postfix/verify[1]: something new").kind == .noise)
        #expect(parser.parse("Nov 26 06:25:30 mail postfix/sender-cleanup[1]: something new").kind
            == .unparsed(line: "Nov 26 06:25:30 mail postfix/sender-cleanup[1]: something new"))
    }

    @Test func rolesOfNames() {
        #expect(ServiceRole(service: "postsuper") == .postsuper)
        #expect(ServiceRole(service: "postscreen") == .postscreen)
        #expect(ServiceRole(service: "verify") == .noise)
        #expect(ServiceRole(service: "smtp") == .other)
        #expect(ServiceRole(service: "sender-cleanup") == .other)
        #expect(ServiceRole.noise.logsOnlyNoise && ServiceRole.postsuper.logsOnlyNoise)
        #expect(!ServiceRole.other.logsOnlyNoise)
    }
}
