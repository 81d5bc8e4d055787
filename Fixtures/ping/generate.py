#!/usr/bin/env python3
"""Writes what `letter ping`'s statistics must be, computed by Python from first principles.

Run: python3 Fixtures/ping/generate.py   (seeded: the same files every time)

Files (tab-separated, one case a line):
  latency.tsv  name  rtts  seqs  min avg max mdev  p50,p90,p99,p99.9  jitter  jitter-us  reordered
               buckets  rtt-line  percentile-line
      rtts: round trips in microseconds, in order of arrival; seqs: the seq each answered.
      min/avg/max/mdev: integer microseconds, as iputils' ping_common.c finish() computes
      them (tsum and tsum2 are C doubles; avg and the variance truncated to integers; mdev
      iputils' llsqrt of the variance, which is not always the floor: llsqrt(15) is 4);
      checked against a compiled C program doing that arithmetic when cc is there.
      p50..p99.9: nearest rank, rank = ceil(p/100 * n), with exact fractions.
      jitter: RFC 3550 A.8's estimate, J += (1/16) * (|D| - J), D the difference of
      consecutive round trips, as repr() of the double; jitter-us: it rounded to microseconds.
      reordered: replies that came after the reply to a later seq.
      buckets: index:low:high:count for each non-empty bucket; bucket 0 holds 0 us, bucket
      k + 1 the round trips v with 2^(k/4) <= v < 2^((k+1)/4) us, i.e. k = bitlength(v^4) - 1;
      low and high are the integer microseconds the bucket starts at and stops before.
      rtt-line, percentile-line: those figures written with Python's '%d.%03d' (as ping's C
      printf writes them).
  loss.tsv     transmitted  received  iputils' loss: printf("%g", (float)((tx - rx) * 100.0 / tx)),
               from Python's '%g' of the value rounded to a C float (struct 'f'); checked against
               numpy.float32 when numpy is there and against a compiled C printf when cc is.
  elapsed.tsv  nanoseconds  iputils' time: 1000 * tv_sec + (tv_nsec + 500000) / 1000000
  packet_lines.tsv  transmitted received duplicates late unmatched mismatched errors nanoseconds  line
               the line as iputils' finish() printf()s it, with letter's + parts in the SPEC's order
  reply_lines.tsv  bytes address seq nanoseconds kind  line
               ping(8)'s reply line as the SPEC shapes it, the time to the microsecond ('-' for none)
  printf_g.tsv  double (float.hex())  Python's '%g' of it, checked against C's printf when cc is there
"""
import math
import os
import random
import shutil
import struct
import subprocess
import sys
import tempfile
from fractions import Fraction

HERE = os.path.dirname(os.path.abspath(__file__))
rng = random.Random(20260521)
INT_MAX = 2**31 - 1
MAX_US = 2**32 - 1  # what letter keeps a round trip in (UInt32 microseconds)


def write(name, rows):
    with open(os.path.join(HERE, name), "w", encoding="utf-8", newline="\n") as file:
        for row in rows:
            file.write("\t".join(str(field) for field in row) + "\n")


def iputils_figures(rtts):
    """min/avg/max/mdev the way iputils ping_common.c finish() computes them."""
    tsum = 0.0
    tsum2 = 0.0
    for t in rtts:
        tsum += float(t)
        tsum2 += float(t * t)
    total = len(rtts)
    tmavg = int(tsum / total)  # C: long tmavg = tsum / total (truncation)
    if tsum < INT_MAX:
        tmvar = int((tsum2 - ((tsum * tsum) / total)) / total)
    else:
        tmvar = int((tsum2 / total) - float(tmavg * tmavg))
    return min(rtts), tmavg, max(rtts), llsqrt(tmvar)


