/// The one table of subcommands: parsing, help, dispatch and suggestions all read it.
public let subcommands: [SubcommandSpec] = [sendSpec, listenSpec, chatSpec, pingSpec, relaySpec, encodingsSpec]

public let letterVersion = "0.1.0"
/// The date of this version, for the man page; change it with the version.
public let letterVersionDate = "2026-11-30"

let sendSpec = SubcommandSpec(
    name: "send",
    abstract: "Send one letter, or each line of stdin.",
    usage: "letter send [OPTIONS] ENDPOINT [MESSAGE ...]",
    arguments: [
        ("ENDPOINT", "HOST PORT (a name, IPv4 or IPv6 address and a port; HOST:PORT and [IPv6]:PORT work as one "
            + "argument), or a unix socket: a PATH (any argument with a '/') or @NAME (abstract)."),
        ("MESSAGE", "Words joined by single spaces into one datagram ('-' alone reads stdin). Without them, each "
            + "stdin line is one."),
    ],
    options: OptionGroups.writing + [
        OptionGroups.sendErrors,
        OptionSpec(.bytes, valueName: nil, help: "Send input bytes untouched (binary safe)."),
        OptionSpec(.hex, valueName: nil,
                   help: "MESSAGE or each line is bytes in hex: 'de ad be ef', 'DE:AD', '0xde,0xad', '\\xde\\xad'."),
        OptionSpec(.file, valueName: "PATH", help: "Read PATH instead of stdin (lines, --whole, --chunk, --hex, --bytes)."),
        OptionSpec(.whole, valueName: nil, help: "Send all of stdin as one datagram."),
        OptionSpec(.chunk, valueName: "N",
                   help: "Cut stdin into datagrams of N bytes, untouched (a file comes back identical)."),
        OptionSpec(.wait, short: "-w", valueName: nil,
                   help: "Wait for a reply (from the destination's address, any port) and print it as 'listen' would."),
        OptionSpec(.timeout, short: "-t", valueName: "SEC", help: "With --wait: give up after SEC seconds (exit 1)."),
        OptionSpec(.all, valueName: nil, help: "With --wait: print every reply until -t SEC (default: 2) passes with none."),
        OptionSpec(.expect, valueName: "TEXT", help: "With --wait: the reply must contain TEXT, else exit 1."),
        OptionSpec(.expectHex, valueName: "HEX", help: "With --wait: the reply's bytes must contain HEX, else exit 1."),
        OptionSpec(.count, short: "-c", valueName: "N", help: "Send the datagram (MESSAGE or --whole) N times."),
        OptionSpec(.interval, short: "-i", valueName: "SEC", help: "Pause SEC seconds between datagrams."),
        OptionSpec(.rate, valueName: "N", help: "Send at most N datagrams per second."),
        OptionSpec(.stats, valueName: nil, help: "Print what was sent, how long it took and the rate to stderr at the end."),
    ] + OptionGroups.sending + OptionGroups.family + OptionGroups.display,
    examples: [
        "letter send 127.0.0.1 9000 你好",
        "letter send -e gbk localhost:9000 你好",
        "letter send -w -t 2 127.0.0.1 9000 ping",
        "letter send -w -t 2 --expect pong 127.0.0.1 9000 ping   # a health check: exit 0 only for pong",
        "letter send --hex 127.0.0.1 123 'e3 00 06 ec' 0x00...    # bytes written in hex",
        "letter send --broadcast -w --all 255.255.255.255 1900 hello   # every device that answers",
        "printf 'one\\ntwo\\n' | letter send [::1]:9000",
        "letter send /tmp/app.sock 'hello, unix'",
        "letter send -c 300 -i 1 127.0.0.1 9000 tick      # 300 times, once a second",
        "letter send --chunk 1400 127.0.0.1 9000 < file.bin",
    ],
    discussion: "Options may appear anywhere before '--'; a message word that starts with '-' goes after '--'.",
    command: { parsed throws(UsageError) in .send(try SendOptions(parsed)) })

