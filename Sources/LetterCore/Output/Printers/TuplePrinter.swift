/// `-f tuple`: exactly Python's `repr((data, addr))` of what `recvfrom` returned
/// (relay: `repr((data, src, dst))`).
final class TuplePrinter: Printer {
    static let summary = "repr((data, addr)), exactly as Python prints what recvfrom returned."
    private var addresses = AddressColumns(printForm: false, separator: ", ")

    init(_ context: PrinterContext) {}

    func append(_ datagram: Datagram, to out: inout [UInt8]) -> DecodeFailure? {
        out.append(UInt8(ascii: "("))
        appendPythonBytesRepr(datagram.payload, to: &out)
        out.append(contentsOf: ", ".utf8)
        addresses.append(datagram, to: &out)
        out.append(contentsOf: ")\n".utf8)
        return nil
    }
}
