/// The steps between an endpoint as written and a working socket: resolving, binding
/// (with the stale-socket policy), the sending options and multicast membership. Each
/// failure is one `RuntimeError` line.

/// Resolves where to send: a unix name as it is; for a host, the first address of the
/// wanted family, IPv4 first when either will do (as Python's default AF_INET socket
/// does for `localhost`).
public func resolveDestination(_ endpoint: Endpoint, family: AddressFamily?) throws(RuntimeError) -> Peer {
    switch endpoint {
    case .unix(let path): return .unixPath(path.argumentBytes)
    case .abstract(let name): return .abstract(name.argumentBytes)
    case .inet(let host, let port):
        let addresses: [Peer]
        do {
            addresses = try resolve(host: host, port: port, family: family)
        } catch {
            // A bare name is a host; a socket file of that name wants a slash.
            let hint = fileExists(host) ? " (for the socket file '\(host)' here, write ./\(host))" : ""
            throw RuntimeError(error.description + hint)
        }
        // resolve() never returns an empty list.
        return addresses.first { !$0.isIPv6 } ?? addresses[0]
    }
}

/// The address to bind: a unix name as it is; for `[HOST:]PORT`, every interface when
/// HOST is empty (IPv6 `::` with -6, else IPv4 `0.0.0.0`, like Python's '').
public func resolveBindAddress(_ endpoint: Endpoint, family: AddressFamily?) throws(RuntimeError) -> Peer {
    if case .inet(let host, let port) = endpoint, host.isEmpty {
        return family == .v6 ? .v6(bytes: .any, port: port, flowInfo: 0, scopeID: 0) : .v4(octets: (0, 0, 0, 0), port: port)
    }
    return try resolveDestination(endpoint, family: family)
}

/// A socket of `address`'s family bound to it. `::` is made dual-stack. A unix path
/// must be free: a stale socket file (nobody bound to it) is replaced, a live one is
/// in use, and a file that is not a socket is never touched.
public func openBoundSocket(_ address: Peer, reuseAddress: Bool) throws(RuntimeError) -> DatagramSocket {
    var socket = try openSocket(family: address.addressFamily)
    if case .unixPath(let path) = address {
        switch fileKind(atPath: path) {
        case .missing:
            break
        case .other:
            throw RuntimeError("cannot bind \(address.pythonRepr): the path exists and is not a socket (left untouched)")
        case .socket:
            switch DatagramSocket.probe(unixPath: path) {
            case .live:
                throw RuntimeError("cannot bind \(address.pythonRepr): a socket is already bound there and in use")
            case .unknown(let error):
                throw RuntimeError("cannot bind \(address.pythonRepr): a socket file is there (\(error)); left untouched")
            case .stale:
                break
            }
            do { try removeFile(atPath: path) } catch {
                throw RuntimeError("cannot replace the stale socket \(address.pythonRepr): \(error.errno)")
            }
        }
    }
    do {
        if reuseAddress { try socket.setReuseAddress() }
        if case .v6(let bytes, _, _, _) = address, bytes == .any { try socket.setIPv6Only(false) }
        try socket.bind(to: address)
    } catch {
        throw RuntimeError(describeBindFailure(error, address))
    }
    return socket
}

/// A socket to send to `destination` from `bind` (or from wherever the kernel picks).
/// A socket that must hear replies (`autobind`: send -w, chat, ping) is bound at once,
/// so its address is known: an internet one to any port, a unix one to an abstract name
/// the kernel picks (without a name, the peer could not answer).
public func openSendingSocket(to destination: Peer, bind: Endpoint?, autobind: Bool,
                              reuseAddress: Bool = false) throws(RuntimeError) -> DatagramSocket {
    if let bind {
        let local = try resolveBindAddress(bind, family: destination.addressFamily == .unix ? nil : destination.addressFamily)
        guard local.addressFamily == destination.addressFamily || (!local.isUnix && !destination.isUnix) else {
            throw RuntimeError("cannot send from \(local.pythonRepr) to \(destination.pythonRepr): "
                + "one is a unix socket and the other is not")
        }
        return try openBoundSocket(local, reuseAddress: reuseAddress)
    }
    if autobind {
        let anywhere: Peer = switch destination.addressFamily {
        case .unix: .unnamed
        case .v4: .v4(octets: (0, 0, 0, 0), port: 0)
        case .v6: .v6(bytes: .any, port: 0, flowInfo: 0, scopeID: 0)
        }
        return try openBoundSocket(anywhere, reuseAddress: false)
    }
    return try openSocket(family: destination.addressFamily)
}

