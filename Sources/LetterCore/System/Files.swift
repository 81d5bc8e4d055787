import Glibc

/// What a path names, as far as binding a unix socket there is concerned.
public enum FileKind: Equatable, Sendable {
    case missing
    case socket
    /// Anything else: a regular file, a directory... never touched by letter.
    case other
}

/// What is at `path` (not following a final symbolic link). The corresponding C
/// function is `lstat`.
public func fileKind(atPath path: [UInt8]) -> FileKind {
    var info = stat()
    let found = withPathString(path) { lstat($0, &info) } == 0
    guard found else { return .missing }
    return info.st_mode & S_IFMT == S_IFSOCK ? .socket : .other
}

/// A file's device and inode: two paths name the same file exactly when these agree.
public struct FileIdentity: Equatable, Sendable {
    let device: UInt64
    let inode: UInt64
}

/// The device and inode of the file at `path` (following symbolic links, as a send to
/// it does); nil when there is none. The corresponding C function is `stat`.
public func fileIdentity(atPath path: [UInt8]) -> FileIdentity? {
    var info = stat()
    guard withPathString(path, { stat($0, &info) }) == 0 else { return nil }
    return FileIdentity(device: UInt64(info.st_dev), inode: UInt64(info.st_ino))
}

/// Removes the file at `path`. The corresponding C function is `unlink`.
public func removeFile(atPath path: [UInt8]) throws(SystemCallError) {
    _ = try retryingInterrupts("unlink") { withPathString(path) { unlink($0) } }
}

/// Whether a file (of any kind) exists at `path`, as `./NAME` for a bare name.
public func fileExists(_ path: String) -> Bool {
    access(path, F_OK) == 0
}

func withPathString<Result>(_ path: [UInt8], _ body: (UnsafePointer<CChar>) -> Result) -> Result {
    (path + [0]).withUnsafeBufferPointer { bytes in
        bytes.withMemoryRebound(to: CChar.self) { body($0.baseAddress!) }  // never empty: it holds the NUL
    }
}
