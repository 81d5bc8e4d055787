import Glibc
import Testing

/// The captures Fixtures/captures/make_captures.py builds and tshark's reading of them:
/// the oracle both the capture reader's tests (LetterCoreTests) and replay's end-to-end
/// tests hold letter to.

/// One datagram as text that both tshark and letter's reader can be brought to: the
/// time as `seconds.nanoseconds` (empty when there is none), addresses, ports and the
/// payload in hex.
public struct SeenDatagram: Equatable, CustomStringConvertible {
    public var time: String
    public var source: String
    public var destination: String
    public var sourcePort: String
    public var destinationPort: String
    public var payload: String

    public init(time: String, source: String, destination: String, sourcePort: String, destinationPort: String,
                payload: String) {
        self.time = time
        self.source = source
        self.destination = destination
        self.sourcePort = sourcePort
        self.destinationPort = destinationPort
        self.payload = payload
    }

    public var description: String { "\(time) \(source):\(sourcePort) -> \(destination):\(destinationPort) \(payload.prefix(40))" }
}

/// The records tshark shows that are not a whole UDP datagram, counted by letter's kinds.
public struct TsharkSkips: Equatable, CustomStringConvertible {
    public var notUDP = 0
    public var incompleteFragments = 0
    public var cutShort = 0

    public init() {}

    public var total: Int { notUDP + incompleteFragments + cutShort }

    public var description: String { "\(notUDP) not UDP, \(incompleteFragments) incomplete, \(cutShort) cut short" }
}

/// A temporary directory with the captures `Fixtures/captures/make_captures.py` builds;
/// removed with the value.
public final class CaptureFixtures {
    private let temporary: TemporaryDirectory
    public var directory: String { temporary.path }
    /// manifest.tsv: each file's name and what reading it must give.
    public let manifest: [(name: String, expectation: [Substring])]

    public init() throws {
        temporary = try TemporaryDirectory("captures")
        let directory = temporary.path
        let maker = try run(Paths.python, [Paths.repository + "/Fixtures/captures/make_captures.py", directory], seconds: 60)
        guard maker.status == 0 else { throw SpawnError(message: "make_captures.py failed: \(maker.stderrText)") }
        manifest = String(decoding: try readFile(directory + "/manifest.tsv"), as: UTF8.self).split(separator: "\n").map { line in
            let fields = line.split(separator: "\t")
            return (String(fields[0]), fields[1].split(separator: " "))
        }
    }

    public func path(_ name: String) -> String { directory + "/" + name }
}

/// What tshark shows in a capture, brought to letter's terms: the complete UDP datagrams
/// in order, and the records that are not, counted by letter's kinds — the oracle the
/// reader is held to.
public struct TsharkView {
    public var datagrams: [SeenDatagram] = []
    public var skipped = TsharkSkips()
    /// Records tshark read (pcapng custom blocks, which it shows and letter skips, left out).
    public var records = 0
    /// For each datagram, the index (from 0, among `records`) of the record that completed it.
    public var datagramRecords: [Int] = []
    /// Each record's captured length (`frame.cap_len`).
    public var recordLengths: [Int] = []

    private static let fields = ["frame.time_epoch", "frame.protocols", "ip.src", "ip.dst", "ipv6.src", "ipv6.dst",
                                 "udp.srcport", "udp.dstport", "udp.payload", "frame.cap_len", "frame.len",
                                 "ip.flags.mf", "ip.frag_offset", "ipv6.fraghdr.offset", "ipv6.fraghdr.more",
                                 "ip.reassembled_in", "ipv6.reassembled.in", "frame.cb_pen"]

    /// Runs `tshark -2` (two passes, so that each fragment knows where it was reassembled)
    /// over `path`; the first occurrence of each field is the outermost header's.
    public init(tshark: String, path: String) throws {
        let arguments = ["-2", "-r", path, "-T", "fields", "-E", "occurrence=f"] + Self.fields.flatMap { ["-e", $0] }
        let child = try run(tshark, arguments, seconds: 60)
        for line in child.stdoutText.split(separator: "\n") {
            let row = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            guard row.count == Self.fields.count else {
                Issue.record("tshark row of \(row.count) fields, not \(Self.fields.count): \(line)")
                continue
            }
            let value = Dictionary(uniqueKeysWithValues: zip(Self.fields, row))
            if value["frame.cb_pen"] != "" { continue }
            records += 1
            recordLengths.append(Int(value["frame.cap_len"]!) ?? 0)
            let protocols = value["frame.protocols"]!.split(separator: ":")
            let isUDP = protocols.contains("udp") && !protocols.contains("icmp") && !protocols.contains("icmpv6")
                && value["udp.srcport"] != ""
            let ipv4Fragment = value["ip.flags.mf"] == "1" || !["", "0"].contains(value["ip.frag_offset"])
            // An IPv6 fragment header with offset 0 and no more fragments is an atomic fragment.
            let ipv6Fragment = value["ipv6.fraghdr.offset"] != ""
                && !(value["ipv6.fraghdr.offset"] == "0" && value["ipv6.fraghdr.more"] == "0")
            if isUDP {
                if Int(value["frame.cap_len"]!)! < Int(value["frame.len"]!)! {
                    skipped.cutShort += 1
                    continue
                }
                let isIPv4 = value["ip.src"] != ""
                datagrams.append(SeenDatagram(time: value["frame.time_epoch"]!,
                                              source: value[isIPv4 ? "ip.src" : "ipv6.src"]!,
                                              destination: value[isIPv4 ? "ip.dst" : "ipv6.dst"]!,
                                              sourcePort: value["udp.srcport"]!, destinationPort: value["udp.dstport"]!,
                                              payload: value["udp.payload"]!))
                datagramRecords.append(records - 1)
            } else if ipv4Fragment || ipv6Fragment {
                if value["ip.reassembled_in"] == "" && value["ipv6.reassembled.in"] == "" { skipped.incompleteFragments += 1 }
            } else {
                skipped.notUDP += 1
            }
        }
    }
}
