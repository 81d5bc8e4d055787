/// `-f tuple`: exactly Python's `repr((data, addr))` of what `recvfrom` returned
/// (relay: `repr((data, src, dst))`).
final class TuplePrinter: Printer {
    static let summary = "repr((data, addr)), exactly as Python prints what recvfrom returned."
    private let columns: Columns
    private var addresses = AddressColumns(printForm: false, separator: ", ")

    init(_ context: PrinterContext) { columns = context.columns }

    func append(_ record: Record, to out: inout [UInt8]) -> DecodeFailure? {
        columns.appendLead(record, to: &out)
        out.append(UInt8(ascii: "("))
        appendPythonBytesRepr(record.datagram.payload, to: &out)
        out.append(contentsOf: ", ".utf8)
        addresses.append(record, to: &out)
        out.append(UInt8(ascii: ")"))
        columns.appendTrail(record, to: &out)
        out.append(UInt8(ascii: "\n"))
        return nil
    }
}
