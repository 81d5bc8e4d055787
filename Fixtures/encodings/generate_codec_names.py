#!/usr/bin/env python3
"""Writes Sources/LetterCore/Text/PythonCodecNames.swift: every Python codec, with
Python's own aliases, whose codec glibc iconv also has.

    python3 Fixtures/encodings/generate_codec_names.py

For each text codec module of Python's `encodings` package (and the aliases
`encodings.aliases.aliases` gives it), iconv names are tried in a fixed order (the
codec's names upper-cased, with `_` as `-`, without it, and with `-` between letters
and digits); the first that converts the codec's repertoire exactly as Python does
both ways wins. The repertoire is every character the codec round-trips among U+0020
to U+1FFF, a seeded sample of the rest of the BMP and a few astral characters; for a
single-byte codec, whatever its 256 bytes decode to. A codec with no such iconv name
(utf_7, punycode, the iso2022 family where glibc shifts otherwise...) is left out.

The codecs of letter's Python-exact table (`CODECS` in compare_iconv_python.py but
generate_codec_tables.py's SKIPPED, and utf-8) keep their own rows in EncodingTable.swift; for them only the aliases are
written, so that every name Python accepts for them reaches them.

utf_16 and utf_32 write a byte-order mark and little-endian units (Python's native
order on x86_64); they are written as the pair of their _le and _be iconv names.
"""
import codecs
import encodings
import encodings.aliases
import json
import os
import pkgutil
import random
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from compare_iconv_python import CODECS, Iconv, iconv_available  # noqa: E402  (glibc iconv through ctypes)
from generate_codec_tables import SKIPPED  # noqa: E402  (compared, but not in the exact table)

HERE = os.path.dirname(os.path.abspath(__file__))
TARGET = os.path.join(HERE, "..", "..", "Sources", "LetterCore", "Text", "PythonCodecNames.swift")
REPORT = os.path.join(HERE, "codec_names.json")
EXACT = set(CODECS) - SKIPPED | {"utf_8"}
# A glibc name that no spelling of Python's names reaches (checked like the others).
GLIBC_NAMES = {"mac_latin2": "MAC-CENTRALEUROPE"}
BYTE_ORDER_MARKED = {"utf_16": ("utf_16_le", "utf_16_be"), "utf_32": ("utf_32_le", "utf_32_be")}
rng = random.Random(20261130)
SAMPLE = [chr(c) for c in range(0x20, 0x2000)] \
    + [chr(c) for c in sorted(rng.sample([c for c in range(0x2000, 0x10000) if not 0xD800 <= c < 0xE000], 4000))] \
    + [chr(c) for c in (0x1F600, 0x20000, 0x2A6D6, 0x10FFFD)]


def text_codecs():
    for module in sorted(info.name for info in pkgutil.iter_modules(encodings.__path__)):
        try:
            info = codecs.lookup(module)
        except LookupError:
            continue
        if getattr(info, "_is_text_encoding", True):
            yield module


def python_aliases(module):
    """The aliases of `module` that Python's lookup reaches (not 'csHPRoman8', which it
    never finds, lower-casing first), as its normalisation writes them."""
    found = set()
    for alias, target in encodings.aliases.aliases.items():
        try:
            reaches = target == module and codecs.lookup(alias).name == codecs.lookup(module).name
        except LookupError:
            reaches = False
        if reaches:
            found.add(encodings.normalize_encoding(alias.lower()))
    return sorted(found)


def repertoire(module):
    try:
        singles = [bytes([b]).decode(module) for b in range(256)]
    except UnicodeDecodeError:
        singles = None
    except Exception:  # codecs that are not byte codecs at all (idna, punycode, ...)
        return ""
    if singles is not None and all(len(s) == 1 for s in singles):
        pool = singles
    else:
        pool = SAMPLE
    chars = []
    for c in pool:
        try:
            if c.encode(module).decode(module) == c:
                chars.append(c)
        except (UnicodeError, ValueError, TypeError, LookupError):
            pass
    return "".join(chars)


def candidates(module, aliases):
    seen = []
    for name in [module] + aliases:
        upper = name.upper()
        dashed = upper.replace("_", "-")
        split = re.sub(r"(?<=[A-Z])(?=[0-9])|(?<=[0-9])(?=[A-Z])", "-", dashed)
        for candidate in (upper, dashed, upper.replace("_", ""), split):
            if candidate not in seen and re.fullmatch(r"[A-Z0-9._:-]+", candidate):
                seen.append(candidate)
    return seen


