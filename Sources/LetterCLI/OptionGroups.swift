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

    /// Showing received datagrams (listen, chat, send --wait, ping, relay).
    static var display: [OptionSpec] { [Option.format.spec(), Option.bufsize.spec(), Option.time.spec()] }

    /// Reaching more than one host (send, chat).
    static var sending: [OptionSpec] {
        [Option.bind.spec(), Option.broadcast.spec(), Option.ttl.spec(), Option.noLoop.spec(), Option.interface.spec()]
    }

    /// Hearing from more than one host (listen, chat, relay).
    static var receiving: [OptionSpec] {
        [Option.stats.spec(), Option.reuse.spec(help: Option.reuseHelp), Option.rcvbuf.spec(), Option.allow.spec()]
    }
}
