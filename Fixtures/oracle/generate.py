#!/usr/bin/env python3
"""Writes the expected outputs the unit tests compare against, all made by Python.

Run: python3 Fixtures/oracle/generate.py   (seeded: the same files every time)

Files (tab-separated, one case a line, bytes as hex so any byte survives):
  bytes_repr.tsv  input-hex      repr(bytes) as UTF-8 hex
  ipv6_text.tsv   address-hex    socket.inet_ntop(AF_INET6, address)
  tuple_repr.tsv  family address-hex port flowinfo scope_id  repr((host, port[, flowinfo, scope_id]))
  escape.tsv      text-hex       the SPEC's text escaping of that text (UTF-8 hex)
  json_string.tsv text-hex       the JSON string letter writes for it (UTF-8 hex): each escaped
                                 character as Python's json.dumps writes it alone
  decode.tsv      codec handler input-hex  output-hex | error START END
  decode_ucs4.tsv UCS-4 handler input-hex  as decode.tsv, from Python's utf-32-be: iconv's UCS-4
                                 writes values above U+10FFFF as bytes that are not UTF-8
  encode.tsv      codec errors   text-hex  output-hex | error POSITION
  codec_name.tsv  name           Python's normalisation of that codec name
  argument_text.tsv input-hex    the code points (hex) of input.decode('utf-8', 'surrogateescape'):
                                 how an argument's bytes read as text
  time_column.tsv seconds nanoseconds start-seconds start-nanoseconds  --time utc, epoch and
                                 elapsed for that receive time (listening since start), and delta
                                 from the row before (0.000000 for the first), as Python's
                                 datetime and integer arithmetic write them
  hexdump.tsv     payload-hex    what `hexdump -Cv` prints for those bytes, less its final offset
                                 line (UTF-8 hex)
"""
import encodings
import json
import os
import random
import socket
import subprocess
import sys
from datetime import datetime, timezone

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "peers"))
from oracle import ESCAPED, escape_controls  # noqa: E402  (the SPEC's escaping rule, in one place)

HERE = os.path.dirname(os.path.abspath(__file__))
CODECS = ["utf-8", "gbk", "gb18030", "big5", "shift_jis", "latin-1", "ascii", "gb2312", "euc_jp", "cp1252",
          "big5hkscs", "cp932", "cp949", "cp1251", "koi8-r", "iso8859-15"]
HANDLERS = ["strict", "replace", "ignore", "backslashreplace"]
rng = random.Random(20261121)

SAMPLE_TEXT = {
    "utf-8": "你好 world 😀 é",
    "gbk": "你好世界，汉字", "gb18030": "你好 𠀀 € 汉字", "gb2312": "你好世界",
    "big5": "你好，繁體中文", "shift_jis": "こんにちは ｶﾀｶﾅ 漢字", "euc_jp": "こんにちは 漢字",
    "latin-1": "café ÿ", "ascii": "plain", "cp1252": "€ café ‰",
    "big5hkscs": "你好，香港", "cp932": "こんにちは ①", "cp949": "안녕하세요", "cp1251": "привет",
    "koi8-r": "привет", "iso8859-15": "€ café",
}


def random_bytes(max_length=24):
    kind = rng.random()
    length = rng.randint(0, max_length)
    if kind < 0.5:
        return bytes(rng.randrange(256) for _ in range(length))
    if kind < 0.8:  # mostly high bytes: multibyte lead/trail territory
        return bytes(rng.randrange(0x80, 256) for _ in range(length))
    return bytes(rng.choice(b"\x00\x09\x0a\x0d\x1b\x27\x22\x5c\x7f\x80\x85\x9f\xa0\xc2\xe2\xff") for _ in range(length))


def write(name, rows):
    with open(os.path.join(HERE, name), "w", encoding="utf-8", newline="\n") as file:
        for row in rows:
            file.write("\t".join(row) + "\n")


def bytes_repr_rows():
    crafted = [b"", b"'", b'"', b"'\"", b"it's", b'say "hi"', b"\\", b"\t\n\r", b"\x00\x7f\x80\xff", bytes(range(256))]
    for data in crafted + [random_bytes(40) for _ in range(400)]:
        yield data.hex(), repr(data).encode().hex()


