import Glibc
import TestSupport
import Testing

/// letter between real hosts. Each test builds its own Ethernet segment out of network
/// namespaces (see `TestNetwork`), runs the built letter inside the hosts with
/// `ip netns exec`, and removes the segment afterwards whatever happened. Traffic goes
/// only to the segment's private addresses; every host has ports of its own, so the
/// listeners here use fixed ones.
@Suite struct NetworkNamespaceTests {
    @Test(arguments: TestNetwork.Path.allCases)
    func letterFromAnotherHostShowsItsAddressAsPythonDoes(path: TestNetwork.Path) throws {
        guard let network = TestNetwork.make("from-\(path)", hosts: 2) else { return }
        defer { network.remove() }
        let (a, b) = (network.hosts[0], network.hosts[1])
        let everywhere = path == .ipv4 ? "0.0.0.0" : "::"
        let letter = try network.start(on: b, ["listen", "--bytes", "-c", "1", "-t", "10", everywhere, "9000"],
                                       ready: "listening on")
        let python = try network.start(on: b, program: Paths.python, [Paths.oracle, "recv", "--host", everywhere,
                                                                       "--port", "9001", "--with-sender"],
                                       ready: "listening on")
        // The same letter from the same source port, once as HOST PORT and once as one argument.
        let destination = b.destination(path)
        let oneArgument = destination.contains(":") ? "[\(destination)]:9001" : "\(destination):9001"
        for target in [[destination, "9000"], [oneArgument]] {
            let sent = try network.letter(on: a, ["send", "-b", "5000"] + target + ["hello 你好"])
            #expect(sent.status == 0, "stderr: \(sent.stderrText)")
        }
        #expect(letter.wait() == 0, "stderr: \(letter.stderrText)")
        #expect(python.wait() == 0, "python: \(python.stderrText)")
        #expect(letter.stdoutText == python.stdoutText)
        #expect(letter.stdoutText.hasSuffix(" (\(try network.tuple(of: a, seenBy: b, path, port: 5000)))\n"))
    }

