/// `letter ping` without `-f`: each reply in ping(8)'s shape,
/// `12 bytes from ('127.0.0.1', 9000): seq=1 time=0.215 ms` (the reply's size, the
/// sender as `repr` writes it), and iputils' summary at the end. It shows no payload,
/// so it decodes nothing. Not one of `-f`'s formats: ping's own view.
final class PingPrinter: Printer {
    static let summary = "ping(8)'s line: N bytes from ADDR: seq=N time=T ms."
    /// The last sender and its repr: replies come from the destination alone.
    private var sender: Peer?
    private var senderText = ""

    init() {}

    /// The protocol's way in; the context's decoder and columns have nothing to show here.
    convenience init(_ context: PrinterContext) { self.init() }

    func append(_ record: Record, to out: inout [UInt8]) -> DecodeFailure? {
        let datagram = record.datagram
        if datagram.peer != sender {
            sender = datagram.peer
            senderText = datagram.peer.pythonRepr
        }
        PingSummaryText.appendReplyLine(bytes: datagram.fullLength, from: senderText, seq: record.seq,
                                        roundTripNanoseconds: record.roundTripNanoseconds,
                                        kind: record.answer ?? .matched, to: &out)
        return nil
    }
}

extension PrintSink {
    /// ping's default view: ping(8)'s reply lines, then iputils' summary.
    public static func pingLines() -> PrintSink {
        PrintSink(printer: PingPrinter(), encodingName: "")
    }
}