def ipv6_rows():
    crafted = [bytes(16), bytes(15) + b"\x01", bytes(15) + b"\x02", bytes(10) + b"\xff\xff\x7f\x00\x00\x01",
               bytes(12) + b"\x01\x02\x03\x04", bytes(10) + b"\xff\xfe" + bytes(4), b"\xfe\x80" + bytes(13) + b"\x01",
               bytes([0, 1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1]), b"\x20\x01\x0d\xb8" + bytes(12),
               b"\x20\x01\x0d\xb8\x00\x00\x00\x01\x00\x00\x00\x00\x00\x01\x00\x00"]
    for _ in range(400):
        groups = [rng.choice([0, 0, 0, rng.randrange(65536), rng.randrange(16)]) for _ in range(8)]
        crafted.append(b"".join(g.to_bytes(2, "big") for g in groups))
    for address in crafted:
        yield address.hex(), socket.inet_ntop(socket.AF_INET6, address)


def tuple_rows():
    for _ in range(200):
        port, flow, scope = rng.randrange(65536), rng.choice([0, 0, rng.randrange(1 << 20)]), rng.choice([0, 0, rng.randrange(1 << 32)])
        if rng.random() < 0.5:
            address = bytes(rng.randrange(256) for _ in range(4))
            yield "4", address.hex(), str(port), "0", "0", repr((socket.inet_ntop(socket.AF_INET, address), port))
        else:
            address = bytes(10) + b"\xff\xff" + bytes(rng.randrange(256) for _ in range(4)) if rng.random() < 0.3 else \
                bytes(rng.choice([0, rng.randrange(256)]) for _ in range(16))
            host = socket.inet_ntop(socket.AF_INET6, address)
            yield "6", address.hex(), str(port), str(flow), str(scope), repr((host, port, flow, scope))


def escape_texts():
    pool = ["a", "你", "\t", "\n", "\r", "\x00", "\x1b", "\x7f", "\x80", "\x85", "\x9f", "\xa0", "\\", "'", "é", "😀", "\u2028"]
    for _ in range(300):
        yield "".join(rng.choice(pool) for _ in range(rng.randint(0, 12)))
    # Its own generator, so the rows above and the files after stay as they were.
    bidi_rng = random.Random(20261130)
    # Every escaped character alone, every character of the blocks the bidirectional
    # controls live in (so each edge of each range is covered), and random mixes with
    # their neighbours, ASCII and the characters JSON escapes.
    yield from sorted(ESCAPED)
    yield "".join(map(chr, range(0x600, 0x700)))
    yield "".join(map(chr, range(0x2000, 0x2070)))
    neighbours = [chr(c) for c in (0x61B, 0x61D, 0x200B, 0x200D, 0x2027, 0x2029, 0x202A, 0x202F, 0x2065, 0x206A, 0xFEFF)]
    pool = sorted(ESCAPED) + neighbours * 4 + ["a", "你", "é", "😀", "\\", '"', "\b", "\f"] * 4
    for _ in range(300):
        yield "".join(bidi_rng.choice(pool) for _ in range(bidi_rng.randint(1, 16)))


def json_string(text):
    """The escaped characters (and '"', '\\') as Python's json.dumps writes each alone."""
    return '"' + "".join(json.dumps(c)[1:-1] if c in ESCAPED or c in '"\\' else c for c in text) + '"'


def escape_rows(texts):
    for text in texts:
        yield text.encode().hex(), escape_controls(text).encode().hex()


def json_string_rows(texts):
    for text in texts:
        yield text.encode().hex(), json_string(text).encode().hex()


def decode_rows():
    for codec in CODECS:
        inputs = [random_bytes() for _ in range(250)]
        inputs += [SAMPLE_TEXT[codec].encode(codec)]
        inputs += [SAMPLE_TEXT[codec].encode(codec) + random_bytes(3) for _ in range(20)]
        for data in inputs:
            for handler in HANDLERS:
                try:
                    result = data.decode(codec, handler).encode("utf-8").hex()
                except UnicodeDecodeError as error:
                    result = "error %d %d" % (error.start, error.end)
                yield codec, handler, data.hex(), result


def ucs4_rows():
    """UCS-4, an iconv name (big-endian 4-byte units), against Python's utf-32-be: the same
    for scalars, and for values above U+10FFFF one error each. Surrogates are left out:
    glibc rejects those itself, a byte at a time."""
    ucs4_rng = random.Random(20261201)
    def unit():
        return ucs4_rng.choice([ucs4_rng.randrange(0x20, 0x7F), 0x4F60, 0x1F600, 0x10FFFF, 0x110000, 0x7FFFFFFF,
                                ucs4_rng.randrange(0x110000, 0x80000000)])
    inputs = [b"".join(unit().to_bytes(4, "big") for _ in range(ucs4_rng.randint(1, 8))) for _ in range(200)]
    for data in inputs:
        for handler in HANDLERS:
            try:
                result = data.decode("utf-32-be", handler).encode("utf-8").hex()
            except UnicodeDecodeError as error:
                result = "error %d %d" % (error.start, error.end)
            yield "UCS-4", handler, data.hex(), result