let listenSpec = SubcommandSpec(
    name: "listen",
    abstract: "Print every letter that arrives on a port or a unix socket.",
    usage: "letter listen [OPTIONS] [HOST] PORT | PATH | @NAME",
    arguments: [
        ("HOST", "Address to bind (default: every interface, like Python's ''; '::' with -6, dual-stack)."),
        ("PORT", "Port to bind; 0 picks a free one (shown in the 'listening on' line)."),
        ("PATH | @NAME", "A unix datagram socket to bind instead: a path (a stale socket file is replaced, and "
            + "the file is removed at exit) or a name in the abstract namespace."),
    ],
    options: [OptionGroups.encoding, OptionGroups.displayErrors, OptionGroups.showBytes] + OptionGroups.display + [
        OptionSpec(.count, short: "-c", valueName: "N", help: "Exit after N datagrams."),
        OptionSpec(.timeout, short: "-t", valueName: "SEC", help: "Exit after SEC idle seconds."),
        OptionSpec(.reply, valueName: "TEXT", help: "Answer every datagram with TEXT."),
        OptionSpec(.echo, valueName: nil, help: "Send every datagram back to its sender."),
        OptionSpec(.replyRate, valueName: "N",
                   help: "Replies per second per sender, at most (default: 10; the rest are counted)."),
        OptionSpec(.join, valueName: "GROUP", help: "Join a multicast group (repeatable).", repeatable: true),
        OptionSpec(.interface, valueName: "NAME|ADDR", help: "Interface for --join."),
    ] + OptionGroups.receiving + OptionGroups.family,
    examples: [
        "letter listen 9000",
        "letter listen -e gbk 127.0.0.1 9000",
        "letter listen -f tuple -c 1 0",
        "letter listen -6 --reply hi 9000",
        "letter listen /tmp/log.sock             # then: logger -u /tmp/log.sock hello",
    ],
    discussion: "Ends after -c N datagrams, -t SEC idle seconds, or on Ctrl-C / SIGTERM (exit 0, with a summary).",
    command: { parsed throws(UsageError) in .listen(try ListenOptions(parsed)) })

let chatSpec = SubcommandSpec(
    name: "chat",
    abstract: "Send stdin lines to a peer and print what arrives, in one terminal.",
    usage: "letter chat [OPTIONS] ENDPOINT",
    arguments: [
        ("ENDPOINT", "The peer: HOST PORT (HOST:PORT and [IPv6]:PORT work too), a unix socket PATH, or @NAME."),
    ],
    options: OptionGroups.writing + [
        OptionGroups.displayErrors, OptionGroups.showBytes,
        OptionSpec(.timeout, short: "-t", valueName: "SEC",
                   help: "After stdin ends, keep listening until SEC seconds pass with nothing received."),
    ] + OptionGroups.display + OptionGroups.sending + OptionGroups.receiving + OptionGroups.family,
    examples: [
        "letter chat -b 9001 127.0.0.1 9002    # and in another terminal:",
        "letter chat -b 9002 127.0.0.1 9001",
    ],
    discussion: "Ends at end of stdin (Ctrl-D) or on Ctrl-C / SIGTERM, printing the summary.",
    command: { parsed throws(UsageError) in .chat(try ChatOptions(parsed)) })

