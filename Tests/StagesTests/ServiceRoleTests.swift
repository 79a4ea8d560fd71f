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
