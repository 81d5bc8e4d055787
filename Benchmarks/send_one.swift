// send_one_swift HOST PORT MESSAGE (or --version): send_one.c in Swift, built as letter
// is (-static-executable, stripped): the start-up floor of a Swift process that sends one
// datagram. Numeric IPv4 or IPv6 HOST only. No Foundation, no arrays, no String
// arguments: argv is read as C strings, so what is left is the Swift runtime's own
// start-up (as the toolchain ships it) on top of the C floor.
import Glibc

func fail(_ what: StaticString, _ code: Int32) -> Never {
    perror(what.utf8Start)
    exit(code)
}

if CommandLine.argc == 2 && strcmp(CommandLine.unsafeArgv[1]!, "--version") == 0 {
    puts("send_one_swift 1")
    exit(0)
}
guard CommandLine.argc == 4 else {
    fputs("usage: send_one_swift HOST PORT MESSAGE\n", stderr)
    exit(2)
}
let host = CommandLine.unsafeArgv[1]!
let port = UInt16(clamping: atoi(CommandLine.unsafeArgv[2]!))
let message = CommandLine.unsafeArgv[3]!

var v4 = sockaddr_in()
var v6 = sockaddr_in6()
let sent: Int
if inet_pton(AF_INET, host, &v4.sin_addr) == 1 {
    v4.sin_family = sa_family_t(AF_INET)
    v4.sin_port = port.bigEndian
    let fd = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
    if fd < 0 { fail("socket", 1) }
    sent = withUnsafePointer(to: &v4) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
            sendto(fd, message, strlen(message), 0, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
        }
    }
} else if inet_pton(AF_INET6, host, &v6.sin6_addr) == 1 {
    v6.sin6_family = sa_family_t(AF_INET6)
    v6.sin6_port = port.bigEndian
    let fd = socket(AF_INET6, Int32(SOCK_DGRAM.rawValue), 0)
    if fd < 0 { fail("socket", 1) }
    sent = withUnsafePointer(to: &v6) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
            sendto(fd, message, strlen(message), 0, $0, socklen_t(MemoryLayout<sockaddr_in6>.size))
        }
    }
} else {
    fputs("send_one_swift: HOST must be a numeric IPv4 or IPv6 address\n", stderr)
    exit(2)
}
if sent < 0 { fail("sendto", 1) }