def differences(module, iconv_name, chars):
    """The characters of `chars` iconv does not convert both ways exactly as Python:
    (refused, conflicting). Refused: iconv cannot encode it (an error, never wrong
    bytes; what it makes of Python's bytes for it may differ too); conflicting: iconv
    encodes it to other bytes, or reads Python's bytes for it otherwise."""
    encoder, decoder = Iconv(iconv_name, "UTF-8", outsize=64), Iconv("UTF-8", iconv_name, outsize=64)
    refused, conflicting = [], []
    for c in chars:
        encoded, utf8 = c.encode(module), c.encode("utf-8")
        (encode_error, out, _), (decode_error, back, _) = encoder.conv(utf8), decoder.conv(encoded)
        if encode_error:
            refused.append(c)
        elif out != encoded or decode_error or back != utf8:
            conflicting.append(c)
    encoder.close()
    decoder.close()
    return refused, conflicting


def same_text_as_python(module, iconv_name, chars):
    """Whether iconv converts all of `chars` as one text exactly as Python does: stateful
    codecs must also switch between their character sets where Python does."""
    text = "".join(chars)
    encoded = text.encode(module)
    err, out, _ = Iconv(iconv_name, "UTF-8", outsize=4 * len(encoded) + 64).conv(text.encode("utf-8"))
    return not err and out == encoded


def iconv_name_for(module, aliases):
    """The first candidate that converts at least half the codec's printable repertoire
    as Python does and none otherwise, with the characters where they
    part; or (None, []). glibc's MACINTOSH cannot encode U+2206 and U+F8FF of mac_roman
    (and reads 0xC6 as U+0394); EUC-KR lacks Python's 8-byte make-up sequences for the
    Hangul syllables outside KS X 1001."""
    chars = [c for c in repertoire(module) if c.isprintable()]
    for name in [GLIBC_NAMES[module]] if module in GLIBC_NAMES else candidates(module, aliases):
        if chars and iconv_available(name):
            refused, conflicting = differences(module, name, chars)
            if len(refused) + len(conflicting) <= 0.5 * len(chars) and not conflicting \
                    and same_text_as_python(module, name, [c for c in chars if c not in refused + conflicting]):
                return name, refused + conflicting
    return None, []


def swift_strings(names):
    return "[" + ", ".join('"%s"' % name for name in names) + "]"


def main():
    rows, exact_aliases, left_out, report = [], [], [], {}
    found = {}
    # Python's own name for each exact codec, so that another module of the same codec
    # (iso8859_1 is latin_1) is taken as an alias of it.
    exact_codecs = {codecs.lookup(module).name: module for module in EXACT}
    for module in text_codecs():
        aliases = python_aliases(module)
        same = exact_codecs.get(codecs.lookup(module).name)
        if same:
            exact_aliases += [(alias, same) for alias in aliases + ([module] if module != same else [])]
            continue
        if module in BYTE_ORDER_MARKED:
            continue
        name, differing = iconv_name_for(module, aliases)
        if name is None:
            left_out.append(module)
            continue
        found[module] = name
        report[module] = {"iconv": name, "differs": "".join(sorted(differing))}
        rows.append('    TextEncoding(name: "%s", aliases: %s, method: .iconv("%s")),' % (module, swift_strings(aliases), name))
    for module, (little, big) in sorted(BYTE_ORDER_MARKED.items()):
        # Python's own rule, checked rather than assumed: a mark, then little-endian units.
        assert "hi".encode(module) == "\ufeffhi".encode(little), module
        if little not in found or big not in found:
            left_out.append(module)
            continue
        rows.append('    TextEncoding(name: "%s", aliases: %s, method: .byteOrderMarked(littleEndian: "%s", bigEndian: "%s")),'
                    % (module, swift_strings(python_aliases(module)), found[little], found[big]))
    with open(TARGET, "w", encoding="utf-8", newline="\n") as file:
        file.write("// Generated by Fixtures/encodings/generate_codec_names.py from Python %d.%d's codecs and\n"
                   "// this machine's glibc iconv. Do not edit by hand.\n\n" % sys.version_info[:2])
        file.write("/// Python's codecs outside the exact table whose codec iconv also has (the same bytes\n"
                   "/// both ways over the codec's repertoire), by Python's module name, with Python's aliases.\n")
        file.write("let generatedPythonCodecs: [TextEncoding] = [\n%s\n]\n\n" % "\n".join(rows))
        file.write("/// Python's aliases of the exact table's codecs: alias -> Python's module name.\n")
        file.write("let generatedExactCodecAliases: [String: String] = [\n%s\n]\n"
                   % "\n".join('    "%s": "%s",' % pair for pair in sorted(set(exact_aliases))))
    with open(REPORT, "w", encoding="utf-8", newline="\n") as file:
        json.dump(report, file, ensure_ascii=False, indent=1, sort_keys=True)
        file.write("\n")
    print("%d codecs with an iconv twin, %d aliases of exact codecs; left out: %s"
          % (len(rows), len(set(exact_aliases)), ", ".join(left_out)))


if __name__ == "__main__":
    main()
