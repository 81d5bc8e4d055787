/// `letter listen [OPTIONS] [HOST] PORT`.
public struct ListenOptions: Equatable, Sendable {
    public var bind: Endpoint
    public var family: AddressFamily?
    public var display: DisplayOptions
    public var receiving: ReceivingOptions
    public var count: Int?
    public var idleTimeout: Double?
    public var replyText: String?
    public var echo = false
    public var replyRate = 10.0
    public var groups: [String] = []
    public var interface: String?

    init(_ parsed: ParsedArguments) throws(UsageError) {
        family = try parseFamily(parsed)
        display = try DisplayOptions(parsed, errorsApply: true)
        receiving = try ReceivingOptions(parsed)
        let positionals = parsed.positionals
        guard let first = positionals.first else { throw UsageError("missing PORT") }
        let used: Int
        // A lone argument that is not HOST:PORT is the port, on every interface.
        if positionals.count == 1, try splitHostPort(first, allowZeroPort: true) == nil {
            (bind, used) = (Endpoint(host: "", port: try parsePort(first, allowZero: true)), 1)
        } else {
            (bind, used) = try parseHostAndPort(positionals, allowZeroPort: true)
        }
        if positionals.count > used { throw UsageError("unexpected argument '\(positionals[used])'") }
        if let text = parsed.value("--count") { count = try parseInteger(text, option: "--count", range: 1...Int.max) }
        if let text = parsed.value("--timeout") { idleTimeout = try parseSeconds(text, option: "--timeout") }
        replyText = parsed.value("--reply")
        echo = parsed.has("--echo")
        if parsed.value("--reply-rate") != nil && replyText == nil && !echo {
            throw UsageError("--reply-rate limits replies; it goes with --reply or --echo")
        }
        if display.format == .raw && parsed.value("--encoding") != nil && replyText == nil {
            throw UsageError("-f raw writes the bytes as received; --encoding does not apply")
        }
        if let text = parsed.value("--reply-rate") {
            replyRate = Double(try parseInteger(text, option: "--reply-rate", range: 1...1_000_000))
        }
        groups = parsed.values["--join"] ?? []
        interface = parsed.value("--interface")
        // Conflicting flags, one line each.
        if replyText != nil && echo { throw UsageError("--reply and --echo cannot be used together") }
        for group in groups where parseIPAddress(group).map(isMulticast) != true {
            throw UsageError("invalid multicast group '\(group)' for '--join': expected an address such as 239.1.2.3 or ff02::1234")
        }
        if interface != nil && groups.isEmpty { throw UsageError("--interface goes with --join") }
    }
}

func isMulticast(_ address: SocketAddress) -> Bool {
    switch address {
    case .v4(let octets, _): return (224...239).contains(octets.0)
    case .v6(let bytes, _, _, _): return bytes.isMulticast
    }
}

func runListen(_ options: ListenOptions) throws {
    let writer = try makeRecordWriter(options.display)
    var reply = Receiver.Reply.none
    if options.echo { reply = .echo }
    if let text = options.replyText { reply = .text(try encodeReply(text, encoding: options.display.encoding)) }
    let address = try resolveBindAddress(options.bind, family: options.family)
    // No SO_REUSEADDR unless asked (or needed to share a multicast group): a second
    // listener must fail as Python's bind does, never silently take the traffic.
    let socket = try openBoundSocket(address, reuseAddress: options.receiving.reuseAddress || !options.groups.isEmpty)
    try joinGroups(options.groups, interface: options.interface, on: socket)
    let receiver = Receiver(writer: writer, display: options.display, allow: options.receiving.allow,
                            reply: reply, replyRate: options.replyRate)
    try receiver.prepare(socket, receiveBuffer: options.receiving.receiveBuffer)
    let signals = try watchSignals()
    writeDiagnostic("listening on \(try boundAddress(of: socket).pythonTuple)")

    try receiveThenSummarize(socket, receiver: receiver, always: options.receiving.stats) {
        try receiveUntilDone(socket, receiver: receiver, signals: signals,
                             count: options.count, idleTimeout: options.idleTimeout)
    }
}

/// Why a receive loop ended.
enum Ending {
    case count, idle, signal, input
}

/// Runs a receive loop to its end, then prints the summary when it is due — `always`
/// (--stats, chat), after a signal, when the kernel dropped datagrams, or when output
/// was lost to a write error — however the loop ended; then passes on what ended it.
func receiveThenSummarize(_ socket: borrowing UDPSocket, receiver: Receiver, always: Bool,
                          _ loop: () throws -> Ending) throws {
    var ending: Ending?
    var failure: Error?
    do {
        ending = try loop()
        try receiver.flushOutput()
    } catch {
        failure = error
    }
    let statistics = receiver.finish(socket)
    let outputLost = failure != nil && !(failure is OutputClosed) && statistics.notWritten > 0
    if always || ending == .signal || statistics.kernelDrops > 0 || outputLost {
        writeDiagnostic(statistics.summary)
    }
    if let failure { throw failure }
}

