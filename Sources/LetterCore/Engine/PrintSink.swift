/// Prints each record through the printer of `-f` into the output buffer, which goes
/// to stdout when the socket has nothing more waiting (or the buffer is full). A capture
/// file (`--pcap FILE`) is a print sink of its own, writing to the file.
public final class PrintSink: DatagramSink {
    private let output: OutputBuffer
    private let printer: any Printer
    private let encodingName: String
    /// The file the output goes to instead of stdout (held open here): a write error names it.
    private let file: OutputFile?
    private var undecodable = 0

    init(printer: any Printer, encodingName: String, output: OutputBuffer = OutputBuffer(), file: OutputFile? = nil) {
        self.printer = printer
        self.encodingName = encodingName
        self.output = output
        self.file = file
    }

    /// What listen, chat, send --wait, ping and relay print with: the printer of the
    /// display's format with its decoder, and the time column, whose `elapsed` counts from now.
    public convenience init(_ display: DisplayOptions) throws(EncodingUnavailable) {
        guard let decoder = TextDecoder(encoding: display.encoding, errors: display.errors) else {
            throw EncodingUnavailable(encoding: display.encoding)
        }
        let columns = Columns(time: display.time.map { TimeColumn($0, start: Timestamp.now()) })
        let printer = display.format.printer.init(PrinterContext(decoder: decoder, showBytes: display.showBytes, columns: columns))
        self.init(printer: printer, encodingName: display.encoding.name)
    }

    public func begin() throws {
        printer.begin(to: &output.bytes)
    }

    public func take(_ record: Record, on socket: borrowing DatagramSocket) {
        if let failure = printer.append(record, to: &output.bytes) {
            undecodable += 1
            reportUndecodable(record.datagram, failure)
        }
        output.endRecord()
    }

    public func finishBatch(now: UInt64) throws {
        do { try output.flushIfFull() } catch { throw outputFailure(error, file: file?.path) }
    }

    public func flush() throws {
        do { try output.flush() } catch { throw outputFailure(error, file: file?.path) }
    }

    /// Added to what the other print sink (stdout beside a capture file) counted.
    public func contribute(to statistics: inout ReceiveStatistics) {
        statistics.undecodable += undecodable
        statistics.notWritten += output.unwrittenRecords
    }

    /// The printer's closing part (ping's summary), written out with what is left.
    public func finish(_ statistics: ReceiveStatistics) throws {
        printer.finish(statistics, to: &output.bytes)
        try flush()
    }

    /// `--errors strict`: the datagram is told on stderr with its sender and bytes instead.
    private func reportUndecodable(_ datagram: Datagram, _ failure: DecodeFailure) {
        var hex: [UInt8] = []
        for (position, byte) in datagram.payload.prefix(64).enumerated() {
            if position > 0 { hex.append(UInt8(ascii: " ")) }
            appendHexByte(byte, to: &hex)
        }
        let more = datagram.payload.count > 64 ? " ..." : ""
        writeDiagnostic("letter: cannot decode \(datagram.payload.count)-byte datagram from \(datagram.peer.pythonRepr) as "
            + "\(encodingName) at byte \(failure.offset): \(String(decoding: hex, as: UTF8.self))\(more)")
    }
}
