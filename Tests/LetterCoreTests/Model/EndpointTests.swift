import Testing
@testable import LetterCore

@Suite struct EndpointTests {
    @Test func portsAreRangeChecked() throws {
        #expect(try parsePort("9000", allowZero: false) == 9000)
        #expect(try parsePort("0", allowZero: true) == 0)
        #expect(try parsePort("65535", allowZero: false) == 65535)
        for bad in ["70000", "abc", "", "-1", "+5", "99999999999999999999", "1.5", " 80"] {
            #expect(throws: EndpointError.invalidPort(bad, lowest: 1, ipv6Host: nil)) {
                try parsePort(bad, allowZero: false)
            }
        }
        #expect(throws: EndpointError.invalidPort("0", lowest: 1, ipv6Host: nil)) { try parsePort("0", allowZero: false) }
    }

    @Test func hostPortFormsSplit() throws {
        #expect(try splitHostPort("localhost:9000", allowZeroPort: false) == Endpoint(host: "localhost", port: 9000))
        #expect(try splitHostPort("[::1]:53", allowZeroPort: false) == Endpoint(host: "::1", port: 53))
        #expect(try splitHostPort("[fe80::1%eth0]:53", allowZeroPort: false) == Endpoint(host: "fe80::1%eth0", port: 53))
        #expect(try splitHostPort("::1", allowZeroPort: false) == nil)
        #expect(try splitHostPort("example.com", allowZeroPort: false) == nil)
        #expect(throws: EndpointError.invalidAddress("[::1", .missingBracket)) { try splitHostPort("[::1", allowZeroPort: false) }
        #expect(throws: EndpointError.invalidAddress("[::1]", .bracketWithoutPort)) { try splitHostPort("[::1]", allowZeroPort: false) }
        #expect(throws: EndpointError.invalidPort("x", lowest: 1, ipv6Host: nil)) { try splitHostPort("h:x", allowZeroPort: false) }
    }

    @Test func bindAddresses() throws {
        #expect(try parseBindAddress("9001") == Endpoint(host: "", port: 9001))
        #expect(try parseBindAddress("127.0.0.1:0") == Endpoint(host: "127.0.0.1", port: 0))
        #expect(try parseBindAddress("[::]:5") == Endpoint(host: "::", port: 5))
        #expect(throws: EndpointError.invalidBindAddress("here")) { try parseBindAddress("here") }
    }

    @Test func ipLiteralsParseBackFromInetNtopText() {
        for row in OracleFixtures.rows("ipv6_text.tsv") {
            #expect(parseIPv6(row[1][...]) == IPv6Bytes(fromHex(row[0])), "\(row[1])")
        }
        for bad in ["1::2::3", "12345::", "1:2:3:4:5:6:7:8:9", "::g", "1.2.3.4", ":::", "1:2:3:4:5:6:7"] {
            #expect(parseIPv6(bad[...]) == nil, "\(bad)")
        }
        #expect(parseIPv4("10.0.0.255") != nil)
        for bad in ["256.0.0.1", "1.2.3", "1.2.3.4.5", "01234.1.1.1", "a.b.c.d", "1..2.3"] {
            #expect(parseIPv4(bad[...]) == nil, "\(bad)")
        }
    }

    @Test func networksContainTheirAddresses() throws {
        let tenEight = try #require(Network("10.0.0.0/8"))
        #expect(tenEight.contains(.v4(octets: (10, 200, 3, 4), port: 1)))
        #expect(!tenEight.contains(.v4(octets: (11, 0, 0, 1), port: 1)))
        let mapped = Peer.v6(bytes: IPv6Bytes(Array(repeating: 0, count: 10) + [0xff, 0xff, 10, 1, 2, 3]),
                                      port: 1, flowInfo: 0, scopeID: 0)
        #expect(tenEight.contains(mapped))
        let host = try #require(Network("127.0.0.1"))
        #expect(host.contains(.v4(octets: (127, 0, 0, 1), port: 9)))
        #expect(!host.contains(.v4(octets: (127, 0, 0, 2), port: 9)))
        let linkLocal = try #require(Network("fe80::/10"))
        #expect(linkLocal.contains(.v6(bytes: parseIPv6("fe80::1")!, port: 1, flowInfo: 0, scopeID: 2)))
        #expect(!linkLocal.contains(.v6(bytes: .loopback, port: 1, flowInfo: 0, scopeID: 0)))
        #expect(try #require(Network("::/0")).contains(.v6(bytes: .loopback, port: 1, flowInfo: 0, scopeID: 0)))
        #expect(try #require(Network("0.0.0.0/0")).contains(.v4(octets: (8, 8, 8, 8), port: 1)))
        for bad in ["10.0.0.0/33", "::/129", "10.0.0.0/", "nonsense", "10.0.0.0/8/8"] {
            #expect(Network(bad) == nil, "\(bad)")
        }
    }
}
