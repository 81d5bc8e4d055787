/// `letter relay`: the session table between the listening socket and the targets. It is
/// the sink of the listening socket's receiver (requests) and the loop's socket group
/// (the upstream sockets, whose replies a receiver of its own reads).
///
/// Each client gets a session: one upstream socket per target, connected to it, so the
/// target sees one peer per client and the kernel lets only that target answer on it.
/// Requests go out grouped by session with `sendmmsg`; replies go back to the client
/// from the listening socket. Each datagram is printed once it has gone on, so that its
/// record carries both legs (for a capture: where it arrived and when, where it left
/// from and when). A send is stamped with the clock read just before its `sendmmsg`: the
/// kernel passes the datagram to a capture on its way out inside that call, and a clock
/// read after it would count any wait for the CPU on return (a loaded machine's tcpdump
/// saw the relay's sends over 5 ms before letter's stamps). A session idle for `idle` in
/// both directions expires; its sockets are kept one more `idle` so that late replies
/// are counted, not lost unseen.
public final class Relay: DatagramSink, SocketGroup {
    /// The listening socket: requests come in here and replies leave from it.
    public let listening: DatagramSocket
    public let targets: [Peer]
    /// Where records go: the printer of `-f` (none with `-q`) and a capture file.
    private let printSinks: [PrintSink]
    /// Says each new session on stderr: `session CLIENT via UPSTREAM` (not with -q).
    public var announcesSessions = false
    private let receiveBuffer: Int?
    private let timestamps: Bool
    private let sessions: RelaySessions
    /// The upstream sockets in the order of `descriptors`: rebuilt when sessions change.
    private var watched: [(session: Session, target: Int)] = []
    private var watchedDescriptors: [Int32] = []
    /// Reads the upstream sockets; `reading` says which one it is reading now.
    private lazy var replies = Receiver(sinks: [ReplyPath(relay: self)], bufferSize: bufferSize)
    private let bufferSize: Int?
    private var reading: (session: Session, target: Int)?
    /// The requests of the batch being received, each with its session, sent at its end.
    private var pending: [(session: Session, record: Record)] = []
    /// The replies of the batch being received from one upstream socket, sent at its end.
    private var pendingReplies: [Record] = []
    private var batchSerial = 0
    private let outgoing = SendBatch(capacity: 64)
    private var statistics = RelayStatistics()
    private var closedSessionDrops: UInt64 = 0
    private var sendFailures = ThrottledReport()
    private var refusals = ThrottledReport()
    private var unreachable = ThrottledReport()
    private var unreachableCount = 0

    public init(listening: consuming DatagramSocket, targets: [Peer], printSinks: [PrintSink], idleSeconds: Double,
                maximumSessions: Int, bufferSize: Int?, receiveBuffer: Int?, timestamps: Bool) {
        self.listening = listening
        self.targets = targets
        self.printSinks = printSinks
        sessions = RelaySessions(idle: UInt64(idleSeconds * 1e9), maximum: maximumSessions)
        self.receiveBuffer = receiveBuffer
        self.timestamps = timestamps
        statistics.targets = targets.count
        self.bufferSize = bufferSize
        pending.reserveCapacity(64)
        pendingReplies.reserveCapacity(64)
    }

    /// Relays what `receiver` takes from the listening socket, and the replies, until
    /// `count` datagrams both ways together, `idleTimeout` seconds of quiet either way, or
    /// a signal on `signals`; then the summary, when due or `alwaysSummarize`.
    public func run(_ receiver: Receiver, signals: Int32, count: Int?, idleTimeout: Double?,
                    alwaysSummarize: Bool) throws {
        var loop = EventLoop(receiver: receiver, signals: signals, count: count, idleTimeout: idleTimeout)
        loop.group = self
        try loop.runThenSummarize(listening, always: alwaysSummarize)
    }

    // MARK: Requests (the listening socket's sink)

    public func begin() throws {
        for sink in printSinks { try sink.begin() }
    }

    public func take(_ record: Record, on socket: borrowing DatagramSocket) {
        // A datagram cut to --bufsize would arrive corrupt: the receive has counted and
        // said the truncation; it goes no further.
        guard !record.datagram.isTruncated else { return }
        let client = record.datagram.peer
        let session: Session
        let openedBefore = sessions.opened
        switch sessions.session(for: client, now: monotonicNanoseconds(), open: openUpstreamSockets) {
        case .success(let found):
            session = found
        case .failure(let refusal):
            refuse(client, refusal)
            statistics.requestsRefused += 1
            return
        case nil:
            // Once per request, however many targets it would have gone to.
            statistics.requestsRefused += 1
            return
        }
        if announcesSessions && sessions.opened > openedBefore {
            // The address each target sees the client as, to match with the server's logs.
            writeDiagnostic("session \(client.pythonRepr) " + session.upstream.map { "via \($0.address.pythonRepr)" }.joined(separator: " "))
        }
        // Replies leave from the address the client last sent to (known when captured).
        if let local = record.datagram.local { session.local = local }
        pending.append((session, record))
    }

