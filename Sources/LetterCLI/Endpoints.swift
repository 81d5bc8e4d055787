import LetterCore

/// The ENDPOINT arguments of every subcommand, and the options that only some
/// endpoints can take.

/// The ENDPOINT at the head of the positionals (send, chat, ping): where to send, the
/// family `-4`/`-6` asks for, and how many positionals it took. Internet-only options
/// with a unix endpoint are refused.
func parseDestination(_ parsed: ParsedArguments) throws(UsageError) -> (Endpoint, AddressFamily?, used: Int) {
    let family = try parseFamily(parsed)
    let (endpoint, used) = try withArgumentHint(parsed) { () throws(UsageError) in
        try parsingEndpoint { () throws(EndpointError) in try parseEndpoint(parsed.positionals, allowZeroPort: false) }
    }
    try rejectInternetOptions(parsed, for: endpoint)
    return (endpoint, family, used)
}

/// `[HOST] PORT`, `PATH` or `@NAME`, the whole of the positional arguments (listen,
/// relay), with the internet-only options refused for a unix socket.
func parseListeningEndpoint(_ parsed: ParsedArguments) throws(UsageError) -> Endpoint {
    let positionals = parsed.positionals
    guard let first = positionals.first else { throw UsageError("missing PORT (or a socket PATH)") }
    let (endpoint, used) = try withArgumentHint(parsed) { () throws(UsageError) in
        try parsingEndpoint { () throws(EndpointError) -> (Endpoint, Int) in
            // A lone argument that is not HOST:PORT, a PATH or @NAME is the port, on every
            // interface; a lone host (an address, a dotted name) is missing its port.
            if positionals.count == 1, try splitHostPort(first, allowZeroPort: true) == nil, try parseUnixEndpoint(first) == nil {
                if parseIPAddress(first) != nil || (first.contains(".") && !namesSocketFileHere(first)) {
                    throw .missingPort(after: first)
                }
                return (Endpoint(host: "", port: try parsePort(first, allowZero: true)), 1)
            }
            return try parseEndpoint(positionals, allowZeroPort: true)
        }
    }
    if positionals.count > used { throw UsageError("unexpected argument '\(positionals[used])'") }
    try rejectInternetOptions(parsed, for: endpoint)
    return endpoint
}

/// Options that only internet sockets have, refused with a unix endpoint (one line:
/// the first one given).
func rejectInternetOptions(_ parsed: ParsedArguments, for endpoint: Endpoint) throws(UsageError) {
    guard endpoint.isUnix else { return }
    let internetOnly = [Option.ipv4.long, Option.ipv6.long, Option.broadcast.long, Option.join.long, Option.interface.long,
                        Option.ttl.long, Option.noLoop.long, Option.allow.long]
    if let option = parsed.firstGiven(internetOnly) {
        throw UsageError("\(option) applies to internet sockets; '\(endpoint.text)' is a unix socket")
    }
}

/// `--ttl`, `--no-loop` and `--interface` to a unicast destination, where they would
/// silently do nothing. Known only once the destination is resolved.
func rejectMulticastOptions(_ options: SendingOptions, destination: Peer) throws(UsageError) {
    guard !destination.isMulticast else { return }
    let given = [(options.multicastHops != nil, "--ttl"), (!options.multicastLoop, "--no-loop"),
                 (options.interface != nil, "--interface")]
    if let (_, option) = given.first(where: { $0.0 }) {
        throw UsageError("\(option) applies to multicast; \(destination.host) is not a multicast address")
    }
}

/// Runs an endpoint parse; when it fails, adds the likeliest mistake (`misplacedArgumentHint`).
private func withArgumentHint<Result>(_ parsed: ParsedArguments, _ parse: () throws(UsageError) -> Result) throws(UsageError) -> Result {
    do {
        return try parse()
    } catch {
        guard let hint = misplacedArgumentHint(command: parsed.command, arguments: parsed.arguments,
                                               positionals: parsed.positionals, waitFlagGiven: parsed.has(Option.wait)) else { throw error }
        throw UsageError(error.message + "; " + hint, subcommand: error.subcommand)
    }
}