    @Test func broadcastNeedsTheFlagThenReachesEveryListener() throws {
        guard let network = TestNetwork.make("broadcast", hosts: 3) else { return }
        defer { network.remove() }
        // The sender's own host hears its broadcast too.
        let listeners = try network.hosts.map {
            try network.start(on: $0, ["listen", "-c", "1", "-t", "10", "0.0.0.0", "9000"], ready: "listening on")
        }
        let sender = network.hosts[0]
        let refused = try network.letter(on: sender, ["send", "10.77.0.255", "9000", "without the flag"])
        #expect(refused.status == 1)
        #expect(refused.stderrText.split(separator: "\n").count == 1 && refused.stderrText.contains("add --broadcast"),
                "stderr: \(refused.stderrText)")
        let sent = try network.letter(on: sender, ["send", "--broadcast", "-b", "5000", "10.77.0.255", "9000", "to everyone"])
        #expect(sent.status == 0, "stderr: \(sent.stderrText)")
        for listener in listeners {
            #expect(listener.wait() == 0)
            #expect(listener.stdoutText == "to everyone ('10.77.0.1', 5000)\n")
        }
    }

    @Test func chatBroadcastsAndHearsEveryReply() throws {
        guard let network = TestNetwork.make("chat-broadcast", hosts: 3) else { return }
        defer { network.remove() }
        let (a, others) = (network.hosts[0], network.hosts.dropFirst())
        let listeners = try others.map {
            try network.start(on: $0, ["listen", "--reply", "host \($0.number) here", "-c", "1", "-t", "10", "0.0.0.0", "9000"],
                              ready: "listening on")
        }
        // Without --broadcast the first line already fails, and the chat ends with the hint.
        let refused = try network.letter(on: a, ["chat", "10.77.0.255", "9000"], input: "without the flag\n")
        #expect(refused.status == 1)
        #expect(refused.stderrText.split(separator: "\n").last?.contains("add --broadcast") == true,
                "stderr: \(refused.stderrText)")

        let chat = try network.start(on: a, ["chat", "--broadcast", "10.77.0.255", "9000"], ready: "chatting with")
        let chatPort = try portFromTuple(try #require(chat.stderrLine(containing: "chatting with")))
        chat.write("who is there?\n")
        #expect(chat.pump(seconds: 10) { $0.stdoutText.split(separator: "\n").count == 2 }, "stderr: \(chat.stderrText)")
        chat.closeStdin()
        #expect(chat.wait() == 0)
        #expect(chat.stdoutText.split(separator: "\n").sorted() == ["host 2 here ('10.77.0.2', 9000)",
                                                                    "host 3 here ('10.77.0.3', 9000)"])
        for listener in listeners {
            #expect(listener.wait() == 0)
            #expect(listener.stdoutText == "who is there? ('10.77.0.1', \(chatPort))\n")
        }
    }

    @Test(arguments: [("239.77.0.1", "239.77.0.2"), ("ff12::77", "ff12::78")])
    func multicastReachesTheHostsThatJoinedAndNoOther(group: String, otherGroup: String) throws {
        guard let network = TestNetwork.make("join-\(group.contains(":") ? 6 : 4)", hosts: 4) else { return }
        defer { network.remove() }
        let (a, b, c, d) = (network.hosts[0], network.hosts[1], network.hosts[2], network.hosts[3])
        let path: TestNetwork.Path = group.contains(":") ? .ipv6 : .ipv4
        let everywhere = path == .ipv4 ? "0.0.0.0" : "::"
        let bound = ["-t", "10", everywhere, "9000"]
        // b joins both groups naming its interface, c one group giving its address, d none.
        let byName = try network.start(on: b, ["listen", "--join", otherGroup, "--join", group, "--interface", "eth0",
                                               "-c", "2"] + bound, ready: "listening on")
        let byAddress = try network.start(on: c, ["listen", "--join", group, "--interface", c.address(path), "-c", "1"] + bound,
                                          ready: "listening on")
        let outsider = try network.start(on: d, ["listen", "-c", "1"] + bound, ready: "listening on")
        for (destination, text) in [(group, "to the group"), (otherGroup, "to the other group")] {
            let sent = try network.letter(on: a, ["send", "--interface", "eth0", "-b", "5000", destination, "9000", text])
            #expect(sent.status == 0, "stderr: \(sent.stderrText)")
        }
        // Sent after the group letters along the same wire: had d heard a group, this would
        // not be the first thing it printed.
        let marker = try network.letter(on: a, ["send", "-b", "5000", d.destination(path), "9000", "only to d"])
        #expect(marker.status == 0, "stderr: \(marker.stderrText)")

        // A letter to a link-scope IPv6 group leaves from the link-local address.
        let groupPath: TestNetwork.Path = path == .ipv4 ? .ipv4 : .linkLocal
        let toB = try network.tuple(of: a, seenBy: b, groupPath, port: 5000)
        #expect(byName.wait() == 0, "stderr: \(byName.stderrText)")
        #expect(byName.stdoutText == "to the group (\(toB))\nto the other group (\(toB))\n")
        #expect(byAddress.wait() == 0, "stderr: \(byAddress.stderrText)")
        #expect(byAddress.stdoutText == "to the group (\(try network.tuple(of: a, seenBy: c, groupPath, port: 5000)))\n")
        #expect(outsider.wait() == 0)
        #expect(outsider.stdoutText == "only to d (\(try network.tuple(of: a, seenBy: d, path, port: 5000)))\n")
    }

    /// `send -w --all` to a multicast group takes a reply from every member (each from its
    /// own address, not the group's), as discovery over SSDP or WS-Discovery needs.
    @Test func sendWaitsForEveryMemberOfAGroup() throws {
        guard let network = TestNetwork.make("join-send", hosts: 3) else { return }
        defer { network.remove() }
        let (a, members) = (network.hosts[0], network.hosts.dropFirst())
        let group = "239.77.0.5"
        let listeners = try members.map {
            try network.start(on: $0, ["listen", "--join", group, "--interface", "eth0", "--reply", "host \($0.number) here",
                                       "-c", "1", "-t", "10", "0.0.0.0", "9000"], ready: "listening on")
        }
        let sent = try network.letter(on: a, ["send", "--interface", "eth0", "-w", "--all", "-t", "1", group, "9000", "who is there?"])
        #expect(sent.status == 0, "stderr: \(sent.stderrText)")
        let expected = try members.map { "host \($0.number) here (\(try network.tuple(of: $0, seenBy: a, .ipv4, port: 9000)))" }
        #expect(sent.stdoutText.split(separator: "\n").map(String.init).sorted() == expected.sorted(), "stderr: \(sent.stderrText)")
        for listener in listeners { #expect(listener.wait() == 0, "stderr: \(listener.stderrText)") }
    }

    /// chat and relay hear a group with --join too: a chat over a multicast group, and a
    /// relay that forwards what is sent to the group.
    @Test func chatAndRelayJoinAGroup() throws {
        guard let network = TestNetwork.make("join-chat", hosts: 3) else { return }
        defer { network.remove() }
        let (a, b, c) = (network.hosts[0], network.hosts[1], network.hosts[2])
        let group = "239.77.0.9"
        // c relays to a listener on itself: that goes through its loopback interface.
        try network.configure(c, ["link", "set", "lo", "up"])
        let chat = try network.start(on: b, ["chat", "--join", group, "--interface", "eth0", "-b", "9000", "-t", "3", group, "9000"], ready: "chatting with")
        let target = try network.start(on: c, ["listen", "-c", "1", "-t", "10", c.address(.ipv4), "9100"], ready: "listening on")
        let relay = try network.start(on: c, ["relay", "--join", group, "--interface", "eth0", "-c", "1", "-t", "10", "0.0.0.0", "9001",
                                              "--to", "\(c.address(.ipv4)):9100"], ready: "relaying to")
        for port in ["9000", "9001"] {
            let sent = try network.letter(on: a, ["send", "--interface", "eth0", "-b", "5000", group, port, "to the group"])
            #expect(sent.status == 0, "\(sent.stderrText)")
        }
        #expect(target.wait() == 0, "\(target.stderrText)")
        #expect(target.stdoutText.hasPrefix("to the group ('\(c.address(.ipv4))', "), "\(target.stdoutText)")
        #expect(relay.wait() == 0, "\(relay.stderrText)")
        chat.closeStdin()
        #expect(chat.wait() == 0, "\(chat.stderrText)")
        #expect(chat.stdoutText == "to the group (\(try network.tuple(of: a, seenBy: b, .ipv4, port: 5000)))\n")
    }

    @Test(arguments: ["239.77.0.1", "ff12::77"])
    func multicastKeepsTheTTLAndLoopsBackUnlessTold(group: String) throws {
        guard let network = TestNetwork.make("ttl-\(group.contains(":") ? 6 : 4)", hosts: 2) else { return }
        defer { network.remove() }
        let (a, b) = (network.hosts[0], network.hosts[1])
        let path: TestNetwork.Path = group.contains(":") ? .linkLocal : .ipv4
        // Python in b prints each letter with the TTL (hop limit) it arrived with.
        let python = try network.start(on: b, program: Paths.python, ["-c", hopLimitReceiver, group], ready: "listening on")
        let everywhere = path == .ipv4 ? "0.0.0.0" : "::"
        let own = try network.start(on: a, ["listen", "--join", group, "--interface", "eth0", "-c", "2", "-t", "10",
                                            everywhere, "9000"], ready: "listening on")
        let letters = [(["--ttl", "7", "--no-loop"], "ttl 7, no loop"), (["--ttl", "9"], "ttl 9"), ([], "default")]
        for (options, text) in letters {
            let sent = try network.letter(on: a, ["send", "--interface", "eth0", "-b", "5000"] + options + [group, "9000", text])
            #expect(sent.status == 0, "stderr: \(sent.stderrText)")
        }
        #expect(python.wait() == 0, "python: \(python.stderrText)")
        #expect(own.wait() == 0, "stderr: \(own.stderrText)")
        #expect(python.stdoutText == "b'ttl 7, no loop' 7\nb'ttl 9' 9\nb'default' 1\n")
        // Its own host hears all but the --no-loop letter (from its link-local address for IPv6).
        let sender = try network.tuple(of: a, seenBy: a, path, port: 5000)
        #expect(own.stdoutText == "ttl 9 (\(sender))\ndefault (\(sender))\n")
    }

    @Test(arguments: [TestNetwork.Path.ipv4, .linkLocal])
    func chatBetweenTwoHostsGoesBothWays(path: TestNetwork.Path) throws {
        guard let network = TestNetwork.make("chat-\(path)", hosts: 2) else { return }
        defer { network.remove() }
        let (a, b) = (network.hosts[0], network.hosts[1])
        let chatA = try network.start(on: a, ["chat", "-b", "9000", b.destination(path), "9000"], ready: "chatting with")
        let chatB = try network.start(on: b, ["chat", "-b", "9000", a.destination(path), "9000"], ready: "chatting with")
        chatA.write("你好 from a\n")
        #expect(chatB.pump(seconds: 10) { $0.stdoutText.hasSuffix("\n") }, "stderr: \(chatB.stderrText)")
        chatB.write("hello from b\n")
        #expect(chatA.pump(seconds: 10) { $0.stdoutText.hasSuffix("\n") }, "stderr: \(chatA.stderrText)")
        chatA.closeStdin()
        chatB.closeStdin()
        #expect(chatA.wait() == 0)
        #expect(chatB.wait() == 0)
        #expect(chatB.stdoutText == "你好 from a (\(try network.tuple(of: a, seenBy: b, path, port: 9000)))\n")
        #expect(chatA.stdoutText == "hello from b (\(try network.tuple(of: b, seenBy: a, path, port: 9000)))\n")
        for chat in [chatA, chatB] {
            #expect(chat.stderrText.contains("received 1 datagram ("), "stderr: \(chat.stderrText)")
        }
    }
}

