/// Options several subcommands list together, each group declared once.
enum OptionGroups {
    static var family: [OptionSpec] { [Option.ipv4.spec(), Option.ipv6.spec()] }

    /// `-4`/`-6` where they choose the address to bind (listen, relay).
    static var listeningFamily: [OptionSpec] {
        [Option.ipv4.spec(help: "Bind IPv4 only (0.0.0.0 when HOST is left out)."),
         Option.ipv6.spec(help: "Bind IPv6 ('::' when HOST is left out: dual-stack, IPv4 senders too).")]
    }

    /// Encoding text to send (send, chat, ping).
    static var writing: [OptionSpec] { [Option.encoding.spec(), Option.inputEncoding.spec()] }

    /// The notations the input may be written in (send, ping): `--hex`. Each flag's help
    /// says what it reads in send; `input` says it for a command that reads no lines.
    static func notations(input: String? = nil) -> [OptionSpec] {
        Option.notations.map { row in row.flag.spec(help: input.map { "\($0) is \(row.text)." }) }
    }

    /// Showing received datagrams (listen, chat, send --wait, ping, relay).
    static var display: [OptionSpec] { [Option.format.spec(), Option.bufsize.spec(), Option.time.spec()] }

    /// Reaching more than one host (send, chat).
    static var sending: [OptionSpec] {
        [Option.bind.spec(), Option.broadcast.spec(), Option.ttl.spec(), Option.noLoop.spec(), Option.interface.spec()]
    }

    /// Files kept beside what `-f` shows (listen, chat, relay: `KeptFiles`); a relay's
    /// hold `bothLegs` of each datagram.
    static func keeping(bothLegs: Bool = false) -> [OptionSpec] {
        [Option.pcap.spec(help: bothLegs ? "Also write both legs of every datagram to FILE as a pcap capture, "
                            + "as tcpdump on this host would see them." : nil)]
    }

    /// Hearing from more than one host (listen, chat, relay).
    static var receiving: [OptionSpec] {
        [Option.stats.spec(), Option.reuse.spec(help: Option.reuseHelp), Option.rcvbuf.spec(), Option.allow.spec()]
    }
}