def codec_name_rows():
    """Codec names spelled every which way, and what Python's codec lookup makes of them
    (codecs.lookup lower-cases, then encodings.normalize_encoding)."""
    name_rng = random.Random(20261202)
    pieces = ["utf", "8", "16", "le", "iso", "8859", "2", "Windows", "1250", "mac", "Roman", "euc", "KR", "x3.4", "é", "ß"]
    separators = ["-", "_", " ", "--", "_-_", ".", "/", ""]
    for _ in range(300):
        parts = [name_rng.choice(pieces) for _ in range(name_rng.randint(1, 4))]
        name = name_rng.choice(["", "-", " "]) + "".join(p + name_rng.choice(separators) for p in parts)
        yield name, encodings.normalize_encoding(name.lower())


def encode_rows():
    pool = "aZ 0你好汉字繁體こんにちはｶﾀｶﾅ€éÿ😀𠀀ḿ·—①\u00a5\u203e~\\안녕привет\u2170\u4e28"
    for codec in CODECS:
        for _ in range(150):
            text = "".join(rng.choice(pool) for _ in range(rng.randint(0, 10)))
            for errors in ["strict", "replace"]:
                try:
                    result = text.encode(codec, errors).hex()
                except UnicodeEncodeError as error:
                    result = "error %d" % error.start
                yield codec, errors, text.encode().hex(), result


def time_column_rows():
    """Receive times from 1970 to 2100 in order, one listening start before them all."""
    time_rng = random.Random(20261202)
    start = (time_rng.randrange(0, 4_000_000_000), time_rng.randrange(10**9))
    previous = None
    stamp = start
    for _ in range(200):
        stamp = (stamp[0] + time_rng.choice([0, 0, 1, 59, 3600, 86399, 10**6]), time_rng.randrange(10**9))
        seconds, nanoseconds = stamp
        micro = nanoseconds // 1000
        utc = datetime.fromtimestamp(seconds, timezone.utc).strftime("%Y-%m-%dT%H:%M:%S") + ".%06dZ" % micro
        epoch = "%d.%06d" % (seconds, micro)

        def since(then):
            elapsed = max(0, (seconds * 10**9 + nanoseconds) - (then[0] * 10**9 + then[1])) // 1000
            return "%d.%06d" % divmod(elapsed, 10**6)
        delta = since(previous) if previous else "0.000000"
        previous = stamp
        yield str(seconds), str(nanoseconds), str(start[0]), str(start[1]), utc, epoch, since(start), delta


def hexdump_rows():
    dump_rng = random.Random(20261203)
    lengths = [0, 1, 7, 8, 9, 15, 16, 17, 31, 32, 33, 255, 256, 1000]
    for length in lengths + [dump_rng.randrange(2000) for _ in range(20)]:
        payload = bytes(dump_rng.randrange(256) for _ in range(length))
        dump = subprocess.run(["hexdump", "-Cv"], input=payload, capture_output=True, check=True).stdout
        # hexdump ends with the offset after the last byte, alone on a line: letter leaves it out.
        lines = dump.split(b"\n")[:-2]
        yield payload.hex(), b"".join(line + b"\n" for line in lines).hex()


write("bytes_repr.tsv", bytes_repr_rows())
write("ipv6_text.tsv", ipv6_rows())
write("tuple_repr.tsv", tuple_rows())
texts = list(escape_texts())
write("escape.tsv", escape_rows(texts))
write("json_string.tsv", json_string_rows(texts))
write("decode.tsv", decode_rows())
write("decode_ucs4.tsv", ucs4_rows())
write("encode.tsv", encode_rows())
write("codec_name.tsv", codec_name_rows())


def argument_text_rows():
    # Last, so the rows of the files above keep their seeded bytes.
    crafted = [b"/t\xff\xfe.s", b"\xe4\xbd\xa0", b"\xe2\x82A", b"\xc0\xaf", b"\xed\xa0\x80", b"\xf4\x90\x80\x80",
               b"\xf0\x9f\x98\x80", b"\xef\xbf\xbd"]
    for data in crafted + [random_bytes(16) for _ in range(300)]:
        yield data.hex(), " ".join("%x" % ord(c) for c in data.decode("utf-8", "surrogateescape"))


write("argument_text.tsv", argument_text_rows())
write("time_column.tsv", time_column_rows())
write("hexdump.tsv", hexdump_rows())