/// A Python receiver for `python3 -c SCRIPT GROUP`: joins GROUP on eth0, port 9000, and
/// prints three letters as `repr(data) TTL` (the IPv6 hop limit for an IPv6 group).
private let hopLimitReceiver = """
    import socket, struct, sys
    group = sys.argv[1]
    index = struct.pack("@i", socket.if_nametoindex("eth0"))
    if ":" in group:
        s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_RECVHOPLIMIT, 1)
        s.bind(("::", 9000))
        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_JOIN_GROUP, socket.inet_pton(socket.AF_INET6, group) + index)
    else:
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.setsockopt(socket.IPPROTO_IP, getattr(socket, "IP_RECVTTL", 12), 1)  # 12: Linux, absent from some builds
        s.bind(("0.0.0.0", 9000))
        s.setsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP, socket.inet_aton(group) + bytes(4) + index)
    s.settimeout(10)
    print("listening on", s.getsockname(), file=sys.stderr, flush=True)
    for _ in range(3):
        data, ancillary, _, _ = s.recvmsg(100, 64)
        print(repr(data), struct.unpack("@i", ancillary[0][2][:4])[0], flush=True)
    """

/// A throwaway Ethernet segment: the bridge `br0` in namespace `PREFIX-br`, and hosts
/// `PREFIX-1`, `PREFIX-2`, ... whose `eth0` is the far end of a veth pair plugged into the
/// bridge. Host N has 10.77.0.N/24 (broadcast 10.77.0.255), fd77::N/64 and fe80::N/64, all
/// usable at once: no duplicate address detection and no address the kernel makes up.
/// The bridge floods multicast (no snooping), so only the hosts' own group membership
/// decides who hears a group. Nothing is made in the namespace the tests run in, so
/// deleting the namespaces deletes every link too.
final class TestNetwork {
    /// The ways one host reaches another.
    enum Path: String, CaseIterable, CustomStringConvertible, Sendable {
        case ipv4, ipv6, linkLocal
        var description: String { rawValue }
    }