    /// Sends the batch's requests: for each session, its datagrams to each target with one
    /// `sendmmsg` on that target's upstream socket. Then prints them in the order they
    /// came, once per target, each with the upstream address it left from and when.
    public func finishBatch(now: UInt64) throws {
        batchSerial &+= 1
        for (index, entry) in pending.enumerated() where entry.session.sentInBatch != batchSerial {
            let session = entry.session
            session.sentInBatch = batchSerial
            session.lastActivity = now
            for (target, destination) in targets.enumerated() {
                for later in pending[index...] where later.session === session {
                    outgoing.bytes.append(contentsOf: later.record.datagram.payload)
                    outgoing.closeDatagram()
                }
                let upstream = session.upstream[target]
                let leaving = Timestamp.now()
                let outcome = send(outgoing, on: upstream.socket, to: destination, connected: true)
                upstream.sentAt = outcome.sent > 0 ? leaving : nil
                statistics.requestsForwarded += outcome.sent
                statistics.requestBytesForwarded += outcome.bytes
                statistics.requestSendFailures += outcome.failed
            }
        }
        if !printSinks.isEmpty {
            for (session, record) in pending {
                for (target, destination) in targets.enumerated() {
                    let upstream = session.upstream[target]
                    var shown = record
                    shown.passage = Passage(to: destination, direction: .request, from: upstream.address,
                                            sentAt: upstream.sentAt, copy: target)
                    for sink in printSinks { sink.take(shown, on: listening) }
                }
            }
        }
        // The datagrams are slices of the receive buffer: none may outlive the batch.
        pending.removeAll(keepingCapacity: true)
        try reportAndFlush(now: now)
    }

    public func flush() throws {
        for sink in printSinks { try sink.flush() }
    }

    public func contribute(to statistics: inout ReceiveStatistics) {
        var relay = self.statistics
        relay.replies = replies.statistics.datagrams
        relay.replyBytes = replies.statistics.bytes
        relay.sessionKernelDrops = closedSessionDrops
        relay.sessionsOpened = sessions.opened
        relay.sessionsExpired = sessions.expired
        for session in sessions.all { relay.sessionKernelDrops += session.kernelDrops() }
        statistics.truncated += replies.statistics.truncated
        statistics.relay = relay
        for sink in printSinks { sink.contribute(to: &statistics) }
    }

    public func finish(_ statistics: ReceiveStatistics) throws {
        for sink in printSinks { try sink.finish(statistics) }
    }

    // MARK: Replies (the upstream sockets, as the loop's socket group)

    var descriptors: [Int32] {
        if sessions.changed {
            watched.removeAll(keepingCapacity: true)
            for session in sessions.all {
                for target in targets.indices { watched.append((session, target)) }
            }
            watchedDescriptors = watched.map { $0.session.upstream[$0.target].socket.descriptor }
            sessions.changed = false
        }
        return watchedDescriptors
    }

    var nextDeadline: UInt64? { sessions.nextDeadline }

    var datagrams: Int { replies.statistics.datagrams }

    func receiveWaiting(ready: ArraySlice<Bool>, limit: Int) throws -> Int {
        var taken = 0
        for (socket, isReady) in zip(watched, ready) where isReady && taken < limit {
            reading = socket
            do {
                taken += try replies.receiveWaiting(on: socket.session.upstream[socket.target].socket, limit: limit - taken)
            } catch is ICMPPortUnreachable {
                // An earlier request found no one listening at the target (ICMP); the error
                // is read now, and the datagrams after it still come.
                unreachableCount += 1
                unreachable.note { "\(targets[socket.target].pythonRepr) answered port unreachable: nothing listens there" }
            }
        }
        reading = nil
        return taken
    }

    /// A reply from the upstream socket being read: back to its client from the listening
    /// socket, or counted when that cannot be.
    fileprivate func takeReply(_ record: Record) {
        // receiveWaiting sets `reading` around every receive on an upstream socket.
        let session = reading!.session
        if session.hasExpired {
            statistics.lateReplies += 1
            return
        }
        // A unix client bound to no name has no address to send to.
        if session.client == .unnamed {
            statistics.repliesUndeliverable += 1
            if statistics.repliesUndeliverable == 1 {
                writeDiagnostic("letter: cannot pass a reply to None: the client's socket is not bound to a name (counted in the summary)")
            }
            return
        }
        if !printSinks.isEmpty { pendingReplies.append(record) }
        outgoing.bytes.append(contentsOf: record.datagram.payload)
        outgoing.closeDatagram()
    }

