import Glibc
import Testing
@testable import LetterCore

/// Real sockets on loopback, port 0, addresses read back: no mocks.
@Suite struct DatagramSocketTests {
    @Test func batchesGoOutAndComeBackWithSenders() throws {
        let receiver = try loopbackSocket(), sender = try loopbackSocket()
        let address = try receiver.localAddress()
        #expect(address.port != 0)
        let batch = SendBatch(capacity: 8)
        for text in ["one", "", "three"] {
            batch.bytes.append(contentsOf: text.utf8)
            batch.closeDatagram()
        }
        try sender.send(batch, to: address)
        #expect(batch.count == 0)
        let incoming = ReceiveBatch(capacity: 8, bufferSize: 100)
        _ = try waitReadable([receiver.descriptor], timeoutMilliseconds: 2000)
        var received: [String] = []
        while received.count < 3 {
            let count = try receiver.receive(into: incoming, limit: 8)
            for index in 0..<count {
                let datagram = incoming.datagram(index)
                received.append(utf8String(Array(datagram.payload)))
                #expect(datagram.peer == (try sender.localAddress()))
            }
            if count == 0 { _ = try waitReadable([receiver.descriptor], timeoutMilliseconds: 2000) }
        }
        #expect(received == ["one", "", "three"])
    }

    @Test func truncationIsFlaggedWithTheRealLength() throws {
        let receiver = try loopbackSocket(), sender = try loopbackSocket()
        let address = try receiver.localAddress()
        try sender.send([UInt8](repeating: 7, count: 300)[...], to: address)
        let incoming = ReceiveBatch(capacity: 1, bufferSize: 100)
        _ = try waitReadable([receiver.descriptor], timeoutMilliseconds: 2000)
        #expect(try receiver.receive(into: incoming, limit: 1) == 1)
        let datagram = incoming.datagram(0)
        #expect(datagram.isTruncated && datagram.fullLength == 300 && datagram.payload.count == 100)
    }

    /// Without a --bufsize, a unix socket's datagrams (longer than UDP's, up to the
    /// sender's send buffer) come one at a time, each whole; a UDP socket then shares the
    /// grown batch without overrunning it, and a fixed --bufsize still cuts.
    @Test func unixDatagramsFitWhenNoBufferSizeIsGiven() throws {
        let receiver = try boundSocket("fit-receiver"), sender = try boundSocket("fit-sender")
        try sender.setOption(SOL_SOCKET, SO_SNDBUF, 1 << 20, "SO_SNDBUF")
        let sizes = [100_000, 10, 70_000, 0]
        for (index, size) in sizes.enumerated() {
            try sender.send([UInt8](repeating: UInt8(index + 1), count: size)[...], to: try receiver.localAddress())
        }
        let fitting = ReceiveBatch(capacity: 8, bufferSize: nil)
        #expect(fitting.fitsEachDatagram && fitting.bufferSize == 65535)
        var whole: [[UInt8]] = []
        for _ in 0..<sizes.count where whole.count < sizes.count {
            let count = try receiver.receive(into: fitting, limit: 8)
            for index in 0..<count {
                #expect(!fitting.datagram(index).isTruncated)
                whole.append(Array(fitting.datagram(index).payload))
            }
        }
        #expect(whole == sizes.enumerated().map { [UInt8](repeating: UInt8($0.offset + 1), count: $0.element) })
        #expect(try receiver.receive(into: fitting, limit: 8) == 0)
        #expect(fitting.bufferSize == 100_000)

        // A UDP socket on the same batch (a relay's replies): no more at once than fit.
        let udpReceiver = try loopbackSocket(), udpSender = try loopbackSocket()
        _ = try udpReceiver.requestReceiveBuffer(4 << 20)
        for _ in 0..<8 { try udpSender.send([UInt8](repeating: 9, count: 60_000)[...], to: try udpReceiver.localAddress()) }
        var received = 0
        for _ in 0..<20 where received < 8 {
            _ = try waitReadable([udpReceiver.descriptor], timeoutMilliseconds: 500)
            let count = try udpReceiver.receive(into: fitting, limit: 8)
            #expect(count <= 5)  // 8 × 65535 bytes of room hold five of 100,000
            for index in 0..<count { #expect(fitting.datagram(index).payload.elementsEqual(repeatElement(9, count: 60_000))) }
            received += count
        }
        #expect(received == 8)

        let fixed = ReceiveBatch(capacity: 8, bufferSize: 65535)
        try sender.send([UInt8](repeating: 1, count: 70_000)[...], to: try receiver.localAddress())
        #expect(try receiver.receive(into: fixed, limit: 8) == 1)
        #expect(fixed.datagram(0).fullLength == 70_000 && fixed.datagram(0).payload.count == 65535)
    }

    @Test func nothingWaitingReturnsZero() throws {
        let receiver = try loopbackSocket()
        #expect(try receiver.receive(into: ReceiveBatch(capacity: 4, bufferSize: 64), limit: 4) == 0)
        #expect(try receiver.kernelDropCount() == 0)
    }

    @Test func receiveBufferAndOptions() throws {
        var socket = try DatagramSocket(family: .v6)
        // The kernel doubles the request, which only root (SO_RCVBUFFORCE) may take past
        // net.core.rmem_max.
        let limit = geteuid() == 0 ? 1 << 20 : min(1 << 20, try readNumber("/proc/sys/net/core/rmem_max"))
        #expect(try socket.requestReceiveBuffer(1 << 20) == 2 * limit)
        try socket.enableDropCounter()
        try socket.setIPv6Only(false)
        try socket.setReuseAddress()
        try socket.bind(to: .v6(bytes: .any, port: 0, flowInfo: 0, scopeID: 0))
        guard case .v6(let bytes, let port, _, _) = try socket.localAddress() else { Issue.record("not IPv6"); return }
        #expect(bytes == .any && port != 0)
    }

    @Test func portInUseIsTypedErrno() throws {
        let receiver = try loopbackSocket()
        let address = try receiver.localAddress()
        var second = try DatagramSocket(family: .v4)
        #expect(throws: SystemCallError(call: "bind", errno: .addressInUse)) { try second.bind(to: address) }
    }

    @Test func namesResolve() throws {
        #expect(try resolve(host: "127.0.0.1", port: 9, family: nil) == [.v4(octets: (127, 0, 0, 1), port: 9)])
        #expect(try resolve(host: "::1", port: 9, family: .v6) == [.v6(bytes: .loopback, port: 9, flowInfo: 0, scopeID: 0)])
        #expect(try resolve(host: "localhost", port: 9, family: .v4).contains(.v4(octets: (127, 0, 0, 1), port: 9)))
        #expect(throws: ResolveError.self) { try resolve(host: "no-such-host.invalid", port: 9, family: nil) }
    }
}

/// The whole number a file such as /proc/sys/net/core/rmem_max holds.
func readNumber(_ path: String) throws -> Int {
    let descriptor = open(path, O_RDONLY)
    guard descriptor >= 0 else { throw SystemCallError(call: "open(\(path))", errno: Errno(rawValue: errno)) }
    defer { close(descriptor) }
    var buffer = [UInt8](repeating: 0, count: 64)
    let count = read(descriptor, &buffer, buffer.count)
    guard count > 0, let value = Int(String(decoding: buffer[0..<count], as: UTF8.self).trimmingSpaces) else {
        throw SystemCallError(call: "read(\(path))", errno: Errno(rawValue: EINVAL))
    }
    return value
}

private extension String {
    var trimmingSpaces: String { String(self.filter { !$0.isWhitespace }) }
}