    struct Host {
        let namespace: String
        let number: Int

        func address(_ path: Path) -> String {
            switch path {
            case .ipv4: return "10.77.0.\(number)"
            case .ipv6: return "fd77::\(number)"
            case .linkLocal: return "fe80::\(number)"
            }
        }

        /// The address to send to from another host: a link-local one needs the interface.
        func destination(_ path: Path) -> String { path == .linkLocal ? address(path) + "%eth0" : address(path) }
    }

    let hosts: [Host]
    private let ip: String
    private let bridge: String
    private var made: [String] = []

    /// The segment with `hosts` hosts, named after this process and `tag` so that parallel
    /// tests and runs never meet. When this machine cannot make namespaces, returns nil
    /// after a loud SKIPPED line, or records a failure under CI (which must not skip).
    static func make(_ tag: String, hosts: Int) -> TestNetwork? {
        let reason: String
        let ip = executablePath("ip") ?? "/usr/sbin/ip"
        if geteuid() != 0 {
            reason = "network namespaces need root ('ip netns add') and this is uid \(geteuid())"
        } else if access(ip, X_OK) != 0 {
            reason = "'ip' is not installed (apt-get install iproute2)"
        } else {
            removeStaleNamespaces(ip)
            do {
                return try TestNetwork(ip: ip, prefix: "\(namespacePrefix)\(getpid())-\(tag)", hosts: hosts)
            } catch {
                reason = "\(error)"
            }
        }
        reportSkip("letter across hosts (\(tag)) because \(reason)")
        return nil
    }

    private static let namespacePrefix = "lettertest-"

