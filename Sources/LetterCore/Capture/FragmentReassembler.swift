/// Puts IPv4 and IPv6 datagrams sent in fragments back together, in bounded memory: at
/// most `maximumInFlight` datagrams at once, holding at most `maximumBytes` of buffers.
/// When a new fragment would pass either limit, the oldest datagram in flight is given
/// up; its fragments (and any fragment that cannot be right) are counted in `abandoned`,
/// and so is everything still in flight when the capture ends (`finish`).
final class FragmentReassembler {
    /// Which datagram a fragment belongs to: RFC 791's source, destination, protocol and
    /// identification; RFC 8200's source, destination and identification (an IPv4
    /// address is kept in the low half of the 16 bytes).
    struct Key: Hashable {
        var isIPv6: Bool
        var source: IPv6Bytes
        var destination: IPv6Bytes
        var identification: UInt32
        /// IPv4's protocol (every fragment carries it); 0 for IPv6.
        var protocolNumber: UInt8
    }

    /// A datagram made whole: its bytes (valid until the next `add`), how many records
    /// it took, and the protocol (IPv6: the next header of its first fragment) they carry.
    struct Whole {
        var bytes: ArraySlice<UInt8>
        var records: Int
        var nextHeader: UInt8
    }

    private struct Assembly {
        var key: Key
        /// The bytes so far at their offsets (holes are zeros until filled).
        var buffer: [UInt8] = []
        /// One bit per 8-byte block received: fragments start on 8-byte boundaries, and
        /// all but the last are whole blocks long.
        var blocks = [UInt64](repeating: 0, count: (maximumLength + 8 * 64 - 1) / (8 * 64))
        var coveredBlocks = 0
        /// The length, once the last fragment (more fragments: no) has come.
        var total: Int?
        /// The furthest byte any fragment reached.
        var reach = 0
        var records = 0
        /// The first fragment's protocol, once it has come.
        var nextHeader: UInt8?
        /// When it started, to find the oldest.
        var age = 0
        var inUse = false
    }

    /// The longest datagram a fragment may belong to: IP's 16-bit lengths.
    static let maximumLength = 65535

    let maximumInFlight: Int
    let maximumBytes: Int
    private var assemblies: [Assembly] = []
    private var slotOfKey: [Key: Int] = [:]
    private var freeSlots: [Int] = []
    private var bytesHeld = 0
    private var clock = 0
    /// Fragments given up: of datagrams never completed, or that cannot be right.
    private(set) var abandoned = 0

    init(maximumInFlight: Int = 256, maximumBytes: Int = 8 << 20) {
        precondition(maximumInFlight >= 1 && maximumBytes >= Self.maximumLength, "room for one whole datagram")
        self.maximumInFlight = maximumInFlight
        self.maximumBytes = maximumBytes
        slotOfKey.reserveCapacity(maximumInFlight)
    }

    /// Adds one fragment: `data` at byte `offset` of the datagram `key`, `more` when more
    /// fragments follow it. `nextHeader` is the protocol its first fragment names. Returns
    /// the datagram when this fragment completes it.
    func add(_ key: Key, offset: Int, more: Bool, data: ArraySlice<UInt8>, nextHeader: UInt8) -> Whole? {
        let end = offset + data.count
        // All but the last fragment are a whole number of blocks, and no fragment reaches
        // past IP's largest datagram (the "ping of death").
        guard end <= Self.maximumLength, !more || data.count % 8 == 0 else {
            abandoned += 1
            return nil
        }
        let slot = slotOfKey[key] ?? start(key)
        // A fragment that disagrees with the others about where the datagram ends.
        if let total = assemblies[slot].total, more ? end > total : end != total {
            abandoned += 1
            return nil
        }
        if !more && assemblies[slot].reach > end {
            abandoned += 1
            return nil
        }
        if assemblies[slot].buffer.count < end { grow(slot, to: end) }
        assemblies[slot].buffer.replaceSubrange(offset..<end, with: data)
        assemblies[slot].records += 1
        assemblies[slot].reach = max(assemblies[slot].reach, end)
        if !more { assemblies[slot].total = end }
        if offset == 0 { assemblies[slot].nextHeader = nextHeader }
        var block = offset / 8
        while block * 8 < end {
            let word = block / 64, bit = UInt64(1) << UInt64(block % 64)
            if assemblies[slot].blocks[word] & bit == 0 {
                assemblies[slot].blocks[word] |= bit
                assemblies[slot].coveredBlocks += 1
            }
            block += 1
        }
        guard let total = assemblies[slot].total, let first = assemblies[slot].nextHeader,
              assemblies[slot].coveredBlocks == (total + 7) / 8 else { return nil }
        release(slot)
        return Whole(bytes: assemblies[slot].buffer[0..<total], records: assemblies[slot].records, nextHeader: first)
    }

    /// Gives up every datagram still in flight: the capture has ended.
    func finish() {
        for slot in assemblies.indices where assemblies[slot].inUse {
            abandoned += assemblies[slot].records
            release(slot)
        }
    }

    /// A slot for a new datagram, giving up the oldest one when all are taken.
    private func start(_ key: Key) -> Int {
        if slotOfKey.count >= maximumInFlight { abandonOldest() }
        let slot: Int
        if let free = freeSlots.popLast() {
            slot = free
            assemblies[slot].key = key
            for word in assemblies[slot].blocks.indices { assemblies[slot].blocks[word] = 0 }
            assemblies[slot].coveredBlocks = 0
            assemblies[slot].total = nil
            assemblies[slot].reach = 0
            assemblies[slot].records = 0
            assemblies[slot].nextHeader = nil
        } else {
            slot = assemblies.count
            assemblies.append(Assembly(key: key))
        }
        clock += 1
        assemblies[slot].age = clock
        assemblies[slot].inUse = true
        slotOfKey[key] = slot
        return slot
    }

    /// Lengthens a buffer. While the bytes held would pass `maximumBytes`, the buffers of
    /// free slots are dropped, then the oldest other datagrams given up (and theirs dropped).
    private func grow(_ slot: Int, to length: Int) {
        let growth = length - assemblies[slot].buffer.count
        while bytesHeld + growth > maximumBytes {
            if let free = freeSlots.first(where: { !assemblies[$0].buffer.isEmpty }) {
                bytesHeld -= assemblies[free].buffer.count
                assemblies[free].buffer = []
            } else {
                abandonOldest(sparing: slot)
            }
        }
        assemblies[slot].buffer.append(contentsOf: repeatElement(0, count: growth))
        bytesHeld += growth
    }

    private func abandonOldest(sparing spared: Int = -1) {
        var oldest = -1
        for slot in assemblies.indices where assemblies[slot].inUse && slot != spared {
            if oldest == -1 || assemblies[slot].age < assemblies[oldest].age { oldest = slot }
        }
        // grow calls this only while another datagram holds bytes: the spared one alone
        // fits, as maximumBytes is at least maximumLength.
        precondition(oldest != -1, "another datagram holds the bytes")
        abandoned += assemblies[oldest].records
        release(oldest)
    }

    /// Frees a slot; its buffer stays for the next datagram.
    private func release(_ slot: Int) {
        slotOfKey[assemblies[slot].key] = nil
        assemblies[slot].inUse = false
        freeSlots.append(slot)
    }
}
