/// What the relay's refusals compare: the socket a target reaches, not how it is spelt.
/// A trial got past a check of spellings with `[::ffff:127.0.0.1]:P` for a relay on
/// 127.0.0.1 P, `DIR//r.sock` for `DIR/r.sock`, and 64 spellings of 127.0.0.1 for one
/// target: a loop that fills the session table, or one datagram turned into 64.

/// Whether datagrams sent to `one` and to `other` reach the same socket: the same address
/// once a v4-mapped one is taken as the IPv4 address it stands for, or two paths to the
/// same file (device and inode).
public func reachSameSocket(_ one: Peer, _ other: Peer) -> Bool {
    let (one, other) = (one.unmapped, other.unmapped)
    if one == other { return true }
    guard case .unixPath(let first) = one, case .unixPath(let second) = other,
          let identity = fileIdentity(atPath: first) else { return false }
    return identity == fileIdentity(atPath: second)
}

/// Whether `target` reaches the relay's own socket bound at `listening`: the same socket,
/// or the same port on any of this host's addresses when it is bound to every interface.
public func reachesItself(_ target: Peer, listening: Peer) -> Bool {
    if reachSameSocket(target, listening) { return true }
    let target = target.unmapped
    // A wildcard socket hears its port on every address of this host (`::` IPv4's too).
    guard listening.isUnspecified, !target.isUnix, target.port == listening.port,
          target.isIPv6 == listening.isIPv6 || listening.isIPv6 else { return false }
    if target.isLoopback || target.isUnspecified { return true }
    return ((try? interfaceAddresses()) ?? []).contains { $0.address.host == target.host }
}
