#!/usr/bin/env python3
"""Writes the seed inputs of the fuzz targets (Fuzz/Targets/*.swift) into Fixtures/fuzz/.

Run: python3 Fixtures/fuzz/make_seeds.py   (the same files every run)

Each target reads a few choice bytes, then its payload (see Fuzz/Support/FuzzSupport.swift):
  Decode/     1 byte picks (encoding, error handler), then the datagram
  Encode/     1 byte picks (encoding, strict|replace), then UTF-8 text
  Escaping/   the bytes themselves
  Records/    2 bytes pick (encoding, handler, format, --bytes), then the sender
              (family, port, address, IPv6 flow and scope), 1 byte of cut, then the datagram
  Arguments/  1 byte picks the first word, then NUL-separated arguments
  Addresses/  the text of an address, endpoint or network
  Invocations/ NUL-separated arguments for the real binary (the crashes past trials
              found among them); it uses Arguments.dict too
  Captures/   1 byte picks the read size (1 to 256 bytes), then a capture: those under
              12 KiB that Fixtures/captures/make_captures.py builds (damaged ones too) and
              its JSON Lines recording
  Views/      1 byte picks the zone (TZ), then the listening start and 1 to 4 receive
              times (5 bytes of seconds, 4 of nanoseconds each, after a count byte), two
              senders (internet as in Records, a unix path or abstract name, or unnamed),
              2 bytes of cut for each datagram, 2 bytes where the payload splits in two,
              then the payload
Arguments.dict and Addresses.dict are libFuzzer dictionaries: every option spelling
found in Sources/LetterCLI (and values they take), and the pieces of addresses.
The choice bytes index tables in letter's own order (encodingTable, DecodeErrorHandler,
RecordFormat); a seed stays a valid input if they change, only its choice moves.
Views' zone byte indexes the zone list at the top of Fuzz/Targets/Views.swift.
Decode, Escaping and Records seeds double as the payloads of TerminalSafetyTests.
"""
import glob
import os
import re
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
TEXTS = os.path.join(HERE, "..", "text")
CLI_SOURCES = os.path.join(HERE, "..", "..", "Sources", "LetterCore", "CLI", "*.swift")

# letter's encodingTable order (Sources/LetterCore/Text/EncodingTable.swift).
ENCODINGS = ["utf-8", "gbk", "gb2312", "gb18030", "big5", "big5hkscs", "shift_jis", "cp932",
             "euc_jp", "cp949", "latin-1", "ascii", "iso8859-15", "cp1252", "cp1251", "koi8-r"]
HANDLERS = ["strict", "replace", "ignore", "backslashreplace"]
FORMATS = ["text", "tuple", "json", "lines", "raw"]

# Datagrams that are hard on decoders and on the terminal.
NASTY = [
    b"",
    b"A",
    bytes(range(0x00, 0x20)) + b"\x7f",
    "C1: \x80\x85\x9b\x9f".encode("utf-8"),
    b"\x1b[31mred\x1b[0m \x1b]0;title\x07 \x1bP+q\x1b\\ \x9b2J",
    b"quotes ' \" and \\ backslash \\x41 \\n",
    b"it's",
    b"both ' and \"",
    "separators \u2028 \u2029 end".encode("utf-8"),
    b"\xc0\xaf \xe0\x80\xaf \xed\xa0\x80 \xf4\x90\x80\x80 \xf8\x88\x80\x80\x80 \xff\xfe",
    b"\xe4\xbd",  # a truncated 3-byte sequence
    b"\xc4\xe3\xba",  # GBK with its last character cut
    b"\x81\x30\x81\x30\x81\x30",  # GB18030 four-byte, then a cut one
    b"\xa1\x40\xf9\xfe\xc6\xa1\xfe\xfe",  # Big5 edges
    b"\x82\xa0\x5c\x7e\x80\xa0\xfd\xfe\xff",  # Shift_JIS edges and the bytes it leaves undefined
    b"\x8e\xa1\x8f\xa2\xaf\xa1\xa1",  # EUC-JP half-width kana and JIS X 0212
    bytes(range(0x80, 0x100)),
]


def texts():
    """The sample texts, as (encoding, bytes) per line."""
    for name in sorted(os.listdir(TEXTS)):
        if name.endswith(".txt"):
            with open(os.path.join(TEXTS, name), "rb") as file:
                for line in file.read().split(b"\n"):
                    if line:
                        yield name[:-4], line


def write(target, seeds):
    directory = os.path.join(HERE, target)
    os.makedirs(directory, exist_ok=True)
    for old in os.listdir(directory):
        os.remove(os.path.join(directory, old))
    for number, seed in enumerate(seeds):
        with open(os.path.join(directory, "seed-%03d" % number), "wb") as file:
            file.write(seed)


