#!/usr/bin/env python3
"""Reads letter ping's JSON summaries back with json.loads and checks every field against
what Python computes from the same round trips (the functions of generate.py).

stdin, one case a line, tab-separated:
  rtts (us, comma-separated, in order of arrival; empty for none)  seqs  transmitted
  duplicates  late  unmatched  mismatched  errors  elapsed-ns  the JSON line letter wrote
Prints `ok N` and exits 0, or names each difference and exits 1.
"""
import json
import math
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from generate import iputils_figures, loss_text, nearest_rank, reordered, rfc3550_jitter  # noqa: E402

KEYS = ["summary", "sent", "received", "duplicates", "late", "unmatched", "mismatched", "errors", "loss_pct",
        "time_ms", "rtt_min_ms", "rtt_avg_ms", "rtt_max_ms", "rtt_mdev_ms", "rtt_p50_ms", "rtt_p90_ms", "rtt_p99_ms",
        "rtt_p999_ms", "jitter_ms", "reordered"]


def expected(rtts, seqs, counts, ns):
    transmitted, duplicates, late, unmatched, mismatched, errors = counts
    result = {"summary": True, "sent": transmitted, "received": len(rtts), "duplicates": duplicates, "late": late,
              "unmatched": unmatched, "mismatched": mismatched, "errors": errors,
              "loss_pct": float(loss_text(transmitted, len(rtts))) if transmitted else None,
              "time_ms": 1000 * (ns // 10**9) + (ns % 10**9 + 500000) // 1000000}
    names = ["rtt_min_ms", "rtt_avg_ms", "rtt_max_ms", "rtt_mdev_ms", "rtt_p50_ms", "rtt_p90_ms", "rtt_p99_ms",
             "rtt_p999_ms", "jitter_ms"]
    if rtts:
        values = list(iputils_figures(rtts)) + [nearest_rank(rtts, p) for p in ("50", "90", "99", "99.9")]
        values.append(math.floor(rfc3550_jitter(rtts) + 0.5))
        result.update({name: value / 1000 for name, value in zip(names, values)})
    else:
        result.update({name: None for name in names})
    result["reordered"] = reordered(seqs)
    return result


def main():
    failures = 0
    count = 0
    for line in sys.stdin:
        fields = line.rstrip("\n").split("\t")
        rtts = [int(v) for v in fields[0].split(",") if v]
        seqs = [int(v) for v in fields[1].split(",") if v]
        counts = [int(v) for v in fields[2:8]]
        got = json.loads(fields[9])
        want = expected(rtts, seqs, counts, int(fields[8]))
        keys = KEYS + (["rtt_percentiles_exact"] if got.get("rtt_percentiles_exact") is False else [])
        problems = []
        if list(got) != keys:
            problems.append(f"keys {list(got)}")
        for key, value in want.items():
            if key.startswith("rtt_p") and got.get("rtt_percentiles_exact") is False:
                # Estimated past the exact capacity: within 1 %.
                if not abs(got[key] - value) <= value / 100:
                    problems.append(f"{key} {got[key]} not within 1% of {value}")
            elif got.get(key) != value or isinstance(got.get(key), bool) != isinstance(value, bool):
                problems.append(f"{key} {got.get(key)!r} != {value!r}")
        if problems:
            failures += 1
            print(f"case {count + 1}: " + "; ".join(problems))
        count += 1
    if failures or count == 0:
        sys.exit(1)
    print(f"ok {count}")


if __name__ == "__main__":
    main()
