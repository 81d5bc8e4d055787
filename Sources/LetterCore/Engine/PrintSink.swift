/// Prints each datagram through the printer of `-f` into the output buffer, which goes
/// to stdout when the socket has nothing more waiting (or the buffer is full).
public final class PrintSink: DatagramSink {
    let output: OutputBuffer
    private let printer: any Printer
    private let encodingName: String
    /// `--time` for formats where the stamp goes before the record.
    private let timeBefore: TimeColumn?
    private var undecodable = 0

    init(printer: any Printer, encodingName: String, time: TimeColumn? = nil, output: OutputBuffer = OutputBuffer()) {
        self.printer = printer
        self.encodingName = encodingName
        timeBefore = type(of: printer).columnPlacement == .line ? time : nil
        self.output = output
    }

    /// What listen, chat, send --wait, ping and relay print with: the printer of the
    /// display's format with its decoder, and the time column, whose `elapsed` counts from now.
    public convenience init(_ display: DisplayOptions) throws(EncodingUnavailable) {
        guard let decoder = TextDecoder(encoding: display.encoding, errors: display.errors) else {
            throw EncodingUnavailable(encoding: display.encoding)
        }
        let time = display.time.map { TimeColumn($0, start: Timestamp.now()) }
        let printer = display.format.printer.init(PrinterContext(decoder: decoder, showBytes: display.showBytes, time: time))
        self.init(printer: printer, encodingName: display.encoding.name, time: time)
    }

    /// Whether records carry columns as json fields (else on their first line).
    var writesFields: Bool { type(of: printer).columnPlacement == .fields }

    public func take(_ datagram: Datagram, on socket: borrowing DatagramSocket) {
        let start = output.bytes.count
        if let timeBefore {
            timeBefore.append(datagram.receivedAt, to: &output.bytes)
            output.bytes.append(UInt8(ascii: " "))
        }
        if let failure = printer.append(datagram, to: &output.bytes) {
            // Nothing of an undecodable datagram is printed, its stamp included.
            output.bytes.removeSubrange(start...)
            timeBefore?.forgetLast()
            undecodable += 1
            reportUndecodable(datagram, failure)
        }
        output.endRecord()
    }

    public func finishBatch(now: UInt64) throws {
        do { try output.flushIfFull() } catch { throw outputFailure(error) }
    }

    public func flush() throws {
        do { try output.flush() } catch { throw outputFailure(error) }
    }

    public func contribute(to statistics: inout ReceiveStatistics) {
        statistics.undecodable = undecodable
        statistics.notWritten = output.unwrittenRecords
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
