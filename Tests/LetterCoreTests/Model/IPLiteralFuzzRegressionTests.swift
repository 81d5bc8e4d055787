import Glibc
import Testing
@testable import LetterCore

/// Inputs on which the Addresses fuzz target (Fuzz/Targets/Addresses.swift) caught letter's
/// IP parsers disagreeing with glibc's inet_pton, which Python's socket module uses.
@Suite struct IPLiteralFuzzRegressionTests {
    /// UInt16(_:radix:) takes a sign, so "+f::" parsed as f::.
    @Test(arguments: ["+f::", "-0::", "::+1", "1:+2::", "+1:2:3:4:5:6:7:8"])
    func signedGroupsAreNotIPv6(text: String) {
        #expect(parseIPv6(text[...]) == nil)
        #expect(inetPton6(text) == nil)
    }

    /// A leading zero makes an octet ambiguous (010 is 8 to inet_aton, 10 to others);
    /// inet_pton and Python's ipaddress refuse it.
    @Test(arguments: ["010.0.0.1", "1.02.3.4", "1.2.3.00", "::22:20:80:2.9.09.0", "::ffff:01.2.3.4"])
    func leadingZeroOctetsAreRefused(text: String) {
        #expect(parseIPAddress(text) == nil)
        #expect(Network(text + "/8") == nil)
        #expect(inetPton6(text) == nil)
    }

    @Test(arguments: ["0.0.0.0", "10.0.0.1", "::ffff:0.10.100.255", "fe80::1", "::", "1:2:3:4:5:6:7:8", "A:b:C::"])
    func validLiteralsStillParseAsGlibcParsesThem(text: String) throws {
        let ours = try #require(parseIPAddress(text))
        if text.contains(":") {
            #expect(ours == .v6(bytes: try #require(inetPton6(text)), port: 0, flowInfo: 0, scopeID: 0))
        } else {
            var address = in_addr()
            #expect(inet_pton(AF_INET, text, &address) == 1)
        }
    }
}

/// glibc's parse of an IPv6 literal; nil when it refuses it.
private func inetPton6(_ text: String) -> IPv6Bytes? {
    var address = in6_addr()
    guard inet_pton(AF_INET6, text, &address) == 1 else { return nil }
    return withUnsafeBytes(of: &address) { IPv6Bytes(Array($0)) }
}
