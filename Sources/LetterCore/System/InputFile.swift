import Glibc

/// Opens the file at `path` for reading (`send --file`), closed on exec. The path is
/// bytes as given. The corresponding C function is `open`.
public func openForReading(path: [UInt8]) throws(SystemCallError) -> Int32 {
    try retryingInterrupts("open") { withPathString(path) { open($0, O_RDONLY | O_CLOEXEC) } }
}

/// The size of the regular file open at `descriptor`; nil for anything else (a pipe, a
/// terminal, a socket), whose size is not known before its end. The corresponding C
/// function is `fstat`.
public func regularFileSize(_ descriptor: Int32) -> Int? {
    var info = stat()
    guard fstat(descriptor, &info) == 0, info.st_mode & S_IFMT == S_IFREG else { return nil }
    return Int(info.st_size)
}
