/// `-f pcap` and `--pcap FILE`: the datagrams as a classic pcap capture (PcapWriter),
/// its file header first. Each record is the datagram from its sender to the address it
/// arrived at, stamped with its receive time; a relayed datagram adds the leg on which
/// it went on, stamped with its send time, so a capture of a relay holds both
/// conversations as a tcpdump on the host would see them.
final class PcapPrinter: Printer {
    static let summary = "A pcap capture of what arrives (listen, chat, relay) for Wireshark, tshark or tcpdump; not on a terminal."
    static let showsColumns = false
    private var writer = PcapWriter()

    init() {}

    /// Nothing of the context applies: a capture keeps the bytes and the times itself.
    convenience init(_ context: PrinterContext) { self.init() }

    func begin(to out: inout [UInt8]) {
        PcapWriter.appendFileHeader(to: &out)
    }

    /// Appends the record's legs. A leg without both IP ends writes nothing: a receive
    /// that asked for packet info always has its local address (the receiver asks
    /// whenever a capture is on), and a unix endpoint never reaches a capture (refused
    /// on the command line).
    func append(_ record: Record, to out: inout [UInt8]) -> DecodeFailure? {
        let datagram = record.datagram
        // A request sent to several targets was received once: its first copy records that.
        if record.passage.map({ $0.copy == 0 }) ?? true, let local = datagram.local {
            _ = writer.append(payload: datagram.payload, fullLength: datagram.fullLength, time: datagram.receivedAt,
                              source: datagram.peer, destination: local, to: &out)
        }
        if let passage = record.passage, let from = passage.from, let sentAt = passage.sentAt {
            // What went on is what was received of it.
            _ = writer.append(payload: datagram.payload, fullLength: datagram.payload.count, time: sentAt,
                              source: from, destination: passage.to, to: &out)
        }
        return nil
    }

    /// A capture ends with its last record.
    func finish(_ statistics: ReceiveStatistics, to out: inout [UInt8]) {}
}
