// The pcap writer's cost per record, for callgrind: `pcap_append N` appends N records of
// a 60-byte IPv4 datagram to one buffer (emptied, never shrunk, when it fills), so that
// (instructions at N = 101,000 - instructions at N = 1,000) / 100,000 is one record's
// cost. Built with the writer's own sources (Benchmarks/pcap_append.sh builds and measures it).
@main
enum PcapAppend {
    static func main() {
        let count = CommandLine.arguments.count > 1 ? Int(CommandLine.arguments[1]) ?? 0 : 0
        var out: [UInt8] = []
        out.reserveCapacity(1 << 20)
        PcapWriter.appendFileHeader(to: &out)
        var writer = PcapWriter()
        let payload = [UInt8](repeating: 0x61, count: 60)[...]
        let source = Peer.v4(octets: (127, 0, 0, 1), port: 54321), destination = Peer.v4(octets: (127, 0, 0, 7), port: 9000)
        var total = 0
        for index in 0..<count {
            if out.count > (1 << 20) - 256 {
                total += out.count
                out.removeAll(keepingCapacity: true)
            }
            _ = writer.append(payload: payload, fullLength: 60, time: Timestamp(seconds: 1_764_426_735, nanoseconds: index),
                              source: source, destination: destination, to: &out)
        }
        print(total + out.count)
    }
}
