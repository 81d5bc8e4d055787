import Testing

/// Socket paths are bytes as given: a name that is not UTF-8 is that name, not one
/// with U+FFFD in it, and it prints as Python prints `os.fsdecode` of it. Python drives
/// letter here, since only it can pass such bytes as arguments; it is the oracle too.
@Suite struct NonUTF8PathTests {
    @Test func aSocketPathIsUsedByteForByte() throws {
        let directory = try UnixSocketTests.SocketDirectory()
        let script = #"""
            import os, socket, subprocess, sys
            letter, folder = os.fsencode(sys.argv[1]), os.fsencode(sys.argv[2])
            # Two names that would be one file if the bytes were repaired to U+FFFD.
            paths = [folder + b'/\xff\xfe.sock', folder + '/\ufffd\ufffd.sock'.encode()]
            listeners = [subprocess.Popen([letter, b'listen', b'-c', b'1', b'-t', b'10', path],
                                          stdout=subprocess.PIPE, stderr=subprocess.PIPE) for path in paths]
            banners = [listener.stderr.readline().decode() for listener in listeners]
            print(sorted(os.listdir(folder)) == sorted(os.path.basename(path) for path in paths))
            for index, path in enumerate(paths):
                socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM).sendto(b'to %d' % index, path)
            for index, (listener, path) in enumerate(zip(listeners, paths)):
                out, err = listener.communicate(timeout=10)
                print(banners[index] == 'listening on %r\n' % os.fsdecode(path), out == b'to %d None\n' % index,
                      listener.returncode, err)
            print(os.listdir(folder))
            """#
        let driver = try run(Paths.python, ["-c", script, Paths.letter, directory.path])
        #expect(driver.status == 0, "\(driver.stderrText)")
        #expect(driver.stdoutText == "True\nTrue True 0 b''\nTrue True 0 b''\n[]\n")
    }

    /// A usage error quoting such a path writes its bytes as Python's repr writes them.
    @Test func aDiagnosticWritesTheBytesAsPythonDoes() throws {
        let script = #"""
            import os, subprocess, sys
            path = b'/nonexistent-\xff/x.sock'
            done = subprocess.run([os.fsencode(sys.argv[1]), b'send', path, b'hi'], capture_output=True)
            print(done.returncode, repr(os.fsdecode(path)) in done.stderr.decode())
            """#
        let driver = try run(Paths.python, ["-c", script, Paths.letter])
        #expect(driver.stdoutText == "1 True\n", "\(driver.stderrText)")
    }
}
