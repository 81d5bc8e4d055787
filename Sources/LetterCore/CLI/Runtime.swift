/// Steps every subcommand takes between parsed options and a working socket, with the
/// failures turned into one-line messages.

func lookupEncodingOrFail(_ name: String) throws(UsageError) -> TextEncoding {
    guard let encoding = lookupEncoding(name) else {
        throw UsageError("unknown encoding '\(name)'; 'letter encodings' lists the ones that work here")
    }
    return encoding
}

/// An encoding letter knows but iconv cannot open here (its gconv module is missing):
/// a fault of the machine, not of the command line.
func iconvCannotOpen(_ name: String) -> RuntimeError {
    RuntimeError("encoding '\(name)' cannot be opened by iconv on this machine (is its gconv module installed?)")
}

func makeRecordWriter(_ display: DisplayOptions) throws -> RecordWriter {
    let encoding = try lookupEncodingOrFail(display.encoding)
    guard let decoder = TextDecoder(encoding: encoding, errors: display.errors) else {
        throw iconvCannotOpen(display.encoding)
    }
    return RecordWriter(format: display.format, showBytes: display.showBytes, decoder: decoder)
}

/// Resolves where to send: the first address of the wanted family, IPv4 first when
/// either will do (as Python's default AF_INET socket does for `localhost`).
func resolveDestination(_ endpoint: Endpoint, family: AddressFamily?) throws(RuntimeError) -> SocketAddress {
    let addresses: [SocketAddress]
    do {
        addresses = try resolve(host: endpoint.host, port: endpoint.port, family: family)
    } catch {
        throw RuntimeError(error.description)
    }
    // resolve() never returns an empty list.
    return addresses.first { !$0.isIPv6 } ?? addresses[0]
}

/// The address to bind for `[HOST:]PORT`: every interface when HOST is empty (IPv6
/// `::` with -6, else IPv4 `0.0.0.0`, like Python's '').
func resolveBindAddress(_ endpoint: Endpoint, family: AddressFamily?) throws(RuntimeError) -> SocketAddress {
    if endpoint.host.isEmpty {
        return family == .v6
            ? .v6(bytes: .any, port: endpoint.port, flowInfo: 0, scopeID: 0)
            : .v4(octets: (0, 0, 0, 0), port: endpoint.port)
    }
    return try resolveDestination(endpoint, family: family)
}

/// A UDP socket of `address`'s family bound to it. `::` is made dual-stack.
func openBoundSocket(_ address: SocketAddress, reuseAddress: Bool) throws(RuntimeError) -> UDPSocket {
    let socket = try openSocket(family: address.addressFamily)
    do {
        if reuseAddress { try socket.setReuseAddress() }
        if case .v6(let bytes, _, _, _) = address, bytes == .any { try socket.setIPv6Only(false) }
        try socket.bind(to: address)
    } catch {
        throw RuntimeError(describeBindFailure(error, address))
    }
    return socket
}

func openSocket(family: AddressFamily) throws(RuntimeError) -> UDPSocket {
    do {
        return try UDPSocket(family: family)
    } catch {
        throw RuntimeError("cannot open a UDP socket: \(error.errno)")
    }
}

func describeBindFailure(_ error: SystemCallError, _ address: SocketAddress) -> String {
    let place = "\(address.pythonTuple)"
    switch error.errno {
    case .addressInUse:
        return "cannot bind \(place): port \(address.port) is in use (\(error.errno))"
    case .accessDenied:
        return "cannot bind \(place): permission denied (ports below 1024 need root)"
    default:
        return "cannot bind \(place): \(error.errno)"
    }
}

/// Applies --broadcast, --ttl, --no-loop and --interface to a socket sending to
/// `destination`. The multicast ones are refused for a unicast destination, where they
/// would silently do nothing.
func applySendingOptions(_ options: SendingOptions, to socket: borrowing UDPSocket,
                         destination: SocketAddress) throws {
    if !isMulticast(destination) {
        let given = [(options.multicastHops != nil, "--ttl"), (!options.multicastLoop, "--no-loop"),
                     (options.interface != nil, "--interface")]
        if let (_, option) = given.first(where: { $0.0 }) {
            throw UsageError("\(option) applies to multicast; \(destination.host) is not a multicast address")
        }
    }
    let interface = try options.interface.map(resolveInterface)
    do throws(SystemCallError) {
        if options.broadcast { try socket.setBroadcast() }
        if let hops = options.multicastHops { try socket.setMulticastHops(hops) }
        if !options.multicastLoop { try socket.setMulticastLoop(false) }
        if let (index, address) = interface { try socket.setMulticastInterface(index: index, address: address) }
    } catch {
        throw RuntimeError("\(error.call) failed: \(error.errno)")
    }
}

/// `--interface NAME|ADDR`: the interface's index, and for an IPv4 ADDR the address
/// itself (IPv4 multicast then leaves from it). An ADDR is looked up among the
/// interfaces' own addresses, so that it names an interface for IPv6 too and one that
/// no interface has is refused rather than ignored.
func resolveInterface(_ text: String) throws(RuntimeError) -> (UInt32, SocketAddress?) {
    if let address = parseIPAddress(text), let exact = Network(text) {
        let owners: [(index: UInt32, address: SocketAddress)]
        do { owners = try interfaceAddresses() } catch { throw RuntimeError("cannot list network interfaces: \(error.errno)") }
        guard let owner = owners.first(where: { exact.contains($0.address) }) else {
            throw RuntimeError("no network interface has the address \(text)")
        }
        return (owner.index, address.isIPv6 ? nil : address)
    }
    guard let index = interfaceIndex(named: text) else { throw RuntimeError("no network interface named '\(text)'") }
    return (index, nil)
}

/// Turns a failed send into a message, with the hint a broadcast address needs.
func describeSendFailure(_ error: SystemCallError, to destination: SocketAddress) -> String {
    if error.errno == .accessDenied {
        return "cannot send to \(destination.pythonTuple): \(error.errno) (to send to a broadcast address, add --broadcast)"
    }
    return "cannot send to \(destination.pythonTuple): \(error.errno)"
}

/// The largest UDP payload: 65535 minus the IPv4 (20) or IPv6 (no header counted:
/// the payload length field) and UDP (8) headers.
func maximumDatagramSize(for destination: SocketAddress) -> Int {
    destination.isIPv6 ? 65527 : 65507
}

/// The destination answered with ICMP port unreachable: nothing listens there.
struct PortUnreachable: Error {}

/// Thrown when stdout's reader has gone away (EPIPE, as after `| head -1`): the
/// program ends quietly with status 0.
struct OutputClosed: Error {}

/// What a failed write to stdout ends letter with: quietly when the reader left, else
/// one line naming the error (disk full, I/O error) and status 1.
func outputFailure(_ error: SystemCallError) -> Error {
    error.errno == .brokenPipe ? OutputClosed() : RuntimeError("cannot write to standard output: \(error.errno)")
}
