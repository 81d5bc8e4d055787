/// The relay's session table: a session per client, opened on its first request while
/// there is room. A session idle for `idle` (nothing either way) expires and lingers one
/// more `idle`, so that late replies are counted, not lost unseen; then its sockets close.
/// A client refused a session is remembered and refused again without a new try until
/// a session expires. The table keeps the times it is given (monotonic nanoseconds) and
/// reads no clock; the sockets are made by whoever asks for a session.
final class RelaySessions {
    /// Why a client has no session.
    enum Refusal: Error {
        /// The table holds `maximum` sessions already.
        case full
        /// A socket to `target` could not be opened.
        case cannotOpen(target: Peer, error: SystemCallError)
    }

    private let idle: UInt64
    let maximum: Int
    private var live: [Peer: Session] = [:]
    /// Expired sessions whose sockets still count late replies, oldest first.
    private var lingering: [Session] = []
    /// Clients refused a session (a bounded memory: past it, a client counts anew).
    private var refused: Set<Peer> = []
    /// When a session may next expire or a lingering one close.
    private(set) var nextDeadline: UInt64?
    /// Sessions opened and expired so far.
    private(set) var opened = 0
    private(set) var expired = 0
    /// Whether sessions came or went (set here; cleared by whoever lists their sockets anew).
    var changed = false

    init(idle: UInt64, maximum: Int) {
        self.idle = idle
        self.maximum = maximum
    }

    var count: Int { live.count }

    /// Every session whose sockets are open, live ones first.
    var all: [Session] { Array(live.values) + lingering }

    /// The session of `client`: its own, or a new one with the sockets `open` makes,
    /// opened at `now` (asked only then), when there is room. A failure says why a client
    /// is refused now; nil is a client refused before, refused again without a try.
    func session(for client: Peer, now: @autoclosure () -> UInt64,
                 open: () throws(Refusal) -> [Upstream]) -> Result<Session, Refusal>? {
        if let session = live[client] { return .success(session) }
        if refused.contains(client) { return nil }
        do throws(Refusal) {
            guard live.count < maximum else { throw .full }
            let openedAt = now()
            let session = Session(client: client, upstream: try open(), now: openedAt)
            live[client] = session
            opened += 1
            changed = true
            nextDeadline = min(nextDeadline ?? .max, openedAt + idle)
            return .success(session)
        } catch {
            if refused.count < 65_536 { refused.insert(client) }
            return .failure(error)
        }
    }

    /// Expires the sessions idle at `now` and hands `closing` each lingering one whose
    /// second idle period is over. Expired sessions still listening hold descriptors too:
    /// at most `maximum` linger, the oldest closing early.
    func expire(now: UInt64, closing: (Session) -> Void) {
        var expiredNow = 0
        var closed = 0
        if let deadline = nextDeadline, now >= deadline {
            var next: UInt64?
            for (client, session) in live {
                if now &- session.lastActivity >= idle {
                    live[client] = nil
                    session.hasExpired = true
                    session.lastActivity = now
                    lingering.append(session)
                    expiredNow += 1
                } else {
                    next = min(next ?? .max, session.lastActivity + idle)
                }
            }
            // Room is free now: clients refused before may have a session.
            if expiredNow > 0 { refused.removeAll(keepingCapacity: true) }
            // After a second idle period nothing late is to be expected: the sockets close.
            while let oldest = lingering.first, now &- oldest.lastActivity >= idle {
                closing(lingering.removeFirst())
                closed += 1
            }
            if let oldest = lingering.first { next = min(next ?? .max, oldest.lastActivity + idle) }
            nextDeadline = next
        }
        while lingering.count > maximum {
            closing(lingering.removeFirst())
            closed += 1
        }
        expired += expiredNow
        if expiredNow + closed > 0 { changed = true }
    }
}

/// One client's session: its upstream sockets (one per target, in the targets' order).
final class Session {
    let client: Peer
    let upstream: [Upstream]
    /// The address the client last sent to (its requests' `local`), which replies leave
    /// from; nil unless the receive asked for it (a capture).
    var local: Peer?
    var lastActivity: UInt64
    var hasExpired = false
    /// The receive batch whose requests were last sent for this session.
    var sentInBatch = 0

    init(client: Peer, upstream: [Upstream], now: UInt64) {
        self.client = client
        self.upstream = upstream
        lastActivity = now
    }

    /// Replies the kernel dropped on this session's sockets (their receive buffers were full).
    func kernelDrops() -> UInt64 {
        upstream.reduce(0) { $0 + ((try? $1.socket.kernelDropCount()) ?? 0) }
    }
}

/// A socket in an array (sockets are not copyable, their owner is), with the address it
/// is bound to and when it last sent.
final class Upstream {
    let socket: DatagramSocket
    /// The session's address as its target sees it (`via`).
    let address: Peer
    /// When the latest batch of requests left it; nil when the kernel sent none of it.
    var sentAt: Timestamp?

    init(socket: consuming DatagramSocket, address: Peer) {
        self.socket = socket
        self.address = address
    }
}
