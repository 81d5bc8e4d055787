import Glibc
import Testing
import TestSupport
@testable import LetterCore

/// From an endpoint as written to a working socket: resolving, the stale-socket policy,
/// sending options and multicast membership, with the failures they say.
@Suite struct SocketSetupTests {
    @Test func endpointsResolveToPeers() throws {
        #expect(try resolveDestination(.unix(path: "/tmp/x.sock"), family: nil) == .unixPath(Array("/tmp/x.sock".utf8)))
        #expect(try resolveDestination(.abstract(name: "n"), family: nil) == .abstract(Array("n".utf8)))
        #expect(try resolveDestination(Endpoint(host: "127.0.0.1", port: 9), family: nil) == .v4(octets: (127, 0, 0, 1), port: 9))
        #expect(try resolveBindAddress(Endpoint(host: "", port: 7), family: nil) == .v4(octets: (0, 0, 0, 0), port: 7))
        #expect(try resolveBindAddress(Endpoint(host: "", port: 7), family: .v6)
                == .v6(bytes: .any, port: 7, flowInfo: 0, scopeID: 0))
    }

    @Test func aLiveSocketIsInUseAndOtherFilesAreLeftAlone() throws {
        let folder = try TemporaryDirectory("bind")
        let directory = folder.path
        let path = Peer.unixPath(Array((directory + "/live.sock").utf8))
        do {
            var live = try DatagramSocket(family: .unix)
            try live.bind(to: path)
            #expect(throws: RuntimeError("cannot bind \(path.pythonRepr): a socket is already bound there and in use")) {
                _ = try openBoundSocket(path, reuseAddress: false)
            }
        }
        // The live socket removed its own file when it closed.
        #expect(fileKind(atPath: Array((directory + "/live.sock").utf8)) == .missing)
        close(open(directory + "/file", O_CREAT | O_WRONLY, 0o600))
        let file = Peer.unixPath(Array((directory + "/file").utf8))
        #expect(throws: RuntimeError("cannot bind \(file.pythonRepr): the path exists and is not a socket (left untouched)")) {
            _ = try openBoundSocket(file, reuseAddress: false)
        }
        #expect(fileKind(atPath: Array((directory + "/file").utf8)) == .other)
    }

    @Test func aStaleSocketIsReplaced() throws {
        let folder = try TemporaryDirectory("stale")
        let directory = folder.path
        let path = Array((directory + "/s.sock").utf8)
        // A socket file nobody is bound to: a second name for a socket's file, kept after
        // the socket closed (and removed its own name).
        do {
            var gone = try DatagramSocket(family: .unix)
            try gone.bind(to: .unixPath(Array((directory + "/gone.sock").utf8)))
            #expect(link(directory + "/gone.sock", directory + "/s.sock") == 0)
        }
        #expect(fileKind(atPath: path) == .socket)
        let replaced = try openBoundSocket(.unixPath(path), reuseAddress: false)
        #expect(try replaced.localAddress() == .unixPath(path))
    }

    @Test func aPortInUseIsNamed() throws {
        let first = try openBoundSocket(.v4(octets: (127, 0, 0, 1), port: 0), reuseAddress: false)
        let taken = try first.localAddress()
        #expect(throws: RuntimeError("cannot bind \(taken.pythonRepr): port \(taken.port) is in use (\(Errno.addressInUse))")) {
            _ = try openBoundSocket(taken, reuseAddress: false)
        }
    }

    /// A socket that must hear replies is bound at once: a unix one to an abstract name.
    @Test func sendingSocketsBindWhenTheyMustHearReplies() throws {
        let unix = try openSendingSocket(to: .abstract(Array("x".utf8)), bind: nil, autobind: true)
        guard case .abstract = try unix.localAddress() else { Issue.record("not autobound"); return }
        let inet = try openSendingSocket(to: .v4(octets: (127, 0, 0, 1), port: 9), bind: nil, autobind: true)
        #expect(try inet.localAddress().port != 0)
        #expect(throws: RuntimeError("cannot send from ('0.0.0.0', 0) to '/tmp/x.sock': one is a unix socket and the other is not")) {
            _ = try openSendingSocket(to: .unixPath(Array("/tmp/x.sock".utf8)), bind: Endpoint(host: "", port: 0), autobind: false)
        }
    }

    @Test func sendingOptionsAndInterfacesAreAppliedOrRefused() throws {
        let socket = try openSendingSocket(to: .v4(octets: (127, 0, 0, 1), port: 9), bind: nil, autobind: false)
        var options = SendingOptions()
        options.broadcast = true
        options.multicastHops = 3
        options.multicastLoop = false
        options.interface = "lo"
        try applySendingOptions(options, to: socket)
        options.interface = "letter-no-such-interface"
        #expect(throws: RuntimeError("no network interface named 'letter-no-such-interface'")) {
            try applySendingOptions(options, to: socket)
        }
        options.interface = "192.0.2.77"
        #expect(throws: RuntimeError("no network interface has the address 192.0.2.77")) {
            try applySendingOptions(options, to: socket)
        }
        options.interface = "127.0.0.1"
        try applySendingOptions(options, to: socket)
        let group = Peer.v6(bytes: try #require(parseIPv6("ff02::1234")), port: 0, flowInfo: 0, scopeID: 0)
        #expect(throws: RuntimeError("cannot join ff02::1234: the socket is IPv4; bind a matching address (-4/-6)")) {
            try joinGroups([group], interface: nil, on: socket)
        }
        #expect(try boundAddress(of: socket) == .v4(octets: (0, 0, 0, 0), port: 0))
    }
}