    /// Sends the replies of one receive batch (all from one upstream socket, so all for one
    /// client), then prints them: each arrived at the upstream address and left from the
    /// address its client sent to.
    fileprivate func finishReplies(now: UInt64) throws {
        // receiveWaiting sets `reading` around every receive on an upstream socket.
        let (session, target) = reading!
        // A late reply is counted, but it keeps no expired session open.
        if !session.hasExpired { session.lastActivity = now }
        let leaving = Timestamp.now()
        let outcome = send(outgoing, on: listening, to: session.client)
        let sentAt = outcome.sent > 0 ? leaving : nil
        statistics.repliesForwarded += outcome.sent
        statistics.replyBytesForwarded += outcome.bytes
        statistics.replySendFailures += outcome.failed
        for var shown in pendingReplies {
            shown.datagram.local = session.upstream[target].address
            shown.passage = Passage(to: session.client, direction: .reply, from: session.local, sentAt: sentAt)
            for sink in printSinks { sink.take(shown, on: listening) }
        }
        // The datagrams are slices of the receive buffer: none may outlive the batch.
        pendingReplies.removeAll(keepingCapacity: true)
        try reportAndFlush(now: now)
    }

    func keepDeadlines(now: UInt64) throws {
        sessions.expire(now: now) { closedSessionDrops += $0.kernelDrops() }
    }

    // MARK: Sessions

    /// A new session's sockets: one for each target, connected to it.
    private func openUpstreamSockets() throws(RelaySessions.Refusal) -> [Upstream] {
        var upstream: [Upstream] = []
        for target in targets {
            do {
                let socket = try openUpstreamSocket(to: target)
                // The address the target sees the session from (`via`): the kernel picked it at connect.
                let address = try socket.localAddress()
                upstream.append(Upstream(socket: socket, address: address))
            } catch {
                throw .cannotOpen(target: target, error: error)
            }
        }
        return upstream
    }

    private func openUpstreamSocket(to target: Peer) throws(SystemCallError) -> DatagramSocket {
        var socket = try DatagramSocket(family: target.addressFamily)
        // A unix target can answer only a named socket: the kernel picks an abstract name.
        if target.isUnix { try socket.bind(to: .unnamed) }
        try socket.connect(to: target)
        _ = try socket.requestReceiveBuffer(receiveBuffer ?? Receiver.defaultReceiveBuffer)
        if timestamps { try socket.enableReceiveTimestamps() }
        return socket
    }

    /// A client refused a session now: counted once, and told on stderr.
    private func refuse(_ client: Peer, _ refusal: RelaySessions.Refusal) {
        statistics.clientsRefused += 1
        refusals.note {
            let why = switch refusal {
            case .full: "the session table is full (--max-sessions \(sessions.maximum))"
            case .cannotOpen(let target, let error): "cannot open a socket to \(target.pythonRepr): \(error.call): \(error.errno)"
            }
            return "refused \(client.pythonRepr): \(why); its datagrams are counted, not forwarded"
        }
    }

    /// Sends `batch` on `socket`, counting what the kernel refuses. An ICMP error left
    /// from an earlier datagram (ECONNREFUSED) refuses the next send once: that datagram
    /// goes again. So does one longer than a unix socket's send buffer lets out (a unix
    /// datagram received whole can be): the buffer is widened once, as far as allowed.
    /// `connected`: an upstream socket, which names no address per datagram.
    private func send(_ batch: SendBatch, on socket: borrowing DatagramSocket, to destination: Peer,
                      connected: Bool = false) -> SendOutcome {
        var retried = false, widened = false
        let outcome = socket.send(batch, to: destination, connected: connected) { error in
            if !retried && socket.consumePortUnreachable(error) {
                retried = true
                return .retry
            }
            if !widened && destination.isUnix && error.errno == .messageTooLong {
                widened = true
                if (try? socket.requestSendBuffer(Receiver.defaultReceiveBuffer)) != nil { return .retry }
            }
            return .skip
        }
        if outcome.failed > 0, let failure = outcome.failure {
            sendFailures.note { "cannot forward to \(destination.pythonRepr): \(failure.errno)" }
        }
        return outcome
    }

    /// The stderr reports due, and output that must go now.
    private func reportAndFlush(now: UInt64) throws {
        let failed = statistics.requestSendFailures + statistics.replySendFailures
        sendFailures.report(now: now, total: failed) { first in first ?? "\(failed) datagrams could not be forwarded so far" }
        refusals.report(now: now, total: statistics.clientsRefused) { first in
            first ?? "\(statistics.clientsRefused) clients refused a session so far"
        }
        unreachable.report(now: now, total: unreachableCount) { first in
            first ?? "\(unreachableCount) port unreachable errors from the targets so far"
        }
        for sink in printSinks { try sink.finishBatch(now: now) }
    }
}

/// The sink of the upstream sockets' receiver: hands each reply to the relay.
private final class ReplyPath: DatagramSink {
    unowned let relay: Relay

    init(relay: Relay) { self.relay = relay }

    func take(_ record: Record, on socket: borrowing DatagramSocket) { relay.takeReply(record) }

    func finishBatch(now: UInt64) throws { try relay.finishReplies(now: now) }

    func contribute(to statistics: inout ReceiveStatistics) {}
}
