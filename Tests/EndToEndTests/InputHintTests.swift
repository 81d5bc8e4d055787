import Testing

/// Input that does not decode gets a hint that fits it: binary data points to the ways
/// of sending bytes untouched, text in another encoding to that encoding (the one
/// Python's codec decodes it with), never only to `--errors replace`, which would
/// corrupt it. MESSAGE words are checked as stdin is.
@Suite struct InputHintTests {
    /// Bytes that Python makes: `python3 -c CODE` writes them to stdout.
    func pythonBytes(_ code: String) throws -> [UInt8] {
        let child = try run(Paths.python, ["-c", "import sys; sys.stdout.buffer.write(\(code))"])
        #expect(child.status == 0, "\(child.stderrText)")
        return child.stdout
    }

    @Test func aGBKFileIsToldItsEncoding() throws {
        let input = try pythonBytes("'你好，世界\\n第二行\\n'.encode('gbk')")
        let send = try run(Paths.letter, ["send", "127.0.0.1", "9"], input: input)
        #expect(send.status == 1)
        #expect(send.stderrText.hasPrefix("letter send: line 1: invalid utf-8 input at byte 1 (0xc4); nothing sent for it ("), "\(send.stderrText)")
        #expect(send.stderrText.contains("--input-encoding gbk"), "\(send.stderrText)")
        #expect(!send.stderrText.contains("--errors replace"), "\(send.stderrText)")
        // The hint is right: with it, the same input is sent.
        #expect(try run(Paths.letter, ["send", "--input-encoding", "gbk", "127.0.0.1", "9"], input: input).status == 0)
    }

    @Test func aPNGIsToldToSendBytes() throws {
        let input = try pythonBytes("b'\\x89PNG\\r\\n\\x1a\\n' + bytes(range(256)) * 4")
        let send = try run(Paths.letter, ["send", "127.0.0.1", "9"], input: input)
        #expect(send.status == 1)
        #expect(send.stderrText.contains("the input looks binary: --bytes"), "\(send.stderrText)")
        #expect(send.stderrText.contains("--chunk") && send.stderrText.contains("--hex"), "\(send.stderrText)")
        #expect(!send.stderrText.contains("--errors replace"), "\(send.stderrText)")
    }

    /// `$'\xff'` as a MESSAGE word: refused under strict (the default), U+FFFD with
    /// `--errors replace`, and read as Latin-1 with `--input-encoding latin-1` — each
    /// datagram as Python's receiver got it.
    @Test func aWordThatIsNotUTF8IsCheckedAsStdinIs() throws {
        let script = #"""
            import os, socket, subprocess, sys
            letter = os.fsencode(sys.argv[1])
            receiver = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            receiver.bind(('127.0.0.1', 0))
            receiver.settimeout(5)
            port = str(receiver.getsockname()[1]).encode()
            for extra in [[], [b'--errors', b'replace'], [b'--input-encoding', b'latin-1']]:
                done = subprocess.run([letter, b'send'] + extra + [b'127.0.0.1', port, b'\xff'], capture_output=True)
                print(done.returncode, b'--input-encoding' in done.stderr)
                if done.returncode == 0:
                    print(receiver.recvfrom(100)[0] == b'\xff'.decode('latin-1' if extra[0] == b'--input-encoding' else 'utf-8', 'replace').encode())
            """#
        let driver = try run(Paths.python, ["-c", script, Paths.letter])
        #expect(driver.status == 0, "\(driver.stderrText)")
        #expect(driver.stdoutText == "1 True\n0 False\nTrue\n0 False\nTrue\n")
    }
}
