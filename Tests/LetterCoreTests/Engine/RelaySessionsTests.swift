import Glibc
import Testing
@testable import LetterCore

/// The relay's session table on a fake clock (nanoseconds the test chooses). Sessions
/// here have no sockets: opening and closing them is the relay's part, tested in
/// RelayTests.
@Suite struct RelaySessionsTests {
    func client(_ port: UInt16) -> Peer { .v4(octets: (127, 0, 0, 1), port: port) }

    /// The session `table` gives `client` at `now` (its sockets: none).
    func admit(_ table: RelaySessions, _ client: Peer, at now: UInt64) -> Result<Session, RelaySessions.Refusal>? {
        table.session(for: client, now: now) { () throws(RelaySessions.Refusal) in [] }
    }

    @Test func aFullTableRefusesNewClientsOnceUntilASessionExpires() throws {
        let table = RelaySessions(idle: 10, maximum: 2)
        let first = try #require(try admit(table, client(1), at: 0)?.get())
        #expect(try admit(table, client(1), at: 1)?.get() === first)
        _ = try #require(try admit(table, client(2), at: 2)?.get())
        guard case .failure(.full)? = admit(table, client(3), at: 3) else { Issue.record("client 3 admitted"); return }
        // Refused again without a try, so counted once.
        #expect(admit(table, client(3), at: 4) == nil)
        #expect(table.opened == 2 && table.count == 2)
        // Both sessions idle for 10 from their opening (0 and 2): the first expires at 10.
        #expect(table.nextDeadline == 10)
        var closed: [Peer] = []
        table.expire(now: 10) { closed.append($0.client) }
        #expect(table.expired == 1 && closed.isEmpty && first.hasExpired)
        // Room again: client 3 is no longer refused.
        #expect(try admit(table, client(3), at: 11)?.get().client == client(3))
        #expect(table.nextDeadline == 12)
    }

    @Test func activityKeepsASessionAndExpiredOnesLingerOneMoreIdlePeriod() throws {
        let table = RelaySessions(idle: 10, maximum: 4)
        let session = try #require(try admit(table, client(1), at: 0)?.get())
        session.lastActivity = 8
        var closed: [Peer] = []
        table.expire(now: 10) { closed.append($0.client) }
        #expect(table.expired == 0 && table.nextDeadline == 18)
        table.expire(now: 18) { closed.append($0.client) }
        #expect(table.expired == 1 && session.hasExpired && table.all.map(\.client) == [client(1)])
        // Its sockets stay open for late replies until a second idle period is over.
        #expect(table.nextDeadline == 28)
        table.expire(now: 27) { closed.append($0.client) }
        #expect(closed.isEmpty)
        table.expire(now: 28) { closed.append($0.client) }
        #expect(closed == [client(1)] && table.all.isEmpty && table.nextDeadline == nil)
        // A new request from the same client opens a new session.
        #expect(try admit(table, client(1), at: 30)?.get() !== session)
    }

    @Test func atMostTheMaximumLingerTheOldestClosingEarly() throws {
        let table = RelaySessions(idle: 10, maximum: 1)
        _ = try admit(table, client(1), at: 0)?.get()
        table.expire(now: 10) { _ in }
        _ = try admit(table, client(2), at: 11)?.get()
        var closed: [Peer] = []
        table.expire(now: 21) { closed.append($0.client) }
        #expect(closed == [client(1)] && table.all.map(\.client) == [client(2)])
    }

    @Test func aSocketThatCannotBeOpenedRefusesTheClient() {
        let table = RelaySessions(idle: 10, maximum: 4)
        let failure = SystemCallError(call: "socket", errno: Errno(rawValue: EMFILE))
        let result = table.session(for: client(1), now: 0) { () throws(RelaySessions.Refusal) -> [Upstream] in
            throw .cannotOpen(target: client(9), error: failure)
        }
        guard case .failure(.cannotOpen(let target, let error))? = result else { Issue.record("admitted"); return }
        #expect(target == client(9) && error == failure && table.count == 0 && table.opened == 0)
        #expect(admit(table, client(1), at: 1) == nil)
    }

    /// The relay lists the sessions' sockets anew only when sessions came or went.
    @Test func changesAreFlaggedUntilTheRelayListsTheSocketsAgain() throws {
        let table = RelaySessions(idle: 10, maximum: 4)
        #expect(!table.changed)
        _ = try admit(table, client(1), at: 0)?.get()
        #expect(table.changed)
        table.changed = false
        _ = try admit(table, client(1), at: 1)?.get()
        table.expire(now: 5) { _ in }
        #expect(!table.changed)
        table.expire(now: 10) { _ in }
        #expect(table.changed)
    }
}

extension RelaySessions.Refusal: Equatable {
    public static func == (lhs: Self, rhs: Self) -> Bool {
        switch (lhs, rhs) {
        case (.full, .full): return true
        case let (.cannotOpen(a, e), .cannotOpen(b, f)): return a == b && e == f
        default: return false
        }
    }
}