def decode_seeds():
    for encoding, line in texts():
        for handler in ("strict", "replace"):
            yield bytes([ENCODINGS.index(encoding) * len(HANDLERS) + HANDLERS.index(handler)]) + line
    for number, payload in enumerate(NASTY):
        for encoding in ("utf-8", "gbk", "gb18030", "big5", "shift_jis", "euc_jp"):
            handler = HANDLERS[number % len(HANDLERS)]
            yield bytes([ENCODINGS.index(encoding) * len(HANDLERS) + HANDLERS.index(handler)]) + payload
    # Longer than the iconv scratch buffer (16 KiB of output), to cross its refills.
    yield bytes([ENCODINGS.index("gbk") * len(HANDLERS)]) + "汉字".encode("gbk") * 3000


def encode_seeds():
    unencodable = "€ ¥ ‾ ～ 〜 − 😀 \ufffd \u2028 ḿ 𠀀"
    for encoding, line in texts():
        text = line.decode(encoding).encode("utf-8")
        yield bytes([ENCODINGS.index(encoding) * 2]) + text
    for index, encoding in enumerate(ENCODINGS):
        yield bytes([index * 2 + index % 2]) + unencodable.encode("utf-8")


def record_seeds():
    senders = [
        bytes([0]) + struct.pack(">H", 54321) + bytes([127, 0, 0, 1]),
        bytes([1]) + struct.pack(">H", 5555) + bytes(15) + b"\x01" + struct.pack(">II", 0, 0),
        bytes([1]) + struct.pack(">H", 9) + bytes(10) + b"\xff\xff\x7f\x00\x00\x01" + struct.pack(">II", 0, 0),
        bytes([1]) + struct.pack(">H", 65535) + b"\xfe\x80" + bytes(13) + b"\x01" + struct.pack(">II", 0xFFFFF, 3),
    ]
    per_encoding = len(HANDLERS) * len(FORMATS) * 2
    for number, payload in enumerate(NASTY + [line for _, line in texts()]):
        encoding = ("utf-8", "gbk", "big5", "shift_jis")[number % 4]
        fmt = FORMATS[number % len(FORMATS)]
        choice = (ENCODINGS.index(encoding) * per_encoding + HANDLERS.index("replace") * len(FORMATS) * 2
                  + FORMATS.index(fmt) * 2 + number % 2)
        yield struct.pack(">H", choice) + senders[number % len(senders)] + bytes([number % 3]) + payload


# Receive times (seconds, nanoseconds): the epoch, a leap day, 2038's rollover, Apia's
# skipped 2011-12-30, a summer-time change, 2100 (not a leap year) and its last second.
STAMPS = [(0, 0), (951782400, 999_999_999), (2**31 - 1, 999), (2**31, 1000), (1325239199, 500_000_000),
          (1711846800, 123_456_789), (4107542399, 1), (4133980799, 999_999_999), (1764426735, 123_456_000)]


def view_sender(number):
    """A sender of every kind, the unix names with controls and bytes that are not UTF-8."""
    kind = number % 5
    if kind == 0:
        return bytes([0, 0]) + struct.pack(">H", 54321) + bytes([127, 0, 0, 1])
    if kind == 1:
        return bytes([0, 1]) + struct.pack(">H", 5555) + b"\xfe\x80" + bytes(13) + b"\x01" + struct.pack(">II", 7, 2)
    if kind == 4:
        return bytes([2])
    name = b"/tmp/a\x1b[2J\xff\xe2\x80\xae.sock" if kind == 2 else b"\x00 name\n"
    return bytes([1, len(name)]) + name + bytes([kind - 2])


def view_stamp(seconds, nanoseconds):
    return struct.pack(">Q", seconds)[3:] + struct.pack(">I", nanoseconds)


