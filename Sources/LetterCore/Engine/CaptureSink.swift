/// `--pcap FILE`: the capture written to FILE beside what `-f` prints — a print sink of
/// its own with the pcap printer, flushed whenever the output is, so a reader of a pipe
/// sees each record at once. A write error on FILE ends the command as one on stdout
/// does, naming FILE.
extension PrintSink {
    /// Opens (creates or empties) `path` for the capture: a failure is one line naming it.
    public static func capture(toFile path: String) throws(RuntimeError) -> PrintSink {
        do {
            let file = try OutputFile(path)
            return PrintSink(printer: PcapPrinter(), encodingName: "", output: OutputBuffer(descriptor: file.descriptor),
                             file: file)
        } catch {
            throw RuntimeError("cannot open the capture file '\(path)': \(error.errno)")
        }
    }
}