let pingSpec = SubcommandSpec(
    name: "ping",
    abstract: "Round trips to any datagram service that answers, with ping's figures.",
    usage: "letter ping [OPTIONS] ENDPOINT [MESSAGE ...]",
    arguments: [
        ("ENDPOINT", "The service: HOST PORT (HOST:PORT and [IPv6]:PORT work too), a unix socket PATH, or @NAME."),
        ("MESSAGE", "What each request carries (default: 'letter-ping ID seq=N'); --whole or '-' sends stdin instead."),
    ],
    options: OptionGroups.writing + [
        OptionGroups.sendErrors,
        OptionSpec(.bytes, valueName: nil, help: "Send the input bytes untouched (with --whole: a binary query)."),
        OptionSpec(.hex, valueName: nil, help: "MESSAGE (or the input) is bytes in hex: 'de ad be ef', '0xde,0xad'."),
        OptionSpec(.file, valueName: "PATH", help: "Each request is all of PATH (a DNS query, say)."),
        OptionSpec(.whole, valueName: nil, help: "Each request is all of stdin (a DNS query, say)."),
        OptionSpec(.count, short: "-c", valueName: "N", help: "Stop after N requests (default: until Ctrl-C)."),
        OptionSpec(.interval, short: "-i", valueName: "SEC",
                   help: "Seconds between requests (default: 1; 0: the next as soon as one is answered)."),
        OptionSpec(.timeout, short: "-t", valueName: "SEC", help: "How long a request waits for its reply (default: 2)."),
        OptionSpec(.bind, short: "-b", valueName: "[HOST:]PORT|PATH", help: "Source address to send from."),
    ] + OptionGroups.display + OptionGroups.family,
    examples: [
        "letter ping -c 3 127.0.0.1 9000              # an echo server, or the notes' server that answers hi",
        "letter ping -i 0 -c 1000 127.0.0.1 9000      # as fast as answers come",
        "letter ping --bytes --whole 127.0.0.1 53 < query.bin",
    ],
    discussion: "Ends after -c N requests (each answered or timed out) or on Ctrl-C / SIGTERM, with the summary on "
        + "stdout; status 0 when any reply came, 1 when none did.",
    command: { parsed throws(UsageError) in .ping(try PingOptions(parsed)) })

let relaySpec = SubcommandSpec(
    name: "relay",
    abstract: "Relay datagrams to one or more targets and print what passes both ways.",
    usage: "letter relay [OPTIONS] [HOST] PORT | PATH | @NAME --to ENDPOINT [--to ENDPOINT ...]",
    arguments: [
        ("HOST PORT | PATH | @NAME", "Where clients send: bound as 'listen' binds it."),
    ],
    options: [
        OptionSpec(.to, valueName: "ENDPOINT",
                   help: "A target: HOST:PORT, [IPv6]:PORT, a unix socket PATH or @NAME (repeatable: fan-out).",
                   repeatable: true),
        OptionSpec(.idle, valueName: "SEC",
                   help: "End a client's session after SEC seconds with nothing either way (default: 60)."),
        OptionSpec(.maxSessions, valueName: "N",
                   help: "At most N clients at once (default: 1024); further ones are refused and counted."),
        OptionSpec(.quiet, short: "-q", valueName: nil, help: "Print nothing per datagram (the summary still comes)."),
        OptionGroups.encoding, OptionGroups.displayErrors, OptionGroups.showBytes,
    ] + OptionGroups.display + [
        OptionSpec(.count, short: "-c", valueName: "N", help: "Exit after N datagrams, requests and replies together."),
        OptionSpec(.timeout, short: "-t", valueName: "SEC", help: "Exit after SEC seconds with nothing either way."),
    ] + OptionGroups.receiving + OptionGroups.family,
    examples: [
        "letter relay 5353 --to 127.0.0.1:53                 # watch a DNS client and its server",
        "letter relay -f hex 127.0.0.1 9000 --to [::1]:9001",
        "letter relay /tmp/log.sock --to 10.0.0.5:514 --to 10.0.0.6:514",
    ],
    discussion: "Each client gets its own upstream socket per target, so a target sees one peer per client and its "
        + "replies go back to the right client from the listening address. Ends after -c N, -t SEC, or on Ctrl-C / "
        + "SIGTERM (exit 0, with a summary).",
    command: { parsed throws(UsageError) in .relay(try RelayOptions(parsed)) })

let encodingsSpec = SubcommandSpec(
    name: "encodings",
    abstract: "List the encodings that work on this machine.",
    usage: "letter encodings",
    arguments: [],
    options: [],
    examples: ["letter encodings"],
    discussion: "Any other name iconv knows (see 'iconv -l') is accepted too.",
    command: { parsed throws(UsageError) in
        guard parsed.positionals.isEmpty else { throw UsageError("unexpected argument '\(parsed.positionals[0])'") }
        return .encodings
    })
