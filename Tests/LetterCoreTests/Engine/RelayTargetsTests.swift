import Glibc
import Testing
@testable import LetterCore
import TestSupport

/// The relay's refusals compare sockets, not spellings.
@Suite struct RelayTargetsTests {
    let loopback = Peer.v4(octets: (127, 0, 0, 1), port: 9000)

    @Test func aMappedAddressReachesTheIPv4SocketItStandsFor() throws {
        let mapped = Peer.v6(bytes: IPv6Bytes(high: 0, low: 0xffff_7f00_0001), port: 9000, flowInfo: 0, scopeID: 0)
        #expect(mapped.unmapped == loopback)
        #expect(reachSameSocket(mapped, loopback))
        #expect(!reachSameSocket(.v6(bytes: IPv6Bytes(high: 0, low: 1), port: 9000, flowInfo: 0, scopeID: 0), loopback))
        #expect(!reachSameSocket(.v4(octets: (127, 0, 0, 1), port: 9001), loopback))
        #expect(reachesItself(mapped, listening: loopback))
        #expect(reachesItself(.v4(octets: (127, 0, 0, 2), port: 9000), listening: .v4(octets: (0, 0, 0, 0), port: 9000)))
        #expect(!reachesItself(.v4(octets: (127, 0, 0, 2), port: 9000), listening: loopback))
    }

    @Test func twoPathsToOneFileAreOneSocket() throws {
        let directory = try TemporaryDirectory("relay-targets")
        let path = directory.path + "/t.sock"
        try writeFile(path, "")  // any file: what is compared is its device and inode
        let spellings = [path, directory.path + "//t.sock", directory.path + "/./t.sock"].map { Peer.unixPath(Array($0.utf8)) }
        for spelling in spellings { #expect(reachSameSocket(spellings[0], spelling)) }
        // A path that names no file yet is compared as it is spelt.
        #expect(!reachSameSocket(.unixPath(Array((directory.path + "/none").utf8)), .unixPath(Array((directory.path + "//none").utf8))))
        #expect(!reachSameSocket(spellings[0], .abstract(Array(path.utf8))))
    }
}