def view_seeds():
    payloads = [b"", b"A", bytes(range(15)), bytes(range(16)), bytes(range(17)), bytes(range(33)),
                bytes(range(256)), *NASTY]
    for number, payload in enumerate(payloads):
        stamps = [STAMPS[(number + index) % len(STAMPS)] for index in range(1 + number % 4)]
        yield (bytes([number]) + view_stamp(*STAMPS[number * 5 % len(STAMPS)]) + bytes([len(stamps) - 1])
               + b"".join(view_stamp(*stamp) for stamp in stamps)
               + view_sender(number) + view_sender(number + number % 2)
               + struct.pack(">HHH", 0 if number % 3 else 976, number % 2, len(payload) // 2) + payload)


def argument_seeds():
    heads = ["send", "listen", "chat", "encodings", "help", "--version", None]
    lines = [
        ("send", ["127.0.0.1", "9000", "你好"]),
        ("send", ["-e", "gbk", "localhost:9000", "你好"]),
        ("send", ["-w", "-t", "2", "127.0.0.1", "9000", "ping"]),
        ("send", ["[::1]:9000", "--whole", "--rate", "1e3", "-b", "[::1]:0", "--", "-5", "degrees"]),
        ("send", ["-4w6", "host", "70000", "--errors=replace", "--ttl", "256"]),
        ("listen", ["9000"]),
        ("listen", ["-e", "gbk", "127.0.0.1", "9000"]),
        ("listen", ["-f", "tuple", "-c", "1", "0", "--rcvbuf", "65536", "--stats"]),
        ("listen", ["-6", "--reply", "hi", "--echo", "9000", "--allow", "10.0.0.0/8,::1,fe80::/10"]),
        ("listen", ["--join", "239.1.2.3", "--interface", "lo", "-t", "0.5", "--bufsize", "1024", "0"]),
        ("chat", ["-b", "9001", "127.0.0.1", "9002", "--format=json", "--bytes"]),
        ("help", ["listen"]),
        (None, ["--frobnicate"]),
        (None, ["lisen", "--count", "-1"]),
    ]
    for head, words in lines:
        yield bytes([heads.index(head)]) + b"\0".join(word.encode("utf-8") for word in words)


def invocation_seeds():
    lines = [
        # Trials found these crashing with SIGILL (the pacing interval overflowed).
        ["send", "--rate", "1e-11", "127.0.0.1", "9", "x"],
        ["send", "--rate", "1e-300", "127.0.0.1", "9", "x"],
        ["send", "--rate", "5e-324", "127.0.0.1", "9", "x"],
        ["send", "--rate", "1e7", "127.0.0.1", "9", "x"],
        ["send", "-w", "-t", "1e6", "127.0.0.1", "9", "x"],
        ["send", "--chunk", "65527", "127.0.0.1", "9"],
        ["send", "--ttl", "255", "239.1.2.3", "9", "x"],
        ["send", "127.0.0.1:19340:1", "x"],
        ["listen", "--allow", ",", "-t", "0.01", "0"],
        ["listen", "-c", "0", "0"],
        ["listen", "--rcvbuf", "1073741824", "-t", "0.001", "0"],
        ["listen", "--bufsize", "1", "-t", "0.001", "127.0.0.1", "0"],
        ["encodings"],
        ["--version"],
        ["chat", "-t", "0.001", "127.0.0.1", "9"],
    ]
    for words in lines:
        yield b"\0".join(word.encode("utf-8") for word in words)


ADDRESSES = [
    "127.0.0.1:9000", "[::1]:9000", "[fe80::1%lo]:0", "::1", "::", "::ffff:10.0.0.1", "1:2:3:4:5:6:7:8",
    "1::", "::2:3:4:5:6:7:8", "fe80::/10", "10.0.0.0/8", "0.0.0.0/0", "::/0", "255.255.255.255/32",
    "host:65535", "host:65536", "9000", "0", "[::1]", "[::1]9000", "a:b:c", "1.2.3.4.5", "::ffff:1.2.3.4/96",
    # Crashes the fuzzer found (a signed group, a leading-zero octet), kept as seeds.
    "+f::", "::22:20:80:2.9.09.0",
]


def capture_seeds():
    sys.path.insert(0, os.path.join(HERE, "..", "captures"))
    import make_captures
    files, _ = make_captures.captures()
    recording, _ = make_captures.recording()
    for number, data in enumerate([data for _, data in sorted(files.items()) if len(data) <= 12 << 10] + [recording]):
        yield bytes([(number * 37) % 256]) + data


def write_dictionary(name, words):
    with open(os.path.join(HERE, name + ".dict"), "w", encoding="utf-8") as file:
        for word in sorted(set(words)):
            file.write('"%s"\n' % word.replace("\\", "\\\\").replace('"', '\\"'))


def option_spellings():
    """Every option's name (OptionKey.swift's cases) and short spelling (`short: "-x"` in the table)."""
    for path in glob.glob(CLI_SOURCES):
        with open(path, encoding="utf-8") as file:
            text = file.read()
            yield from re.findall(r'case \w+ = "(-[^"]+)"', text)
            yield from re.findall(r'short: "(-[^"]+)"', text)


def main():
    write("Decode", decode_seeds())
    write("Encode", encode_seeds())
    write("Escaping", NASTY + [line for _, line in texts()])
    write("Records", record_seeds())
    write("Arguments", argument_seeds())
    write("Addresses", [address.encode("utf-8") for address in ADDRESSES])
    write("Invocations", invocation_seeds())
    write("Views", view_seeds())
    write("Captures", capture_seeds())
    values = ["--", "=", "0", "65535", "65536", "-1", "0.5", "1e309", "nan", "utf-8", "gbk", "latin1", "no-such-codec",
              "text", "tuple", "json", "lines", "raw", "strict", "replace", "ignore", "backslashreplace",
              "127.0.0.1", "::1", "[::1]:9000", "localhost:9000", "239.1.2.3", "ff02::1", "10.0.0.0/8", ","]
    write_dictionary("Arguments", list(option_spellings()) + values)
    write_dictionary("Invocations", list(option_spellings()) + values + ["send", "listen", "chat", "encodings"])
    write_dictionary("Addresses", [":", "::", ".", "[", "]", "/", "%", "ffff", "::ffff:", "255", "0", "65535", "/128", "/32"])


if __name__ == "__main__":
    main()
