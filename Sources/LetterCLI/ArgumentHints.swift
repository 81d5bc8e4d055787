import LetterCore

/// When the positional arguments do not make an endpoint, the most likely mistake, said
/// with what each argument was taken for and the command line probably meant — the
/// habits people bring from nc and from other tools' argument orders:
/// - `letter send -w 2 HOST PORT hi`: nc's `-w SEC`; letter's `-w` takes no value.
/// - `letter send PORT HOST hi`: the port before the host.
/// - `letter send hi HOST PORT`: the message before the address.
/// - `NAME` naming a socket file here: a bare name is a host; a path wants a `/`.
/// nil when no guess fits (the plain error is then the whole message).
func misplacedArgumentHint(command: String, arguments: [String], positionals: [String], waitFlagGiven: Bool) -> String? {
    func meant(_ words: [String]) -> String {
        "did you mean '" + (["letter", command] + words).map(shellWord).joined(separator: " ") + "'?"
    }
    let first = positionals.first ?? "", second = positionals.count > 1 ? positionals[1] : ""
    let third = positionals.count > 2 ? positionals[2] : ""
    if waitFlagGiven, isDecimal(first), looksLikeHost(second), isPort(third) {
        var fixed = arguments
        if let index = fixed.firstIndex(of: first) { fixed.insert("-t", at: index) }
        return "'\(first)' was taken as the HOST and '\(second)' as the PORT: -w takes no value here "
            + "(nc's -w SEC is -w -t SEC in letter); " + meant(fixed)
    }
    if isPort(first), looksLikeHost(second), !isPort(second) {
        return "'\(first)' was taken as the HOST and '\(second)' as the PORT: the host comes first; "
            + meant(swapped(arguments, first, second))
    }
    if !isPort(second), looksLikeHost(second), isPort(third) {
        var fixed = arguments
        if let index = fixed.firstIndex(of: first) {
            fixed.remove(at: index)
            fixed.insert(first, at: fixed.lastIndex(of: third).map { $0 + 1 } ?? fixed.count)
        }
        return "'\(first)' was taken as the HOST and '\(second)' as the PORT: the message comes after the address; "
            + meant(fixed)
    }
    if let name = positionals.first(where: namesSocketFileHere) {
        return "for the socket file '\(name)' here, write ./\(name) (a name without / is a host)"
    }
    return nil
}

/// `::1:9000` is a valid IPv6 address with no port; when its last group reads as a port
/// and the rest is an address, `[::1]:9000` was probably meant.
func bracketedSuggestion(forIPv6 host: String) -> String? {
    guard let colon = host.lastIndex(of: ":") else { return nil }
    let address = String(host[..<colon]), port = String(host[host.index(after: colon)...])
    guard isPort(port), let parsed = parseIPAddress(address), parsed.isIPv6 else { return nil }
    return "[\(address)]:\(port)"
}

/// An argument without `/` that names a socket file in the current directory.
func namesSocketFileHere(_ argument: String) -> Bool {
    !argument.isEmpty && !argument.contains("/") && !argument.hasPrefix("@")
        && fileKind(atPath: argument.argumentBytes) == .socket
}

private func isDecimal(_ text: String) -> Bool {
    !text.isEmpty && text.utf8.allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
}

private func isPort(_ text: String) -> Bool {
    isDecimal(text) && text.count <= 5 && (1...65535).contains(Int(text) ?? 0)
}

/// An IP literal, `localhost`, or a dotted name (`example.com`): what a host looks like
/// when it is not where a host should be.
private func looksLikeHost(_ text: String) -> Bool {
    if parseIPAddress(text) != nil || text == "localhost" { return true }
    let labels = text.split(separator: ".", omittingEmptySubsequences: false)
    return labels.count >= 2 && !isDecimal(text) && labels.allSatisfy { label in
        !label.isEmpty && label.utf8.allSatisfy { ($0 | 0x20 >= UInt8(ascii: "a") && $0 | 0x20 <= UInt8(ascii: "z"))
            || ($0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9")) || $0 == UInt8(ascii: "-") }
    }
}

private func swapped(_ arguments: [String], _ a: String, _ b: String) -> [String] {
    var fixed = arguments
    if let i = fixed.firstIndex(of: a), let j = fixed.firstIndex(of: b) { fixed.swapAt(i, j) }
    return fixed
}

/// A word as a shell reads it back: quoted when it holds anything but plain characters.
private func shellWord(_ word: String) -> String {
    let plain = !word.isEmpty && word.utf8.allSatisfy { byte in
        (byte | 0x20 >= UInt8(ascii: "a") && byte | 0x20 <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
            || "-_.:/@[]%,+=".utf8.contains(byte) || byte >= 0x80
    }
    return plain ? word : "'" + word.split(separator: "'", omittingEmptySubsequences: false).joined(separator: "'\\''") + "'"
}
