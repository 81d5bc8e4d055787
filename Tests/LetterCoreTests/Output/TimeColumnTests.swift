import Testing
@testable import LetterCore

/// `--time` against Python: Fixtures/oracle/time_column.tsv has receive times in order,
/// one listening start, and what utc, epoch, elapsed and delta must write for each.
@Suite struct TimeColumnTests {
    func text(_ column: TimeColumn, _ stamp: Timestamp, quoted: Bool = false) -> String {
        var out: [UInt8] = []
        column.append(stamp, quoted: quoted, to: &out)
        return utf8String(out)
    }

    @Test func everyModeWritesWhatPythonWrites() throws {
        let rows = OracleFixtures.rows("time_column.tsv")
        #expect(rows.count == 200)
        let first = try #require(rows.first)
        let start = Timestamp(seconds: Int(first[2])!, nanoseconds: Int(first[3])!)  // the fixture holds numbers here
        let columns = [TimeMode.utc, .epoch, .elapsed, .delta].map { TimeColumn($0, start: start) }
        for row in rows {
            let stamp = Timestamp(seconds: Int(row[0])!, nanoseconds: Int(row[1])!)  // as above
            #expect(columns.map { text($0, stamp) } == Array(row[4...7]), "\(row[0]).\(row[1])")
        }
    }

    /// json quotes the calendar modes and leaves the numbers bare.
    @Test func jsonQuotesOnlyTheCalendarModes() throws {
        let row = try #require(OracleFixtures.rows("time_column.tsv").first)
        let stamp = Timestamp(seconds: Int(row[0])!, nanoseconds: Int(row[1])!)  // the fixture holds numbers here
        #expect(text(TimeColumn(.utc, start: stamp), stamp, quoted: true) == "\"\(row[4])\"")
        #expect(text(TimeColumn(.epoch, start: stamp), stamp, quoted: true) == row[5])
    }
}
