import Testing
@testable import LetterCore

@Suite struct AddressFormattingTests {
    @Test func ipv6TextMatchesInetNtop() {
        let rows = OracleFixtures.rows("ipv6_text.tsv")
        #expect(rows.count > 400)
        for row in rows {
            let address = Peer.v6(bytes: IPv6Bytes(fromHex(row[0])), port: 0, flowInfo: 0, scopeID: 0)
            #expect(address.host == row[1], "address \(row[0])")
        }
    }

    @Test func tuplesMatchPythonRepr() {
        let rows = OracleFixtures.rows("tuple_repr.tsv")
        #expect(rows.count == 200)
        for row in rows {
            let bytes = fromHex(row[1])
            let port = UInt16(row[2])!
            let address: Peer = row[0] == "4"
                ? .v4(octets: (bytes[0], bytes[1], bytes[2], bytes[3]), port: port)
                : .v6(bytes: IPv6Bytes(bytes), port: port, flowInfo: UInt32(row[3])!, scopeID: UInt32(row[4])!)
            #expect(address.pythonRepr == row[5])
        }
    }

    @Test func ipv6BytesRoundTripAndClassify() {
        let mapped = IPv6Bytes([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 127, 0, 0, 1])
        #expect(mapped.isIPv4Mapped)
        #expect(mapped.bytes == [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 127, 0, 0, 1])
        #expect(IPv6Bytes([0xff, 0x02] + Array(repeating: 0, count: 13) + [1]).isMulticast)
        #expect(!IPv6Bytes.loopback.isMulticast)
    }

    @Test func decimalAndHexHelpers() {
        var out: [UInt8] = []
        appendDecimal(0, to: &out)
        out.append(0x20)
        appendDecimal(4_294_967_295, to: &out)
        out.append(0x20)
        appendHex(0xfe80, to: &out)
        out.append(0x20)
        appendHex(0, to: &out)
        #expect(utf8String(out) == "0 4294967295 fe80 0")
    }
}
