#!/usr/bin/env python3
"""Writes what `--hex`, `--expect` and `--expect-hex` must do, computed by Python.

Run: python3 Fixtures/send/generate.py   (seeded: the same files every time)

Files (tab-separated, one case a line, text as the hex of its UTF-8 so any character survives):
  hex_accepted.tsv  input-hex  bytes-hex
      Every form the SPEC accepts, and seeded random renderings of random bytes (prefixes,
      cases, separators, line ends mixed); the bytes are Python's bytes.fromhex of the input
      with its prefixes dropped and its separators made spaces.
  hex_errors.tsv    input-hex  line  column  problem
      Inputs with one mistake; line and column (1-based, in characters) of the character
      marked under it; problem: unexpected:U+XXXX, notUTF8:XX, odd:N, emptyPrefix, backslashX:N.
  expect.tsv        subject  haystack-hex  pattern  expected
      subject text: pattern is the text's UTF-8 hex, expected is Python's `pattern in haystack`
      on str; subject bytes: pattern is written as --expect-hex takes it, expected is `in` on
      bytes.
"""
import os
import random
import re

HERE = os.path.dirname(os.path.abspath(__file__))
rng = random.Random(20260522)
SEPARATORS = " \t:-,;.\r\n"


def write(name, rows):
    with open(os.path.join(HERE, name), "w", encoding="utf-8", newline="\n") as file:
        for row in rows:
            file.write("\t".join(str(field) for field in row) + "\n")


def utf8_hex(text):
    return text.encode("utf-8").hex()


def from_hex_as_pasted(text):
    """The oracle: drop `\\x`, make separators spaces, drop `0x` where an item starts, fromhex."""
    spaced = re.sub(r"[\t:\-,;.\r\n]", " ", text.replace("\\x", " "))
    return bytes.fromhex(re.sub(r"(^| )0[xX]", r"\1", spaced))


SPEC_FORMS = [
    "de ad be ef", "DE:AD:BE:EF", "0xde,0xad,0xbe,0xef", "\\xde\\xad\\xbe\\xef", "deadbeef", "0xdeadbeef",
    "DeAdBeEf", "de-ad-be-ef", "de;ad;be;ef", "de.ad.be.ef", "de\tad\tbe\tef", "  de  ad  be  ef  ",
    "0XDE 0XAD 0XBE 0XEF", "0xdead 0xbeef", "0xde:ad:be:ef", "dead\\xbe\\xef", "de ad\nbe ef", "de ad\r\nbe ef\r\n",
    "de, ad, be, ef", "0xDE 0xad\t\\xBE\\xef",
]


def render(data):
    """Random bytes written the ways people paste them, each way the grammar allows."""
    parts = []
    previous = None
    for byte in data:
        digits = rng.choice(["%02x", "%02X", "%02x", "%02X"]) % byte
        if rng.random() < 0.3:
            digits = "".join(rng.choice([c.lower(), c.upper()]) for c in digits)
        style = rng.choice(["plain", "plain", "0x", "0X", "\\x"])
        separator = rng.choice(["", "", " ", "  ", "\t", ":", "-", ",", ";", ".", "\n", "\r\n", ", "])
        # Without a separator, a `0x` cannot follow a digit, nor a plain digit a `\x` byte.
        if previous is not None and separator == "" and (previous == "\\x" or style in ("0x", "0X")):
            style = "\\x"
        if previous is not None:
            parts.append(separator)
        parts.append((style if style != "plain" else "") + digits)
        previous = style
    return "".join(parts)


def accepted():
    rows = [[utf8_hex(form), from_hex_as_pasted(form).hex()] for form in SPEC_FORMS]
    assert all(row[1] == "deadbeef" for row in rows), rows
    rows.append([utf8_hex(""), ""])
    rows.append([utf8_hex(" :-\t,;."), ""])
    for _ in range(300):
        data = bytes(rng.randrange(256) for _ in range(rng.randint(1, 12)))
        text = render(data)
        assert from_hex_as_pasted(text) == data, (text, data)
        rows.append([utf8_hex(text), data.hex()])
    return rows


# Each input, the text before the character the error must name, and the problem.
ERRORS = [
    ("de a", "de ", "odd:1"),
    ("0xd", "0x", "odd:1"),
    ("zz", "", "unexpected:U+007A"),
    ("de ad g0", "de ad ", "unexpected:U+0067"),
    ("de ad be e", "de ad be ", "odd:1"),
    ("deadbee", "", "odd:7"),
    ("0xdeadbee", "0x", "odd:7"),
    ("12 34 56 7", "12 34 56 ", "odd:1"),
    ("de ag", "de a", "unexpected:U+0067"),
    ("\\xd", "", "backslashX:1"),
    ("\\xdead", "", "backslashX:4"),
    ("de \\x", "de ", "backslashX:0"),
    ("de \\q", "de ", "unexpected:U+005C"),
    ("0x", "", "emptyPrefix"),
    ("de 0x ad", "de ", "emptyPrefix"),
    ("0xg1", "0x", "unexpected:U+0067"),
    ("de0xad", "de0", "unexpected:U+0078"),
    ("0x0xad", "0x0", "unexpected:U+0078"),
    ("dé", "d", "unexpected:U+00E9"),
    ("ab\u00a0cd", "ab", "unexpected:U+00A0"),
    ("de\rad", "de", "unexpected:U+000D"),
    ("de ad\nbe eg", "de ad\nbe e", "unexpected:U+0067"),
    ("de ad\r\n\r\n0xbe 0x", "de ad\r\n\r\n0xbe ", "emptyPrefix"),
]


def errors():
    rows = []
    for text, before, problem in ERRORS:
        assert text.startswith(before) and len(before) < len(text), text
        position = len(before)
        line = text[:position].count("\n") + 1
        column = position - (text.rfind("\n", 0, position) + 1) + 1
        rows.append([utf8_hex(text), line, column, problem])
    # A byte that is not UTF-8, after valid bytes: column 4.
    rows.append([b"de \xff".hex(), 1, 4, "notUTF8:ff"])
    return rows


def expect_cases():
    rows = []
    for _ in range(400):
        alphabet = rng.choice([b"ab", b"\x00a\xff", bytes(range(256))])
        haystack = bytes(rng.choice(alphabet) for _ in range(rng.randint(0, 30)))
        if rng.random() < 0.4 and haystack:
            start = rng.randrange(len(haystack))
            pattern = haystack[start:start + rng.randint(1, 6)]
        else:
            pattern = bytes(rng.choice(alphabet) for _ in range(rng.randint(0, 5)))
        separator = rng.choice([" ", ":", "", ","])
        prefix = "0x" if separator and rng.random() < 0.3 else ""
        written = separator.join(prefix + "%02x" % b for b in pattern)
        rows.append(["bytes", haystack.hex(), written, pattern in haystack])
    characters = ["a", "b", "é", "e", "\u0301", "你", "好", "😀", "\u00e9"]
    for _ in range(200):
        haystack = "".join(rng.choice(characters) for _ in range(rng.randint(0, 12)))
        if rng.random() < 0.4 and haystack:
            start = rng.randrange(len(haystack))
            pattern = haystack[start:start + rng.randint(1, 4)]
        else:
            pattern = "".join(rng.choice(characters) for _ in range(rng.randint(0, 3)))
        rows.append(["text", utf8_hex(haystack), utf8_hex(pattern), pattern in haystack])
    return rows


def main():
    write("hex_accepted.tsv", accepted())
    write("hex_errors.tsv", errors())
    write("expect.tsv", expect_cases())


if __name__ == "__main__":
    main()