/// Receives and prints until `count` datagrams were handled, `idleTimeout` seconds
/// pass with none, or SIGINT/SIGTERM/SIGHUP arrives. `extraDescriptor` (chat's stdin) is
/// polled too; when it becomes readable `onExtraReadable` runs and returns false to end.
/// Whatever ends the loop, the datagrams already queued on the socket are taken first
/// (up to `count`), so that each one that reached letter is printed or counted.
func receiveUntilDone(_ socket: borrowing UDPSocket, receiver: Receiver, signals: borrowing SignalWatcher,
                      count: Int?, idleTimeout: Double?, extraDescriptor: Int32 = -1,
                      onExtraReadable: () throws -> Bool = { true }) throws -> Ending {
    let idleNanoseconds = idleTimeout.map { UInt64($0 * 1e9) }
    var lastActivity = monotonicNanoseconds()
    while true {
        let remaining = receiver.remaining(toReach: count)
        // Enough datagrams: -c N is met.
        if remaining <= 0 { return .count }
        if try receiver.receiveWaiting(on: socket, limit: remaining) > 0 {
            lastActivity = monotonicNanoseconds()
            continue
        }
        // Nothing is waiting: this is when output goes out (a slow reader may hold it up).
        try receiver.flushOutput()
        var timeout: Int32 = -1
        if let idleNanoseconds {
            // Time spent writing is not idle time if datagrams came meanwhile: the poll
            // below, with no wait left, sees them and the loop goes on.
            let idle = monotonicNanoseconds() &- lastActivity
            timeout = idle >= idleNanoseconds ? 0 : Int32(clamping: (idleNanoseconds - idle + 999_999) / 1_000_000)
        }
        let ready: [Bool]
        do {
            ready = try waitReadable([socket.descriptor, signals.descriptor, extraDescriptor], timeoutMilliseconds: timeout)
        } catch {
            throw RuntimeError("cannot wait for datagrams: \(error.errno)")
        }
        // Ctrl-C, SIGTERM or SIGHUP: print what has already arrived, then stop with the summary.
        if ready[1] {
            try drainWaiting(socket, receiver: receiver, count: count)
            return .signal
        }
        if ready[0] { continue }
        if ready[2] {
            lastActivity = monotonicNanoseconds()
            // The extra input is finished (chat's stdin reached its end).
            if try !onExtraReadable() { return .input }
            continue
        }
        // Quiet for the whole -t SEC (the poll timed out with nothing readable).
        if let idleNanoseconds, monotonicNanoseconds() &- lastActivity >= idleNanoseconds {
            try drainWaiting(socket, receiver: receiver, count: count)
            return .idle
        }
    }
}

/// Takes the datagrams queued when the loop is about to end, so that every letter that
/// reached the socket is printed or counted. Bounded by `-c` and by one second, so that a flood that
/// keeps the queue full cannot hold the exit back.
private func drainWaiting(_ socket: borrowing UDPSocket, receiver: Receiver, count: Int?) throws {
    let deadline = monotonicNanoseconds() + 1_000_000_000
    while monotonicNanoseconds() < deadline {
        let remaining = receiver.remaining(toReach: count)
        if remaining <= 0 { return }
        if try receiver.receiveWaiting(on: socket, limit: remaining) == 0 { return }
    }
}

func watchSignals() throws(RuntimeError) -> SignalWatcher {
    do { return try SignalWatcher() } catch { throw RuntimeError("cannot watch signals: \(error.errno)") }
}

func boundAddress(of socket: borrowing UDPSocket) throws(RuntimeError) -> SocketAddress {
    do { return try socket.localAddress() } catch { throw RuntimeError("cannot read the bound address: \(error.errno)") }
}

/// `--reply TEXT` in the wire encoding, checked once at start.
func encodeReply(_ text: String, encoding name: String) throws -> [UInt8] {
    let encoding = try lookupEncodingOrFail(name)
    guard let encoder = TextEncoder(encoding: encoding, replaceUnencodable: false) else {
        throw iconvCannotOpen(name)
    }
    var bytes: [UInt8] = []
    do {
        try encoder.encode(Array(text.utf8)[...], appendingTo: &bytes)
    } catch {
        throw UsageError("--reply text, column \(error.column): \(describeScalar(error.scalar)) cannot be encoded in \(encoding.name)")
    }
    return bytes
}

/// `'é' (U+00E9)`, for messages about one character.
func describeScalar(_ value: UInt32) -> String {
    let hex = String(value, radix: 16, uppercase: true)
    let padded = String(repeating: "0", count: max(0, 4 - hex.count)) + hex
    let shown = Unicode.Scalar(value).map { $0.properties.generalCategory == .control ? "" : "'\(Character($0))' " } ?? ""
    return "\(shown)(U+\(padded))"
}

func joinGroups(_ groups: [String], interface: String?, on socket: borrowing UDPSocket) throws(RuntimeError) {
    guard !groups.isEmpty else { return }
    let (index, interfaceAddress) = try interface.map(resolveInterface) ?? (0, nil)
    for group in groups {
        // ListenOptions checked that every group is a multicast address.
        let address = parseIPAddress(group)!
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