    private init(ip: String, prefix: String, hosts count: Int) throws {
        self.ip = ip
        bridge = "\(prefix)-br"
        hosts = (1...count).map { Host(namespace: "\(prefix)-\($0)", number: $0) }
        do {
            try addNamespace(bridge)
            try command(["-n", bridge, "link", "add", "br0", "type", "bridge", "mcast_snooping", "0"])
            try command(["-n", bridge, "link", "set", "br0", "up"])
            for host in hosts {
                let port = "port\(host.number)"
                try addNamespace(host.namespace)
                try command(["-n", bridge, "link", "add", port, "type", "veth", "peer", "name", "eth0", "netns", host.namespace])
                try command(["-n", bridge, "link", "set", port, "master", "br0", "up"])
                let inHost = ["-n", host.namespace]
                try command(inHost + ["link", "set", "eth0", "addrgenmode", "none"])
                try command(inHost + ["address", "add", "\(host.address(.ipv4))/24", "broadcast", "+", "dev", "eth0"])
                try command(inHost + ["address", "add", "\(host.address(.ipv6))/64", "dev", "eth0", "nodad"])
                try command(inHost + ["address", "add", "\(host.address(.linkLocal))/64", "dev", "eth0", "nodad"])
                try command(inHost + ["link", "set", "eth0", "up"])
            }
        } catch {
            remove()
            throw error
        }
    }

    /// Deletes every namespace this segment made, and with them its bridge and veth pairs.
    func remove() {
        for namespace in made.reversed() {
            _ = try? run(ip, ["netns", "delete", namespace], seconds: 10)
        }
        made.removeAll()
    }

    /// Namespaces left by an earlier run that was killed before it could remove them.
    private static func removeStaleNamespaces(_ ip: String) {
        guard let list = try? run(ip, ["netns", "list"], seconds: 10) else { return }
        for line in list.stdoutText.split(separator: "\n") where line.hasPrefix(namespacePrefix) {
            let name = String(line.split(separator: " ")[0])
            let owner = name.dropFirst(namespacePrefix.count).prefix { $0.isNumber }
            // kill(pid, 0) fails with ESRCH only when no such process exists.
            if let pid = pid_t(owner), kill(pid, 0) != 0 && errno == ESRCH {
                _ = try? run(ip, ["netns", "delete", name], seconds: 10)
            }
        }
    }

    /// Starts `program ARGS` in `host` and waits for the stderr line saying it is ready.
    func start(on host: Host, program: String = Paths.letter, _ arguments: [String], ready marker: String) throws -> Child {
        try startReady(ip, ["netns", "exec", host.namespace, program] + arguments, marker: marker).child
    }

    /// Runs `letter ARGS` in `host` to completion.
    func letter(on host: Host, _ arguments: [String], input: String = "") throws -> Child {
        try run(ip, ["netns", "exec", host.namespace, Paths.letter] + arguments, input: bytes(input))
    }

    /// The Python address tuple, without its parentheses, in which `receiver` sees a letter
    /// from `sender`'s `port` along `path`: a link-local sender carries the index of the
    /// receiver's eth0 as its scope.
    func tuple(of sender: Host, seenBy receiver: Host, _ path: Path, port: Int) throws -> String {
        switch path {
        case .ipv4: return "'\(sender.address(path))', \(port)"
        case .ipv6: return "'\(sender.address(path))', \(port), 0, 0"
        case .linkLocal: return "'\(sender.address(path))', \(port), 0, \(try interfaceIndex(in: receiver))"
        }
    }

    /// The index of eth0 in `host`, from `ip -o link show eth0` ("2: eth0@if5: ...").
    private func interfaceIndex(in host: Host) throws -> Int {
        let shown = try run(ip, ["-n", host.namespace, "-o", "link", "show", "eth0"], seconds: 10)
        guard let index = Int(shown.stdoutText.prefix { $0 != ":" }) else {
            throw SpawnError(message: "no interface index in '\(shown.stdoutText)' (\(shown.stderrText))")
        }
        return index
    }

    /// Runs `ip -n NAMESPACE ARGS` in `host` (a route, an address), failing loudly.
    func configure(_ host: Host, _ arguments: [String]) throws {
        try command(["-n", host.namespace] + arguments)
    }

    /// Runs `program ARGS` in `host` to completion.
    func execute(on host: Host, _ program: String, _ arguments: [String], seconds: Double = 20) throws -> Child {
        try run(ip, ["netns", "exec", host.namespace, program] + arguments, seconds: seconds)
    }

    private func addNamespace(_ name: String) throws {
        try command(["netns", "add", name])
        made.append(name)
    }

    private func command(_ arguments: [String]) throws {
        let result = try run(ip, arguments, seconds: 10)
        guard result.status == 0 else {
            throw SpawnError(message: "'ip \(arguments.joined(separator: " "))' failed: \(result.stderrText.trimmingCharacters(in: "\n"))")
        }
    }
}
