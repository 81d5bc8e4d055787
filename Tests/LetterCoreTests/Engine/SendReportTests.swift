import Testing
@testable import LetterCore

/// The progress line's and the --stats line's words and numbers.
struct SendReportTests {
    @Test func sizesInBinaryUnits() {
        #expect(formatSize(0) == "0 bytes")
        #expect(formatSize(1) == "1 byte")
        #expect(formatSize(1023) == "1023 bytes")
        #expect(formatSize(1024) == "1.0 KiB")
        #expect(formatSize(1536) == "1.5 KiB")
        #expect(formatSize(5 << 20) == "5.0 MiB")
        #expect(formatSize(3 << 30 + 1 << 29) == "3.5 GiB")
    }

    @Test func durations() {
        #expect(formatDuration(0.2) == "1 s")
        #expect(formatDuration(59) == "59 s")
        #expect(formatDuration(187) == "3:07")
        #expect(formatDuration(3723) == "1:02:03")
    }

    @Test func progressWithAKnownSize() {
        var report = SendReport(start: 0, inputSize: 4 << 20, showsProgress: false)
        report.note(datagrams: 1500, bytes: 1 << 20, inputPosition: 1 << 20, now: 2_000_000_000)
        #expect(report.progressLine(elapsed: 2_000_000_000) == "letter: sent 1500 datagrams (1.0 MiB), 750/s, 25%, 6 s left")
        let unknown = SendReport(start: 0, inputSize: nil, showsProgress: false)
        #expect(unknown.progressLine(elapsed: 1_000_000_000) == "letter: sent 0 datagrams (0 bytes), 0/s")
    }

    @Test func statsLine() {
        var report = SendReport(start: 1_000, inputSize: nil, showsProgress: false)
        report.note(datagrams: 3, bytes: 15, inputPosition: 0, now: 2_000)
        #expect(report.summary(now: 1_000 + 1_500_000_000) == "letter: sent 3 datagrams (15 bytes) in 1.500 s, 2/s")
    }
}
