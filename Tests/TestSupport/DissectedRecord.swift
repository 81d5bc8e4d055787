import Glibc
import Testing

/// What tshark says of each record of a capture: the fields the capture tests compare,
/// read with Wireshark's own dissectors, checksums verified.
public struct DissectedRecord {
    public static let fieldNames = ["frame.time_epoch", "ip.src", "ip.dst", "ipv6.src", "ipv6.dst", "udp.srcport",
                                    "udp.dstport", "udp.length", "data", "ip.checksum.status", "udp.checksum.status",
                                    "frame.len", "frame.cap_len", "udp.checksum", "ip.ttl", "ipv6.hlim"]
    public let fields: [String: String]

    public subscript(_ name: String) -> String { fields[name] ?? "" }

    /// The IPv4 header's TTL or the IPv6 header's hop limit, whichever the record has.
    public var hopLimit: String { self["ip.ttl"] + self["ipv6.hlim"] }

    /// The TTL and hop limit this host gives the UDP datagrams it sends over lo (read from
    /// net.ipv4.ip_default_ttl and net.ipv6.conf.lo.hop_limit), or nil when they differ or
    /// cannot be read: where they are 64 (Linux's defaults), what `tcpdump -i lo` captured
    /// of a real datagram is an oracle for the 64 of a made header.
    public static let hostHopLimit: String? = {
        let limits = ["/proc/sys/net/ipv4/ip_default_ttl", "/proc/sys/net/ipv6/conf/lo/hop_limit"].map {
            (try? readFile($0)).map { String(decoding: $0, as: UTF8.self).filter(\.isNumber) }
        }
        return limits[0] != nil && limits[0] == limits[1] ? limits[0] : nil
    }()

    /// A made header's TTL or hop limit is the SPEC's 64 and, where this host sends with 64,
    /// the same as `reference`'s: what `tcpdump -i lo` captured of the real datagram.
    public func expectHopLimitOfTcpdumps(_ reference: DissectedRecord, _ what: String) {
        #expect(hopLimit == "64", "\(what): TTL or hop limit \(hopLimit)")
        if Self.hostHopLimit == "64" { #expect(hopLimit == reference.hopLimit, "\(what): tcpdump saw \(reference.hopLimit)") }
    }

    /// `frame.time_epoch` (`1764426735.123456789`) in nanoseconds since the epoch.
    public var nanoseconds: Int? {
        let parts = self["frame.time_epoch"].split(separator: ".")
        guard parts.count == 2, let seconds = Int(parts[0]), let fraction = Int(parts[1].padding(to: 9)) else { return nil }
        return seconds * 1_000_000_000 + fraction
    }

    /// Runs `tshark -r FILE` with checksum verification on; nil (a test failure) when it
    /// cannot read the file. Every UDP port is decoded as plain data: the kernel picks the
    /// tests' ports, and one that tshark knows (5353, say) would be read as that protocol,
    /// leaving `data` empty (a clean clone's run failed so).
    public static func read(_ file: String, tshark: String) -> [DissectedRecord]? {
        let arguments = ["-r", file, "-d", "udp.port==1-65535,data", "-o", "ip.check_checksum:TRUE", "-o", "udp.check_checksum:TRUE",
                         "-T", "fields"]
            + fieldNames.flatMap { ["-e", $0] }
        guard let child = try? run(tshark, arguments), child.status == 0 else {
            Issue.record("tshark could not read \(file)")
            return nil
        }
        return child.stdoutText.split(separator: "\n").map { line in
            let values = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            return DissectedRecord(fields: Dictionary(uniqueKeysWithValues: zip(fieldNames, values)))
        }
    }
}

private extension Substring {
    /// The digits of a fraction padded with zeros to `count` digits (`5` → `500000000`).
    func padding(to count: Int) -> String { String(self) + String(repeating: "0", count: Swift.max(0, count - self.count)) }
}