def llsqrt(a):
    """iputils' llsqrt: Newton's method from above, returning the last step taken, which
    for a = k*k - 1 is k rather than the floor."""
    previous, x = 2**63 - 1, a
    if x > 0:
        while x < previous:
            previous, x = x, (x + a // x) // 2
    return x


def nearest_rank(rtts, percent):
    ordered = sorted(rtts)
    rank = math.ceil(Fraction(percent) / 100 * len(ordered))
    return ordered[rank - 1]


def rfc3550_jitter(rtts):
    jitter = 0.0
    for previous, current in zip(rtts, rtts[1:]):
        d = abs(current - previous)
        jitter += (1.0 / 16.0) * (float(d) - jitter)
    return jitter


def reordered(seqs):
    count, highest = 0, 0
    for seq in seqs:
        if seq < highest:
            count += 1
        highest = max(highest, seq)
    return count


def bucket_index(v):
    return 0 if v == 0 else (v**4).bit_length()


def bucket_low(index):
    """The smallest integer v in bucket `index`: 0, else the ceiling of 2^((index-1)/4)."""
    if index == 0:
        return 0
    k = index - 1
    v = math.isqrt(math.isqrt(2**k))
    while v**4 < 2**k:
        v += 1
    return v


def buckets(rtts):
    counts = {}
    for v in rtts:
        counts[bucket_index(v)] = counts.get(bucket_index(v), 0) + 1
    parts = []
    for index in sorted(counts):
        low, high = bucket_low(index), bucket_low(index + 1)
        assert all(low <= v < high for v in rtts if bucket_index(v) == index)
        parts.append(f"{index}:{low}:{high}:{counts[index]}")
    assert sum(counts.values()) == len(rtts)
    return ",".join(parts)


def ms(us):
    return "%d.%03d" % divmod(us, 1000)


def arrival_seqs(n):
    """Seqs 1...n in order of arrival, with a few replies overtaken by later ones."""
    seqs = list(range(1, n + 1))
    for _ in range(n // 10):
        i = rng.randrange(n)
        j = min(n - 1, i + rng.randint(1, 5))
        seqs[i], seqs[j] = seqs[j], seqs[i]
    return seqs


def latency_cases():
    cases = [
        ("one", [215]),
        ("two", [300, 100]),
        ("equal", [42] * 7),
        ("zeros", [0, 0, 1, 0, 3, 2]),
        # A variance of 8: llsqrt gives 3 where the floor of the root is 2.
        ("llsqrt-up", [100, 100, 106]),
        ("ties", [rng.choice([100, 100, 150, 200, 200]) for _ in range(20)]),
        ("ten", [rng.randint(50, 500) for _ in range(10)]),
        ("uniform-1000", [rng.randint(1, 5000) for _ in range(1000)]),
        ("lognormal-1000", [int(rng.lognormvariate(math.log(200), 0.5)) for _ in range(1000)]),
        ("pareto-1000", [min(MAX_US, int(50 * rng.paretovariate(1.1))) for _ in range(1000)]),
        # tsum past INT_MAX: iputils' other order of computing the variance.
        ("slow-3000", [max(0, int(rng.gauss(1_000_000, 200_000))) for _ in range(3000)]),
        ("near-limit", [MAX_US, MAX_US - 1, MAX_US, 1]),
    ]
    check_figures_with_c(cases)
    rows = []
    for name, rtts in cases:
        seqs = arrival_seqs(len(rtts))
        low, avg, high, mdev = iputils_figures(rtts)
        percentiles = [nearest_rank(rtts, p) for p in ("50", "90", "99", "99.9")]
        jitter = rfc3550_jitter(rtts)
        jitter_us = math.floor(jitter + 0.5)
        rtt_line = "rtt min/avg/max/mdev = %s/%s/%s/%s ms" % (ms(low), ms(avg), ms(high), ms(mdev))
        percentile_line = "rtt p50/p90/p99/p99.9 = %s ms, jitter %s ms" % ("/".join(ms(p) for p in percentiles),
                                                                          ms(jitter_us))
        rows.append([name, ",".join(map(str, rtts)), ",".join(map(str, seqs)), low, avg, high, mdev,
                     ",".join(map(str, percentiles)), repr(jitter), jitter_us, reordered(seqs), buckets(rtts),
                     rtt_line, percentile_line])
    return rows


def loss_pairs():
    pairs = [(tx, rx) for tx in range(1, 101) for rx in range(tx + 1)]
    for tx in [997, 1000, 1024, 3000, 65536, 10**6, 10**7, 123456789, 10**9, 2**32, 10**12, 2**53 - 1]:
        pairs += [(tx, rx) for rx in sorted({0, 1, tx // 7, tx // 3, tx // 2, tx - 1, tx})]
    return pairs


def as_c_float(value):
    return struct.unpack("<f", struct.pack("<f", value))[0]


def loss_text(tx, rx):
    return "%g" % as_c_float(float(tx - rx) * 100.0 / float(tx))


C_LOSS = r"""
#include <stdio.h>
int main(void) {
    long long tx, rx;
    while (scanf("%lld %lld", &tx, &rx) == 2)
        printf("%g\n", (float)((((long long)(tx - rx)) * 100.0) / tx));
    return 0;
}
"""


C_FINISH = r"""
#include <limits.h>
#include <stdio.h>
static long long square_root(long long a) {
    long long previous = LLONG_MAX, x = a;
    if (x > 0)
        while (x < previous) { previous = x; x = (x + a / x) / 2; }
    return x;
}
int main(void) {
    long n;
    while (scanf("%ld", &n) == 1) {
        double tsum = 0, tsum2 = 0;
        long tmin = LONG_MAX, tmax = 0;
        for (long i = 0; i < n; i++) {
            long t;
            if (scanf("%ld", &t) != 1) return 1;
            tsum += t;
            tsum2 += (double)((long long)t * (long long)t);
            if (t < tmin) tmin = t;
            if (t > tmax) tmax = t;
        }
        long tmavg = tsum / n;
        long long tmvar = tsum < INT_MAX ? (tsum2 - ((tsum * tsum) / n)) / n
                                         : (tsum2 / n) - (tmavg * tmavg);
        printf("%ld %ld %ld %lld\n", tmin, tmavg, tmax, square_root(tmvar));
    }
    return 0;
}
"""


def compile_c(source_text, directory):
    """A C program built from `source_text`, or None when there is no cc."""
    compiler = shutil.which("cc")
    if compiler is None:
        return None
    source, program = os.path.join(directory, "oracle.c"), os.path.join(directory, "oracle")
    with open(source, "w") as file:
        file.write(source_text)
    subprocess.run([compiler, "-O1", "-o", program, source], check=True)
    return program


def check_figures_with_c(cases):
    """iputils' arithmetic in C against iputils_figures, for the cases inside iputils'
    range: past 3,037 s (2^31.5 us) its long long square of a round trip overflows."""
    cases = [(name, rtts) for name, rtts in cases if max(rtts) ** 2 <= 2**63 - 1]
    with tempfile.TemporaryDirectory() as directory:
        program = compile_c(C_FINISH, directory)
        if program is None:
            print("no cc: min/avg/max/mdev not checked against C", file=sys.stderr)
            return
        stdin = "".join(f"{len(rtts)} {' '.join(map(str, rtts))}\n" for _, rtts in cases)
        output = subprocess.run([program], input=stdin, capture_output=True, text=True, check=True).stdout
    expected = [" ".join(map(str, iputils_figures(rtts))) for _, rtts in cases]
    assert output.splitlines() == expected, (output.splitlines(), expected)


def check_loss_with_numpy_and_c(pairs, texts):
    try:
        import numpy
    except ImportError:
        print("numpy not importable: loss checked against struct only", file=sys.stderr)
    else:
        for (tx, rx), text in zip(pairs, texts):
            assert "%g" % numpy.float32(float(tx - rx) * 100.0 / float(tx)) == text, (tx, rx)
    with tempfile.TemporaryDirectory() as directory:
        program = compile_c(C_LOSS, directory)
        if program is None:
            print("no cc: loss not checked against C's printf", file=sys.stderr)
            return
        output = subprocess.run([program], input="".join(f"{tx} {rx}\n" for tx, rx in pairs),
                                capture_output=True, text=True, check=True).stdout.splitlines()
    assert output == texts, [(p, c, t) for p, c, t in zip(pairs, output, texts) if c != t][:5]


def elapsed_rows():
    values = [0, 1, 499_999, 500_000, 999_999, 1_000_000, 404_499_999, 404_500_000, 999_999_999,
              1_999_500_000, 2**63 // 1000]
    values += [rng.randrange(10**13) for _ in range(50)]
    return [[ns, 1000 * (ns // 10**9) + (ns % 10**9 + 500_000) // 1_000_000] for ns in values]


def packet_rows():
    rows = []
    for _ in range(200):
        tx = rng.choice([0, 1, 3, 7, 10, 1000, rng.randrange(1, 10**7)])
        rx = rng.randint(0, tx)
        extras = [rng.choice([0, 0, 1, rng.randrange(10**6)]) for _ in range(5)]
        ns = rng.randrange(10**12)
        line = "%ld packets transmitted, " % tx + "%ld received" % rx
        for count, name in zip(extras, ["duplicates", "late", "unmatched", "mismatched", "errors"]):
            if count:
                line += ", +%ld %s" % (count, name)
        if tx:
            line += ", %s%% packet loss" % loss_text(tx, rx)
            line += ", time %ldms" % (1000 * (ns // 10**9) + (ns % 10**9 + 500000) // 1000000)
        rows.append([tx, rx, *extras, ns, line])
    return rows


def reply_rows():
    addresses = [repr(("127.0.0.1", 9000)), repr(("::1", 9000, 0, 0)), repr("/run/app.sock"), "None"]
    notes = {"matched": "", "duplicate": " (DUP!)", "late": " (late)", "unmatched": " (unmatched)",
             "mismatch": " (mismatch)"}
    rows = []
    for _ in range(100):
        size, address, kind = rng.randrange(70000), rng.choice(addresses), rng.choice(list(notes))
        seq = rng.randrange(1, 10**6) if kind != "unmatched" or rng.random() < 0.5 else None
        ns = rng.choice([rng.randrange(2000), rng.randrange(10**9), rng.randrange(10**13)]) if seq else None
        line = "%d bytes from %s:" % (size, address)
        if seq is not None:
            line += " seq=%d" % seq
        if ns is not None:
            line += " time=%ld.%03ld ms" % divmod(min(MAX_US, (ns + 500) // 1000), 1000)
        rows.append([size, address, "-" if seq is None else seq, "-" if ns is None else ns, kind, line + notes[kind]])
    return rows


C_PRINTF_G = r"""
#include <stdio.h>
#include <stdlib.h>
int main(void) {
    char text[64];
    while (scanf("%63s", text) == 1)
        printf("%g\n", strtod(text, NULL));
    return 0;
}
"""


def printf_g_rows():
    values = [0.0, -0.0, 1.0, 0.5, 2.5, 100.0, 1e-4, 1e-5, 9.99995e-5, 123456.5, 1234565.0, 999999.5, 999999.4,
              99999.95, 0.000123456789, 1e100, 1e-300, 5e-324, 1.7976931348623157e308, -33.333333, 2**53 + 0.0]
    for _ in range(300):
        values.append(rng.choice([-1, 1]) * rng.random() * 10 ** rng.randint(-12, 12))
        values.append(round(rng.random() * 10 ** rng.randint(1, 8)) + 0.5)  # ties in the decimal expansion
    texts = ["%g" % value for value in values]
    with tempfile.TemporaryDirectory() as directory:
        program = compile_c(C_PRINTF_G, directory)
        if program is None:
            print("no cc: %g not checked against C's printf", file=sys.stderr)
        else:
            output = subprocess.run([program], input="".join(v.hex() + "\n" for v in values),
                                    capture_output=True, text=True, check=True).stdout.splitlines()
            assert output == texts, [(v, c, t) for v, c, t in zip(values, output, texts) if c != t][:5]
    return [[value.hex(), text] for value, text in zip(values, texts)]


def main():
    write("latency.tsv", latency_cases())
    pairs = loss_pairs()
    texts = [loss_text(tx, rx) for tx, rx in pairs]
    check_loss_with_numpy_and_c(pairs, texts)
    write("loss.tsv", [[tx, rx, text] for (tx, rx), text in zip(pairs, texts)])
    write("elapsed.tsv", elapsed_rows())
    write("packet_lines.tsv", packet_rows())
    write("reply_lines.tsv", reply_rows())
    write("printf_g.tsv", printf_g_rows())


if __name__ == "__main__":
    main()