func openSocket(family: AddressFamily) throws(RuntimeError) -> DatagramSocket {
    do {
        return try DatagramSocket(family: family)
    } catch {
        throw RuntimeError("cannot open a socket: \(error.errno)")
    }
}

private func describeBindFailure(_ error: SystemCallError, _ address: Peer) -> String {
    let place = "\(address.pythonRepr)"
    switch (error.errno, address.isUnix) {
    case (.addressInUse, false):
        return "cannot bind \(place): port \(address.port) is in use (\(error.errno))"
    case (.accessDenied, false):
        return "cannot bind \(place): permission denied (ports below 1024 need root)"
    default:
        return "cannot bind \(place): \(error.errno)"
    }
}

/// The address the socket is bound to, for the 'listening on' line.
public func boundAddress(of socket: borrowing DatagramSocket) throws(RuntimeError) -> Peer {
    do { return try socket.localAddress() } catch { throw RuntimeError("cannot read the bound address: \(error.errno)") }
}

/// SIGINT, SIGTERM and SIGHUP as a descriptor the loop watches.
public func watchSignals() throws(RuntimeError) -> SignalWatcher {
    do { return try SignalWatcher() } catch { throw RuntimeError("cannot watch signals: \(error.errno)") }
}

/// Applies `--broadcast`, `--ttl`, `--no-loop` and `--interface` to a sending socket.
public func applySendingOptions(_ options: SendingOptions, to socket: borrowing DatagramSocket) throws(RuntimeError) {
    let interface = try options.interface.map(resolveInterface)
    do throws(SystemCallError) {
        if options.broadcast { try socket.setBroadcast() }
        if let hops = options.multicastHops { try socket.setMulticastHops(hops) }
        if !options.multicastLoop { try socket.setMulticastLoop(false) }
        if let (index, address) = interface { try socket.setMulticastInterface(index: index, address: address) }
    } catch {
        throw RuntimeError(failed: error)
    }
}

/// Joins each multicast group on the interface named by `interface` (or the kernel's choice).
public func joinGroups(_ groups: [Peer], interface: String?, on socket: borrowing DatagramSocket) throws(RuntimeError) {
    guard !groups.isEmpty else { return }
    let (index, interfaceAddress) = try interface.map(resolveInterface) ?? (0, nil)
    for address in groups {
        let group = address.host
        guard address.isIPv6 == (socket.family == .v6) else {
            throw RuntimeError("cannot join \(group): the socket is \(socket.family == .v6 ? "IPv6" : "IPv4"); bind a matching address (-4/-6)")
        }
        do {
            try socket.joinGroup(address, interfaceIndex: index, interfaceAddress: interfaceAddress)
        } catch {
            throw RuntimeError("cannot join multicast group \(group): \(error.errno)")
        }
    }
}

/// `--interface NAME|ADDR`: the interface's index, and for an IPv4 ADDR the address
/// itself (IPv4 multicast then leaves from it). An ADDR is looked up among the
/// interfaces' own addresses, so that it names an interface for IPv6 too and one that
/// no interface has is refused rather than ignored.
private func resolveInterface(_ text: String) throws(RuntimeError) -> (UInt32, Peer?) {
    if let address = parseIPAddress(text), let exact = Network(text) {
        let owners: [(index: UInt32, address: Peer)]
        do { owners = try interfaceAddresses() } catch { throw RuntimeError("cannot list network interfaces: \(error.errno)") }
        guard let owner = owners.first(where: { exact.contains($0.address) }) else {
            throw RuntimeError("no network interface has the address \(text)")
        }
        return (owner.index, address.isIPv6 ? nil : address)
    }
    guard let index = interfaceIndex(named: text) else { throw RuntimeError("no network interface named '\(text)'") }
    return (index, nil)
}
