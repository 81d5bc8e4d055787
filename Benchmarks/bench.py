#!/usr/bin/env python3
"""Benchmarks for letter against C baselines and its peers (nc, socat, python3).

Each case runs all of its contenders once per round, in an order that rotates
from round to round, and reports the median over the rounds. All traffic stays
on 127.0.0.1. Benchmarks/README.md says what each case measures and how to
read the table; `python3 Benchmarks/bench.py --help` lists the options.
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import platform
import pty
import random
import re
import shlex
import shutil
import signal
import socket
import statistics
import struct
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, Iterator

BENCH_DIR = Path(__file__).resolve().parent
REPO = BENCH_DIR.parent
RESULTS = BENCH_DIR / "results"
HOST = "127.0.0.1"
# The Python peers run on Debian's interpreter: a pyenv shim, or the .pth files of another
# installation's site-packages, would add start-up that is not Python's own.
SYSTEM_PYTHON = "/usr/bin/python3"
PYTHON = SYSTEM_PYTHON if os.access(SYSTEM_PYTHON, os.X_OK) else sys.executable

# Commands the harness needs, each with the Debian package that brings it.
TOOLS = {"gcc": "gcc", "hyperfine": "hyperfine", "socat": "socat", "nc.openbsd": "netcat-openbsd",
         "tcpreplay": "tcpreplay", "sockperf": "sockperf"}

# The C baselines: program name, source, extra gcc flags.
C_PROGRAMS = [
    ("send_one_static", "send_one.c", ["-static"]),
    ("send_one", "send_one.c", []),
    ("send_lines", "send_lines.c", []),
    ("recv_print", "recv_print.c", []),
    ("recv_print_static", "recv_print.c", ["-static"]),
    ("blast", "blast.c", []),
    ("echo_server", "echo_server.c", []),
    ("ping_loop", "ping_loop.c", []),
    ("send_chunks", "send_chunks.c", []),
    ("relay", "relay.c", []),
    ("replay_mmsg", "replay_mmsg.c", []),
]
# The Swift floor: send_one.c's work in Swift, built static and stripped as letter is.
SWIFT_PROGRAMS = [("send_one_swift", "send_one.swift")]
SWIFTC = os.environ.get("SWIFTC", "swiftc")

CASES = {
    "a": "one-off send",
    "b": "stdin → datagrams",
    "c": "blast → listener",
    "d": "GBK vs UTF-8",
    "e": "listen RSS",
    "f": "start-up",
    "g": "views: --time, -f hex",
    "h": "unix socket → listener",
    "k": "file → --chunk datagrams",
    "p": "ping round trips",
    "q": "capture: listen -f pcap",
    "r": "blast → relay → receiver",
    "s": "ping vs sockperf",
    "t": "send --rate pacing",
    "y": "replay --fast",
    "z": "replay pacing",
}
LETTER_ONLY = ["d", "g", "q", "z"]  # cases that compare letter with itself

ASCII_LINE_BYTES = 60
FILLER = (b"abcdefghijklmnopqrstuvwxyz" * 3)[: ASCII_LINE_BYTES - 9]  # after "%08d "
POEM = "春眠不觉晓处处闻啼鸟夜来风雨声花落知多少"  # 20 characters: 60 B in UTF-8, 40 B in GBK

SETTLE = 0.5  # seconds without new output after which a listener counts as drained
POLL = 0.002  # seconds between looks at a listener's output
RSS_CHUNK = 10_000  # datagrams per blast in case e, each followed by a wait for the queue to drain
FAST_GAP_US = 5  # case y's capture, as recorded: 200,000 datagrams a second (--fast ignores it)
PACED_COUNT = 5_000  # case z: datagrams recorded PACED_GAP_US apart, a second in all
PACED_GAP_US = 200
PACED_TOLERANCE = 0.02  # cases z and t: replay keeps its recorded timing, and send its --rate, within 2 %
SEND_RATES = (20_000, 50_000, 100_000)  # case t: send --rate N
UNPACED_SHARE = 0.8  # case t: --rate keeps within 2 % for any N up to 80 % of the unpaced rate

PY_SEND_ONE = (
    "import socket; socket.socket(socket.AF_INET, socket.SOCK_DGRAM)"
    ".sendto(b'hello', ('127.0.0.1', {port}))"
)
PY_SEND_LINES = """\
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
addr = ('127.0.0.1', int(sys.argv[1]))
for line in sys.stdin.buffer:
    s.sendto(line.rstrip(b'\\n'), addr)
"""
# The Python tutorials' receive loop, plus a banner like letter's and a clean exit on SIGTERM (which flushes stdout).
PY_LOOP_LISTEN = """\
import signal, socket, sys
signal.signal(signal.SIGTERM, lambda *_: sys.exit())
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(('127.0.0.1', 0))
print('listening on', s.getsockname(), file=sys.stderr, flush=True)
while True:
    data, addr = s.recvfrom(65535)
    print(data.decode(), addr)
"""

BANNER = re.compile(rb"listening on \('[^']*', (\d+)")
# recv_print's last line; with -T, the kernel's receive times of its first and last datagram.
RECEIVED = re.compile(rb"received (\d+) datagrams(?:, first to last arrival ([\d.]+) s)?")
# blast and replay_mmsg say "(R/s)"; so does letter replay's summary, in which R may be written with
# digit groups or a fraction.
SEND_RATE = re.compile(rb"\(([\d.,]+)/s\)")
# letter replay's summary: how late its sends were against their deadlines.
LATENESS = re.compile(r"late by p50 ([\d.]+) (ns|µs|ms|s), p99 ([\d.]+) (ns|µs|ms|s), max ([\d.]+) (ns|µs|ms|s)")
MICROSECONDS = {"ns": 1e-3, "µs": 1.0, "ms": 1e3, "s": 1e6}
# letter ping's median round trip, from whichever summary this letter prints (case s).
HISTOGRAM_P50 = re.compile(r"rtt p50/p90/p99/p99\.9 = ([\d.]+)/")
RTT_AVG = re.compile(r"rtt min/avg/max/mdev = [\d.]+/([\d.]+)/")
# sockperf's report (its colours taken out first): one-way latencies in µs, and its own run time.
ANSI_COLOUR = re.compile(r"\x1b\[[0-9;]*m")
SOCKPERF_P50 = re.compile(r"percentile 50\.000 =\s*([\d.]+)")
SOCKPERF_AVG = re.compile(r"avg-latency=([\d.]+)")
SOCKPERF_VALID = re.compile(r"\[Valid Duration\] RunTime=([\d.]+) sec; SentMessages=\d+; ReceivedMessages=(\d+)")
TCPREPLAY_PPS = re.compile(rb"Rated: .*?([\d.]+) pps")


@dataclass(frozen=True)
class Sizes:
    rounds: int
    warmup: int  # hyperfine warm-up runs, case a
    runs: int  # hyperfine timed runs, case a
    lines: int  # stdin lines, cases b and d
    blast: int  # datagrams per blast, cases c and d
    rss_first: int  # datagrams at the first RSS reading, case e
    rss_total: int  # datagrams at the last RSS reading, case e
    starts: int  # listener starts per round, case f
    pings: int  # round trips per contender per round, case p
    file_bytes: int  # the file cut into datagrams, case k
    capture: int  # datagrams in the capture replayed, case y
    ping_pongs: int  # letter ping's round trips per round, case s
    sockperf_seconds: int  # sockperf ping-pong's --time, case s
    paced_seconds: float  # how long each send --rate N lasts, case t


FULL = Sizes(rounds=5, warmup=20, runs=200, lines=1_000_000, blast=200_000, rss_first=100_000, rss_total=1_000_000,
             starts=100, pings=1000, file_bytes=100_000_000, capture=200_000, ping_pongs=20_000, sockperf_seconds=2,
             paced_seconds=2)
QUICK = Sizes(rounds=2, warmup=5, runs=30, lines=100_000, blast=50_000, rss_first=20_000, rss_total=200_000,
              starts=20, pings=200, file_bytes=10_000_000, capture=50_000, ping_pongs=2_000, sockperf_seconds=1,
              paced_seconds=0.5)


class BenchError(Exception):
    pass


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# ---------------------------------------------------------------- processes


class Processes:
    """Every long-lived process the harness starts; each is ended by its PID."""

    def __init__(self) -> None:
        self._running: list[subprocess.Popen] = []

    def start(self, argv: list[str], **options) -> subprocess.Popen:
        process = subprocess.Popen(argv, **options)
        self._running.append(process)
        return process

    def stop(self, process: subprocess.Popen, grace: float = 3.0) -> None:
        """SIGTERM, then SIGKILL if it is still there after `grace` seconds; stopping twice is harmless."""
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(grace)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(grace)
        if process in self._running:
            self._running.remove(process)

    def stop_all(self) -> None:
        for process in list(self._running):
            self.stop(process)


def run(argv: list[str], timeout: float, stdin=None, stdout=subprocess.PIPE) -> subprocess.CompletedProcess:
    """A short-lived command that must succeed; subprocess.run kills it if the timeout passes."""
    done = subprocess.run(argv, timeout=timeout, stdin=stdin, stdout=stdout, stderr=subprocess.PIPE)
    if done.returncode != 0:
        raise BenchError(f"{shlex.join(argv)} exited {done.returncode}: {done.stderr.decode(errors='replace').strip()}")
    return done


def ensure_tools() -> None:
    """apt-get installs the packages of the tools that are missing, and nothing else."""
    missing = sorted({package for command, package in TOOLS.items() if shutil.which(command) is None})
    if not missing:
        return
    log(f"installing {' '.join(missing)} with apt-get")
    install = ["apt-get", "install", "-y", *missing]
    environment = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    if subprocess.run(install, env=environment, timeout=900).returncode != 0:
        subprocess.run(["apt-get", "update"], env=environment, timeout=900, check=True)
        subprocess.run(install, env=environment, timeout=900, check=True)


# ---------------------------------------------------------------- sockets


def free_port() -> int:
    """A UDP port on 127.0.0.1 that was free a moment ago, for tools that cannot bind port 0 and say which."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


@dataclass(frozen=True)
class SocketState:
    queued: int  # bytes waiting in the receive queue
    drops: int  # datagrams the kernel dropped for a full receive buffer


def udp_socket(port: int) -> SocketState | None:
    """The state of the IPv4 UDP socket bound to `port`, from /proc/net/udp."""
    for line in Path("/proc/net/udp").read_text().splitlines()[1:]:
        fields = line.split()
        if int(fields[1].split(":")[1], 16) == port:
            return SocketState(queued=int(fields[4].split(":")[1], 16), drops=int(fields[-1]))
    return None


@contextmanager
def unread_port() -> Iterator[int]:
    """A UDP port on 127.0.0.1, bound while the block runs and never read: what a probe sends there waits in
    the socket's queue, and no "port unreachable" comes back to the sender."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sink:
        sink.bind((HOST, 0))
        yield sink.getsockname()[1]


# A unix datagram socket drops nothing: its senders wait while its queue is full. (Nor does
# /proc show its queue: case e, which waits for queues to drain, is UDP only.)
UNIX_SOCKET = SocketState(queued=0, drops=0)


def listening_socket(process: subprocess.Popen, address: int | Path, name: str) -> SocketState:
    """The state of a listener's socket (a UDP port or a unix socket path); an error if the listener has gone."""
    state = udp_socket(address) if isinstance(address, int) else UNIX_SOCKET if address.is_socket() else None
    if state is None or process.poll() is not None:
        raise BenchError(f"{name} has gone (exit status {process.poll()})")
    return state


def wait_until(condition: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise BenchError(f"timed out after {timeout:g} s waiting for {what}")
        time.sleep(POLL)


def vm_hwm(pid: int) -> int:
    """Peak resident set size of a process, in bytes."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    raise BenchError(f"no VmHWM for PID {pid}")


# ---------------------------------------------------------------- captures

PCAP_MAGIC_US = 0xA1B2C3D4  # classic pcap, microsecond times, written in this host's byte order
LINKTYPE_ETHERNET = 1
LINKTYPE_RAW = 101
RECORDED_AT = 1_767_225_600  # 2026-01-01 00:00 UTC, the first record's time
RECORDED_FROM = (HOST, 50000)
RECORDED_TO = (HOST, 9)  # the discard port: the harness always replays with --to


def ip_checksum(header: bytes) -> int:
    """RFC 1071: the ones' complement of the ones' complement sum of the header's 16-bit words."""
    total = sum(struct.unpack(f"!{len(header) // 2}H", header))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return ~total & 0xFFFF


@functools.cache
def udp_over_ipv4(payload_size: int) -> bytes:
    """The IPv4 header (no options, DF, TTL 64) and UDP header of a datagram of payload_size bytes from
    RECORDED_FROM to RECORDED_TO. The UDP checksum is 0, which over IPv4 means "none computed" (RFC 768)."""
    total = 20 + 8 + payload_size
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, total, 0, 0x4000, 64, socket.IPPROTO_UDP, 0,
                     socket.inet_aton(RECORDED_FROM[0]), socket.inet_aton(RECORDED_TO[0]))
    ip = ip[:10] + struct.pack("!H", ip_checksum(ip)) + ip[12:]
    return ip + struct.pack("!HHHH", RECORDED_FROM[1], RECORDED_TO[1], 8 + payload_size, 0)


def write_pcap(path: Path, payloads: list[bytes], gap_us: int, ethernet: bool = False) -> Path:
    """A classic pcap of IPv4/UDP datagrams recorded gap_us apart: raw IP (link type 101), or with
    `ethernet` Ethernet frames (1) with the all-zero addresses of lo, for tcpreplay."""
    link_header = bytes(12) + struct.pack("!H", 0x0800) if ethernet else b""
    records = [struct.pack("=IHHiIII", PCAP_MAGIC_US, 2, 4, 0, 0, 262144,
                           LINKTYPE_ETHERNET if ethernet else LINKTYPE_RAW)]
    for index, payload in enumerate(payloads):
        size = len(link_header) + 28 + len(payload)
        at = index * gap_us
        records.append(struct.pack("=IIII", RECORDED_AT + at // 1_000_000, at % 1_000_000, size, size))
        records += (link_header, udp_over_ipv4(len(payload)), payload)
    path.write_bytes(b"".join(records))
    return path


def pcap_records(path: Path) -> int:
    """The whole records of a classic pcap file (a 24-byte header, then per record a 16-byte header and
    incl_len bytes), in either byte order and time resolution; a record the file ends inside is not counted."""
    data = path.read_bytes()
    if not data:
        return 0
    # The magic as written in the file: microsecond or nanosecond, big- or little-endian.
    order = {b"\xa1\xb2\xc3\xd4": ">", b"\xa1\xb2\x3c\x4d": ">",
             b"\xd4\xc3\xb2\xa1": "<", b"\x4d\x3c\xb2\xa1": "<"}.get(data[:4])
    if order is None:
        raise BenchError(f"{path.name} is not a classic pcap: it starts {data[:4].hex()}")
    records, offset = 0, 24
    while offset + 16 <= len(data):
        offset += 16 + struct.unpack_from(order + "I", data, offset + 8)[0]
        if offset > len(data):
            break
        records += 1
    return records


# ---------------------------------------------------------------- outputs


class FileOutput:
    """A listener's stdout going to a file."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.stdout = path.open("wb")

    def started(self) -> None:
        """The listener has its own copy of stdout now."""
        self.stdout.close()

    def size(self) -> int:
        return self.path.stat().st_size

    def lines(self) -> int:
        with self.path.open("rb") as file:
            return sum(chunk.count(b"\n") for chunk in iter(lambda: file.read(1 << 20), b""))

    def finish(self) -> None:
        self.stdout.close()
        self.path.unlink(missing_ok=True)


class TerminalOutput:
    """A listener's stdout going to a pseudo-terminal, as when run in one; a thread reads the other side."""

    def __init__(self) -> None:
        self.master, self.stdout = pty.openpty()
        self.stdout_open = True
        self.read_bytes = 0
        self.newlines = 0
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        while True:
            try:
                chunk = os.read(self.master, 1 << 16)
            except OSError:  # EIO: the listener has closed its side
                return
            if not chunk:
                return
            self.newlines += chunk.count(b"\n")
            self.read_bytes += len(chunk)

    def started(self) -> None:
        """The listener has its own copy of the terminal now; once it exits, reads end with EIO."""
        os.close(self.stdout)
        self.stdout_open = False

    def size(self) -> int:
        return self.read_bytes

    def lines(self) -> int:
        self.reader.join(10)
        return self.newlines

    def finish(self) -> None:
        if self.stdout_open:
            os.close(self.stdout)
        self.reader.join(10)
        os.close(self.master)


# ---------------------------------------------------------------- contenders


@dataclass(frozen=True)
class Sender:
    name: str
    argv: Callable[[int], list[str]]  # given the receiver's port
    stdin: Path | None = None  # case a: the message comes on stdin


# How many datagrams of `size` bytes a listener's output holds, by what it prints for each.
def printed_lines(output: FileOutput | TerminalOutput, _size: int) -> int:
    return output.lines()


def payload_bytes(output: FileOutput | TerminalOutput, size: int) -> int:
    """Payloads only, nothing between them (nc, socat)."""
    return output.size() // size


def hexdump_records(output: FileOutput | TerminalOutput, size: int) -> int:
    """-f hex: a header, then a line per 16 bytes."""
    return output.lines() // (1 + -(-size // 16))


def capture_records(output: FileOutput, _size: int) -> int:
    """-f pcap: a record each."""
    return pcap_records(output.path)


@dataclass(frozen=True)
class Listener:
    name: str
    # Given 0 when it announces its port, else a free port picked for it; with `unix`, the socket path
    # (a relay: and its target's port).
    argv: Callable[..., list[str]]
    announces: bool = True  # says "listening on ('127.0.0.1', PORT)" on stderr
    terminal: bool = False  # stdout is a pseudo-terminal instead of a file
    unix: bool = False  # binds a unix datagram socket at the path it is given, not a UDP port
    received: Callable[..., int] = printed_lines  # the datagrams of so many bytes in its output


@dataclass(frozen=True)
class BlastRun:
    rate: float  # datagrams printed per second, from the blast's start to the last output
    loss: float  # % of the blast not printed
    drops: int  # datagrams the kernel dropped for the listener's full receive buffer
    send_rate: float | None  # the sender's own datagrams per second, when it says (blast always does)


def said_rate(said: bytes) -> float | None:
    """The "(R/s)" a sender says on stderr."""
    found = SEND_RATE.search(said)
    return float(found[1].replace(b",", b"")) if found else None


def settle(blaster: subprocess.Popen, output, start: float, name: str) -> tuple[float, bytes]:
    """Waits until the blast is over and `output` has not grown for SETTLE seconds; returns
    when it last grew and what blast said (its rate)."""
    size, last_output = 0, start
    while True:
        now = time.perf_counter()
        if output.size() != size:
            size, last_output = output.size(), now
        # Drained: the blast is over and nothing more has come out for a while.
        if blaster.poll() is not None and now - last_output > SETTLE:
            break
        if now - start > 120:
            raise BenchError(f"{name} still printing after 120 s")
        time.sleep(POLL)
    _, blast_said = blaster.communicate()
    if blaster.returncode != 0:
        raise BenchError(f"{Path(blaster.args[0]).name} into {name} failed: {blast_said.decode(errors='replace')}")
    return last_output, blast_said


def numbered_lines(count: int) -> list[bytes]:
    """`count` distinct ASCII lines of ASCII_LINE_BYTES, without "\\n": a number, a space, letters."""
    return [b"%08d %s" % (i, FILLER) for i in range(count)]


def python_loop(_port: int) -> list[str]:
    """The Python tutorials' receive loop; it binds port 0 itself and announces the port."""
    return [PYTHON, "-c", PY_LOOP_LISTEN]


def histogram_p50(summary: str) -> float | None:
    found = HISTOGRAM_P50.search(summary)
    return float(found[1]) if found else None


def json_p50(summary: str) -> float | None:
    """rtt_p50_ms of the `"summary": true` object, the last line of ping -f json."""
    lines = summary.strip().splitlines()
    try:
        last = json.loads(lines[-1]) if lines else {}
    except ValueError:
        return None
    return last.get("rtt_p50_ms") if isinstance(last, dict) and last.get("summary") is True else None


def summary_average(summary: str) -> float | None:
    found = RTT_AVG.search(summary)
    return float(found[1]) if found else None


# How letter ping -q can give its median round trip (ms), best first: ping options, what the figure is, its parser.
PING_SUMMARIES = [
    (["--histogram"], "the median (the --histogram line's p50)", histogram_p50),
    (["-f", "json"], "the median (the json summary's rtt_p50_ms)", json_p50),
    ([], "the average (this letter's summary gives no median)", summary_average),
]


def rotated(items: list, round_index: int) -> list:
    shift = round_index % len(items)
    return items[shift:] + items[:shift]


@dataclass(frozen=True)
class Arrivals:
    received: int  # datagrams the C receiver got
    span: float | None  # with recv_print -T, seconds from the first arrival to the last (kernel receive times)
    wall: float  # the sender's seconds from spawn to exit
    said: str  # the sender's stderr

    def rate(self) -> float:
        """Datagrams per second where they arrived: the gaps between the first and the last over their span."""
        if not self.span:
            raise BenchError(f"{self.received} datagrams arrived: too few to time")
        return (self.received - 1) / self.span


@dataclass
class Row:
    case: str
    contender: str
    value: float | None  # None: this letter is built without the feature the row measures
    unit: str  # "s", "µs" (seconds shown in µs), "/s" or "B"
    samples: list[float]  # one per round
    ratio: float | None = None  # value ÷ the case's baseline; None for the baseline itself
    target: str = ""
    verdict: bool | None = None
    detail: str = ""


def rows_from_samples(case: str, unit: str, samples: dict[str, list[float]], base: str) -> list[Row]:
    base_value = statistics.median(samples[base])
    rows = []
    for name, values in samples.items():
        value = statistics.median(values)
        ratio = None if name == base else value / base_value
        rows.append(Row(case, name, value, unit, values, ratio))
    return rows


def shown(ratio: float) -> float:
    """A ratio as the table shows it, so that a verdict never contradicts the figure beside it."""
    return round(ratio, 2)


def set_target(row: Row, target: str, met: bool) -> None:
    row.target = target
    row.verdict = met


def blast_target(floor: float | None) -> str:
    """The target of a listener under a blast: no loss, and with a floor at least that ratio to the base."""
    return "0 loss" + (f", ≥ {floor}×" if floor else "")


def not_built(case: str, contender: str, target: str, refusal: str) -> Row:
    """The row of a letter that answers the case's command line with a usage error: built before the feature."""
    return Row(case, contender, None, "", [], target=target, detail=f"letter: not built yet ({refusal})")


# ---------------------------------------------------------------- the bench


class Bench:
    def __init__(self, sizes: Sizes, letter: Path | None, workdir: Path) -> None:
        self.sizes = sizes
        self.workdir = workdir
        (workdir / "bin").mkdir()
        self.letter = str(self.stage(letter, "letter")) if letter else None
        self.processes = Processes()
        self.bin = self._compile()
        self.files = self._make_inputs()

    def stage(self, program: Path, name: str) -> Path:
        """A copy of `program` written with plain write() calls, which every contender gets.

        How a file's pages came into the page cache changes how many page faults a process
        that runs it takes: written by write(), they are large folios that one fault maps
        whole; written through a linker's mmap (gold, which links letter and the Swift
        floor) or copied by copy_file_range (cp, install), 4 KiB pages. The same letter
        binary took 96 page faults as linked and 58 as written (send_one.swift's: 50 and
        33), which would make the ratios depend on the linker rather than the program."""
        staged = self.workdir / "bin" / name
        staged.write_bytes(program.read_bytes())
        staged.chmod(0o755)
        return staged

    def _compile(self) -> dict[str, str]:
        out = self.workdir / "build"
        out.mkdir()
        built = {}
        for name, source, flags in C_PROGRAMS:
            run(["gcc", "-O2", "-Wall", *flags, "-o", str(out / name), str(BENCH_DIR / source)], timeout=120)
            built[name] = str(self.stage(out / name, name))
        if shutil.which(SWIFTC):
            for name, source in SWIFT_PROGRAMS:
                run([SWIFTC, "-O", "-static-executable", "-Xlinker", "--strip-all", "-o", str(out / name),
                     str(BENCH_DIR / source)], timeout=600)
                built[name] = str(self.stage(out / name, name))
        else:
            log(f"bench: no {SWIFTC}: the Swift floor rows are left out")
        return built

    def _make_inputs(self) -> dict[str, Path]:
        poem_lines = [POEM[k:] + POEM[:k] for k in range(len(POEM))]
        count = self.sizes.lines
        contents = {
            "hello": b"hello",
            "ascii_lines": b"".join(line + b"\n" for line in numbered_lines(count)),
            "zh_lines": "".join(poem_lines[i % len(POEM)] + "\n" for i in range(count)).encode(),
            "ascii_payload": numbered_lines(1)[0] + b"\n",
            "zh_utf8_payload": (POEM + "\n").encode(),
            "zh_gbk_payload": (POEM + "\n").encode("gbk"),
        }
        files = {}
        for name, data in contents.items():
            files[name] = self.workdir / name
            files[name].write_bytes(data)
        return files

    def stderr_file(self) -> Path:
        handle, path = tempfile.mkstemp(dir=self.workdir, suffix=".stderr")
        os.close(handle)
        return Path(path)

    def start_listener(self, listener: Listener, stdout) -> tuple[subprocess.Popen, int | Path, Path]:
        """Starts a listener and waits until its socket is bound; returns it, its port (or socket path) and its
        stderr file."""
        port = 0 if listener.announces else free_port()
        path = self.workdir / "listener.sock"
        if listener.unix:
            path.unlink(missing_ok=True)  # left by a listener that was killed
        errors = self.stderr_file()
        with errors.open("wb") as stderr:
            process = self.processes.start(listener.argv(path if listener.unix else port), stdin=subprocess.DEVNULL,
                                           stdout=stdout, stderr=stderr)

        def bound() -> bool:
            nonlocal port
            if process.poll() is not None:
                raise BenchError(f"{listener.name} exited {process.returncode}: {errors.read_text(errors='replace')}")
            if listener.unix:
                return path.is_socket()
            if listener.announces:
                banner = BANNER.search(errors.read_bytes())
                port = int(banner[1]) if banner else 0
            return port != 0 and udp_socket(port) is not None

        try:
            wait_until(bound, 10, f"{listener.name} to listen")
        except BaseException:
            self.processes.stop(process)
            raise
        return process, path if listener.unix else port, errors

    def c_receiver(self, *options: str) -> Listener:
        return Listener("C recv_print", lambda port: [self.bin["recv_print"], *options, str(port)])

    # -------------------------------------------------------- case a

    def case_one_off(self) -> list[Row]:
        """Wall time of one process sending one datagram, by hyperfine."""
        sizes = self.sizes
        hello = self.files["hello"]
        senders = [
            Sender("C send_one (static)", lambda p: [self.bin["send_one_static"], HOST, str(p), "hello"]),
            Sender("C send_one (dynamic)", lambda p: [self.bin["send_one"], HOST, str(p), "hello"]),
            Sender("nc -u -w0 < hello", lambda p: ["nc.openbsd", "-u", "-w0", HOST, str(p)], stdin=hello),
            Sender("socat -u - UDP: < hello", lambda p: ["socat", "-u", "-", f"UDP:{HOST}:{p}"], stdin=hello),
            Sender("python3 -c sendto", lambda p: [PYTHON, "-c", PY_SEND_ONE.format(port=p)]),
        ]
        if "send_one_swift" in self.bin:
            senders.insert(1, Sender("Swift send_one (static)",
                                     lambda p: [self.bin["send_one_swift"], HOST, str(p), "hello"]))
        if self.letter:
            senders.insert(1, Sender("letter send", lambda p: [self.letter, "send", HOST, str(p), "hello"]))

        receiver, port, _ = self.start_listener(self.c_receiver(), subprocess.DEVNULL)
        try:
            samples = self.hyperfine_rounds("a", senders, port)
        finally:
            self.processes.stop(receiver)

        rows = rows_from_samples("a " + CASES["a"], "s", samples, "C send_one (static)")
        via_shell = {sender.name for sender in senders if sender.stdin}
        for row in rows:
            if row.contender in via_shell:
                row.detail = "stdin via sh, whose start-up hyperfine subtracts"
            if row.contender == "Swift send_one (static)":
                row.detail = "the Swift floor: send_one.c in Swift, argv as C strings, nothing else"
            if row.contender == "letter send":
                set_target(row, "≤ 1.5×", shown(row.ratio) <= 1.5)
        return rows

    def hyperfine_rounds(self, case: str, commands: list[Sender], port: int) -> dict[str, list[float]]:
        """Each command's hyperfine median, once per round, in rotating order."""
        sizes = self.sizes
        samples: dict[str, list[float]] = {command.name: [] for command in commands}
        export = self.workdir / "hyperfine.json"
        for round_index in range(sizes.rounds):
            for sender in rotated(commands, round_index):
                command = shlex.join(sender.argv(port))
                shell = ["-N"]
                if sender.stdin:
                    # hyperfine 1.15 gives commands /dev/null for stdin, so a message on stdin
                    # comes through sh, whose start-up hyperfine measures and subtracts.
                    command += " < " + shlex.quote(str(sender.stdin))
                    shell = ["--shell", "sh"]
                run(["hyperfine", *shell, "--style", "none", "--warmup", str(sizes.warmup),
                     "--runs", str(sizes.runs), "--export-json", str(export), command], timeout=600)
                samples[sender.name].append(json.loads(export.read_text())["results"][0]["median"])
            log(f"{case} round {round_index + 1}/{sizes.rounds}: " + ", ".join(
                f"{name} {values[-1] * 1e3:.2f} ms" for name, values in samples.items()))
        return samples

    # -------------------------------------------------------- case f

    def time_to_banner(self, listener: Listener) -> float:
        """Seconds from spawning a listener to its "listening on" line; it then gets its one datagram."""
        start = time.perf_counter()
        process = self.processes.start(listener.argv(0), stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                       stderr=subprocess.PIPE)
        try:
            said = b""
            while not (banner := BANNER.search(said)):
                chunk = os.read(process.stderr.fileno(), 4096)
                if not chunk:
                    raise BenchError(f"{listener.name} exited {process.wait(10)} before its banner: {said!r}")
                said += chunk
            elapsed = time.perf_counter() - start
            with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sender:
                sender.sendto(b"hello", (HOST, int(banner[1])))
            process.wait(10)  # -c 1: the datagram ends it
        finally:
            self.processes.stop(process)
            process.stderr.close()
        return elapsed

    def case_startup(self) -> list[Row]:
        """`--version` by hyperfine, and a listener's time from spawn to its banner."""
        version = [Sender("C send_one --version (static)", lambda _: [self.bin["send_one_static"], "--version"])]
        if "send_one_swift" in self.bin:
            version.append(Sender("Swift send_one --version (static)",
                                  lambda _: [self.bin["send_one_swift"], "--version"]))
        if self.letter:
            version.insert(1, Sender("letter --version", lambda _: [self.letter, "--version"]))
        rows = rows_from_samples(f"f {CASES['f']}: --version", "s", self.hyperfine_rounds("f", version, 0),
                                 "C send_one --version (static)")

        listeners = [Listener("C recv_print -c 1 (static)",
                              lambda port: [self.bin["recv_print_static"], "-c", "1", str(port)])]
        if self.letter:
            listeners.append(Listener("letter listen -c 1",
                                      lambda port: [self.letter, "listen", "-c", "1", HOST, str(port)]))
        samples: dict[str, list[float]] = {listener.name: [] for listener in listeners}
        for round_index in range(self.sizes.rounds):
            for listener in rotated(listeners, round_index):
                for _ in range(5):  # warm-up
                    self.time_to_banner(listener)
                samples[listener.name].append(
                    statistics.median(self.time_to_banner(listener) for _ in range(self.sizes.starts)))
            log(f"f round {round_index + 1}/{self.sizes.rounds}: " + ", ".join(
                f"{name} {values[-1] * 1e3:.2f} ms" for name, values in samples.items()))
        banner_rows = rows_from_samples(f"f {CASES['f']}: spawn → banner", "s", samples, "C recv_print -c 1 (static)")
        for row in banner_rows:
            row.detail = f"median of {self.sizes.starts} starts per round, timed from python3's spawn"
        return rows + banner_rows

    # -------------------------------------------------------- case p

    @contextmanager
    def echo_server(self, count: int) -> Iterator[int]:
        """A fresh C echo server that answers `count` requests, stopped when the block ends; its port."""
        server = self.processes.start([self.bin["echo_server"], "0", str(count)], stdin=subprocess.DEVNULL,
                                      stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        try:
            yield int(server.stdout.readline().split()[1])
        finally:
            self.processes.stop(server)
            server.stdout.close()

    def timed_pings(self, argv: Callable[[int], list[str]], count: int) -> tuple[subprocess.CompletedProcess, float]:
        """A pinger, `argv(port)`, run against a fresh C echo server for `count` requests; its wall time beside."""
        with self.echo_server(count) as port:
            start = time.perf_counter()
            done = run(argv(port), timeout=600)
            return done, time.perf_counter() - start

    def round_trips(self, argv, parse) -> list[float]:
        """The round trips (ms) one pinger, `argv(port)`, measured against a fresh C echo server."""
        done, _ = self.timed_pings(argv, self.sizes.pings)
        times = parse(done.stdout.decode())
        if len(times) != self.sizes.pings:
            raise BenchError(f"{done.args[0]}: {len(times)} of {self.sizes.pings} round trips: {done.stderr!r}")
        return times

    def case_ping(self) -> list[Row]:
        """Median round trip of `letter ping -i 0` against a C echo server, beside a C
        send-and-wait loop against the same server."""
        count = str(self.sizes.pings)
        pingers = {"C ping_loop": (lambda port: [self.bin["ping_loop"], HOST, str(port), count],
                                   lambda out: [float(line) for line in out.split()])}
        if self.letter:
            pingers["letter ping -i 0"] = (
                lambda port: [self.letter, "ping", "-f", "json", "-i", "0", "-c", count, HOST, str(port)],
                lambda out: [json.loads(line)["rtt_ms"] for line in out.splitlines() if '"rtt_ms"' in line])
        samples: dict[str, list[float]] = {name: [] for name in pingers}
        for round_index in range(self.sizes.rounds):
            for name in rotated(list(pingers), round_index):
                samples[name].append(statistics.median(self.round_trips(*pingers[name])) / 1e3)
            log(f"p round {round_index + 1}/{self.sizes.rounds}: " + ", ".join(
                f"{name} {values[-1] * 1e3:.3f} ms" for name, values in samples.items()))
        rows = rows_from_samples("p " + CASES["p"], "µs", samples, "C ping_loop")
        for row in rows:
            row.detail = (f"median of {self.sizes.pings:,} round trips per round, each from just before the send to the "
                          "kernel's receive time of the reply (SO_TIMESTAMPNS)")
            if row.contender.startswith("letter"):
                set_target(row, "≤ 1.2×", shown(row.ratio) <= 1.2)
        return rows

    # -------------------------------------------------------- case k

    def case_chunks(self) -> list[Row]:
        """A file cut into 1400-byte datagrams: `letter send --chunk 1400` beside a C
        sendto loop, both to a loopback port nobody reads (the send side alone)."""
        data = self.workdir / "file.bin"
        if not data.exists():
            data.write_bytes(random.Random(5).randbytes(self.sizes.file_bytes))
        port = free_port()
        senders = {"C send_chunks": [self.bin["send_chunks"], HOST, str(port), "1400", str(data)]}
        if self.letter:
            senders["letter send --chunk 1400"] = [self.letter, "send", "--chunk", "1400", HOST, str(port)]
        rates: dict[str, list[float]] = {name: [] for name in senders}
        datagrams = -(-self.sizes.file_bytes // 1400)
        for round_index in range(self.sizes.rounds):
            for name in rotated(list(senders), round_index):
                with data.open("rb") as stdin:
                    start = time.perf_counter()
                    run(senders[name], timeout=600, stdin=stdin if name.startswith("letter") else subprocess.DEVNULL,
                        stdout=subprocess.DEVNULL)
                    rates[name].append(datagrams / (time.perf_counter() - start))
            log(f"k round {round_index + 1}/{self.sizes.rounds}: " + ", ".join(
                f"{name} {values[-1]:,.0f}/s" for name, values in rates.items()))
        rows = rows_from_samples("k " + CASES["k"], "/s", rates, "C send_chunks")
        for row in rows:
            row.detail = f"{self.sizes.file_bytes / 1e6:.0f} MB in {datagrams:,} datagrams, start-up included"
            if row.contender.startswith("letter"):
                set_target(row, "≥ 0.9×", shown(row.ratio) >= 0.9)
        return rows

    # -------------------------------------------------------- case b (and d)

    def send_through(self, sender: Sender, lines: Path) -> tuple[float, int]:
        """Runs a stdin sender into a C receiver; returns its datagrams/s and how many arrived."""
        arrivals = self.received_by_c(sender.argv, self.sizes.lines, lines)
        return self.sizes.lines / arrivals.wall, arrivals.received

    def received_by_c(self, argv: Callable[[int], list[str]], expected: int, stdin: Path | None,
                      stamped: bool = False) -> Arrivals:
        """Runs a sender, `argv(port)`, to its end into a C receiver that waits for `expected` datagrams; with
        `stamped`, the receiver notes their first and last kernel receive times (recv_print -T)."""
        stamp = ["-T"] if stamped else []
        receiver, port, errors = self.start_listener(
            self.c_receiver(*stamp, "-c", str(expected), "-t", "2"), subprocess.DEVNULL)
        try:
            with stdin.open("rb") if stdin else open(os.devnull, "rb") as source:
                start = time.perf_counter()
                done = run(argv(port), timeout=600, stdin=source, stdout=subprocess.DEVNULL)
                wall = time.perf_counter() - start
            # The receiver leaves once all have come, or after 2 s without one.
            wait_until(lambda: receiver.poll() is not None, 30, "C recv_print to finish")
        finally:
            self.processes.stop(receiver)
        received = RECEIVED.search(errors.read_bytes())
        if not received:
            raise BenchError(f"C recv_print said nothing about what it received: {errors.read_text()}")
        return Arrivals(received=int(received[1]), span=float(received[2]) if received[2] else None, wall=wall,
                        said=done.stderr.decode(errors="replace"))

    def fewest(self) -> str:
        """Said after the fewest received in any round, when there were several."""
        return " (fewest)" if self.sizes.rounds > 1 else ""

    def send_rows(self, case: str, senders: list[Sender], lines: Path, base: str) -> list[Row]:
        rates: dict[str, list[float]] = {sender.name: [] for sender in senders}
        arrived: dict[str, list[int]] = {sender.name: [] for sender in senders}
        for round_index in range(self.sizes.rounds):
            for sender in rotated(senders, round_index):
                rate, received = self.send_through(sender, lines)
                rates[sender.name].append(rate)
                arrived[sender.name].append(received)
            log(f"{case[0]} round {round_index + 1}/{self.sizes.rounds}: " + ", ".join(
                f"{name} {values[-1]:,.0f}/s" for name, values in rates.items()))
        rows = rows_from_samples(case, "/s", rates, base)
        for row in rows:
            fewest = min(arrived[row.contender])
            row.detail = f"received {fewest:,} of {self.sizes.lines:,}{self.fewest()}"
        return rows

    def case_send_lines(self) -> list[Row]:
        senders = [
            Sender("C send_lines", lambda p: [self.bin["send_lines"], HOST, str(p)]),
            Sender("python3 sendto loop", lambda p: [PYTHON, "-c", PY_SEND_LINES, str(p)]),
        ]
        if self.letter:
            senders.insert(1, Sender("letter send", lambda p: [self.letter, "send", HOST, str(p)]))
        rows = self.send_rows("b " + CASES["b"], senders, self.files["ascii_lines"], "C send_lines")
        for row in rows:
            if row.contender == "letter send":
                set_target(row, "≥ 0.9×", shown(row.ratio) >= 0.9)
        return rows

    # -------------------------------------------------------- case c (and d)

    def blast_into(self, listener: Listener, payload: Path) -> BlastRun:
        """Blasts datagrams into a listener, and counts what it printed once its output settles."""
        count = self.sizes.blast
        return self.deliver(listener, lambda port: [self.bin["blast"], "-f", str(payload), str(port), str(count)],
                            count, payload.stat().st_size - 1)  # the line without its "\n"

    def deliver(self, listener: Listener, sender: Callable[[int | Path], list[str]], count: int,
                datagram_size: int) -> BlastRun:
        """Starts `sender(port)`, which sends `count` datagrams of `datagram_size` bytes, against a fresh listener, and
        counts what the listener printed once its output settles."""
        output = TerminalOutput() if listener.terminal else FileOutput(self.workdir / "listener.out")
        receiver = blaster = None
        try:
            receiver, port, _ = self.start_listener(listener, output.stdout)
            output.started()
            start = time.perf_counter()
            blaster = self.processes.start(sender(port), stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                           stderr=subprocess.PIPE)
            last_output, blast_said = settle(blaster, output, start, listener.name)
            drops = listening_socket(receiver, port, listener.name).drops
            self.processes.stop(receiver)
            printed = listener.received(output, datagram_size)
        finally:
            for process in (blaster, receiver):
                if process:
                    self.processes.stop(process)
            output.finish()
        return BlastRun(rate=printed / (last_output - start) if printed else 0.0,
                        loss=100 * (count - printed) / count,
                        drops=drops,
                        send_rate=said_rate(blast_said))

    def blast_rows(self, case: str, listeners: list[Listener], payloads: dict[str, Path],
                   base: str) -> tuple[list[Row], dict[str, float]]:
        """Rows of datagrams printed per second, and each listener's worst loss in %."""
        runs: dict[str, list[BlastRun]] = {listener.name: [] for listener in listeners}
        for round_index in range(self.sizes.rounds):
            for listener in rotated(listeners, round_index):
                runs[listener.name].append(self.blast_into(listener, payloads[listener.name]))
            log(f"{case[0]} round {round_index + 1}/{self.sizes.rounds}: " + ", ".join(
                f"{name} {done[-1].rate:,.0f}/s loss {done[-1].loss:.1f} %" for name, done in runs.items()))
        rows = rows_from_samples(case, "/s", {name: [run.rate for run in done] for name, done in runs.items()}, base)
        for row in rows:
            done = runs[row.contender]
            loss = [run.loss for run in done]
            row.detail = (f"loss {statistics.median(loss):.2f} % (max {max(loss):.2f} %), "
                          f"kernel drops {statistics.median(run.drops for run in done):,.0f}, "
                          f"blast sent {statistics.median(run.send_rate for run in done):,.0f}/s")
        return rows, {name: max(run.loss for run in done) for name, done in runs.items()}

    def letter_listener(self, name: str, *options: str) -> Listener:
        return Listener(name, lambda port: [self.letter, "listen", *options, HOST, str(port)])

    def ascii_blast_rows(self, key: str, listeners: list[Listener], base: str,
                         judged: dict[str, float | None]) -> list[Row]:
        """Case `key`: the blast of 60-byte ASCII lines into each listener. A `judged` row's target: no loss in
        any round and, with a floor, a ratio to the base of at least that."""
        payloads = {listener.name: self.files["ascii_payload"] for listener in listeners}
        rows, worst_loss = self.blast_rows(f"{key} {CASES[key]} ({self.sizes.blast:,})", listeners, payloads, base)
        for row in rows:
            if row.contender in judged:
                floor = judged[row.contender]
                set_target(row, blast_target(floor),
                           worst_loss[row.contender] == 0 and (floor is None or shown(row.ratio) >= floor))
        return rows

    def case_blast(self) -> list[Row]:
        listeners = [
            self.c_receiver(),
            Listener("python3 loop → tty", python_loop, terminal=True),
            Listener("python3 loop → file", python_loop),
            Listener("nc -ul", lambda p: ["nc.openbsd", "-u", "-l", HOST, str(p)], announces=False,
                     received=payload_bytes),
            Listener("socat -u UDP-RECV: -", lambda p: ["socat", "-u", f"UDP-RECV:{p},bind={HOST}", "-"],
                     announces=False, received=payload_bytes),
        ]
        if self.letter:
            listeners.insert(1, self.letter_listener("letter listen"))
        return self.ascii_blast_rows("c", listeners, "C recv_print", judged={"letter listen": 0.9})

    # -------------------------------------------------------- cases g and h

    def case_views(self) -> list[Row]:
        """Case c's blast into letter listen plain, with --time iso and with -f hex."""
        listeners = [
            self.letter_listener("letter listen"),
            self.letter_listener("letter listen --time iso", "--time", "iso"),
            replace(self.letter_listener("letter listen -f hex", "-f", "hex"), received=hexdump_records),
        ]
        return self.ascii_blast_rows("g", listeners, "letter listen", judged={"letter listen --time iso": 0.9})

    def case_unix(self) -> list[Row]:
        """Case c's blast over a unix datagram socket into the C receiver and letter listen PATH."""
        listeners = [replace(self.c_receiver(), unix=True)]
        if self.letter:
            listeners.append(Listener("letter listen", lambda path: [self.letter, "listen", str(path)], unix=True))
        return self.ascii_blast_rows("h", listeners, "C recv_print", judged={"letter listen": None})

    # -------------------------------------------------------- case g

    def relay_into(self, relay: Listener, rate: int | None = None) -> BlastRun:
        """Blasts datagrams (paced to `rate` a second, if given) through a relay to a C
        receiver, and counts what the receiver printed once its output settles."""
        count = self.sizes.blast
        output = FileOutput(self.workdir / "relayed.out")
        receiver = forwarder = blaster = None
        try:
            receiver, target, _ = self.start_listener(self.c_receiver(), output.stdout)
            output.started()
            forwarder, port, _ = self.start_listener(replace(relay, argv=lambda p: relay.argv(p, target)),
                                                     subprocess.DEVNULL)
            pace = ["-r", str(rate)] if rate else []
            start = time.perf_counter()
            blaster = self.processes.start([self.bin["blast"], *pace, "-f", str(self.files["ascii_payload"]), str(port),
                                            str(count)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
            last_output, blast_said = settle(blaster, output, start, relay.name)
            drops = listening_socket(forwarder, port, relay.name).drops
            self.processes.stop(forwarder)
            self.processes.stop(receiver)
            forwarded = output.lines()
        finally:
            for process in (blaster, forwarder, receiver):
                if process:
                    self.processes.stop(process)
            output.finish()
        return BlastRun(rate=forwarded / (last_output - start) if forwarded else 0.0,
                        loss=100 * (count - forwarded) / count, drops=drops,
                        send_rate=said_rate(blast_said))

    def case_relay(self) -> list[Row]:
        """Datagrams forwarded per second at full speed, then letter alone paced at half
        the C relay's rate, where it must lose nothing."""
        relays = [
            Listener("C relay (recvmmsg → sendmmsg)", lambda p, t: [self.bin["relay"], str(p), str(t)]),
            Listener("socat -u UDP-RECV: UDP-SENDTO:",
                     lambda p, t: ["socat", "-u", f"UDP-RECV:{p},bind={HOST}", f"UDP-SENDTO:{HOST}:{t}"], announces=False),
        ]
        if self.letter:
            relays.insert(1, Listener("letter relay -q", lambda p, t: [self.letter, "relay", "-q", HOST, str(p),
                                                                       "--to", f"{HOST}:{t}"]))
        case = f"r {CASES['r']} ({self.sizes.blast:,})"
        runs: dict[str, list[BlastRun]] = {relay.name: [] for relay in relays}
        for round_index in range(self.sizes.rounds):
            for relay in rotated(relays, round_index):
                runs[relay.name].append(self.relay_into(relay))
            log(f"r round {round_index + 1}/{self.sizes.rounds}: " + ", ".join(
                f"{name} {done[-1].rate:,.0f}/s loss {done[-1].loss:.1f} %" for name, done in runs.items()))
        rows = rows_from_samples(case, "/s", {name: [run.rate for run in done] for name, done in runs.items()},
                                 relays[0].name)
        for row in rows:
            done = runs[row.contender]
            row.detail = (f"loss {statistics.median(run.loss for run in done):.2f} %, "
                          f"kernel drops {statistics.median(run.drops for run in done):,.0f}, "
                          f"blast sent {statistics.median(run.send_rate for run in done):,.0f}/s")
        if not self.letter:
            return rows
        by_name = {row.contender: row for row in rows}
        letter, socat = by_name["letter relay -q"], by_name[relays[-1].name]
        set_target(letter, "≥ 0.8× C, ≥ 2× socat",
                   shown(letter.ratio) >= 0.8 and letter.value >= 2 * socat.value)
        half = int(by_name[relays[0].name].value / 2)
        paced = [self.relay_into(relays[1], rate=half) for _ in range(self.sizes.rounds)]
        paced_rows = rows_from_samples(f"r {CASES['r']} paced at {half:,}/s", "/s",
                                       {"letter relay -q": [run.rate for run in paced]}, "letter relay -q")
        worst = max(run.loss for run in paced)
        paced_rows[0].detail = f"loss {worst:.2f} % (max), half the C relay's rate"
        set_target(paced_rows[0], "0 loss", worst == 0)
        return rows + paced_rows

    # -------------------------------------------------------- case d

    def case_gbk(self) -> list[Row]:
        send = self.send_rows(f"d {CASES['d']}: send", [
            Sender("letter send (utf-8)", lambda p: [self.letter, "send", HOST, str(p)]),
            Sender("letter send -e gbk", lambda p: [self.letter, "send", "-e", "gbk", HOST, str(p)]),
        ], self.files["zh_lines"], "letter send (utf-8)")
        listen, _ = self.blast_rows(f"d {CASES['d']}: listen", [
            self.letter_listener("letter listen (utf-8)"),
            self.letter_listener("letter listen -e gbk", "-e", "gbk"),
        ], {"letter listen (utf-8)": self.files["zh_utf8_payload"],
            "letter listen -e gbk": self.files["zh_gbk_payload"]}, "letter listen (utf-8)")
        for row in send + listen:
            if row.ratio is not None:
                set_target(row, "≥ 0.8×", shown(row.ratio) >= 0.8)
        return send + listen

    # -------------------------------------------------------- case e

    def peak_rss(self, listener: Listener) -> tuple[int, int, int]:
        """Peak RSS after rss_first and after rss_total datagrams, and how many were received."""
        sizes = self.sizes
        payload = str(self.files["ascii_payload"])
        receiver, port, _ = self.start_listener(listener, subprocess.DEVNULL)
        try:
            sent = 0
            peaks = []
            for checkpoint in (sizes.rss_first, sizes.rss_total):
                while sent < checkpoint:
                    chunk = min(RSS_CHUNK, checkpoint - sent)
                    run([self.bin["blast"], "-f", payload, str(port), str(chunk)], timeout=60)
                    sent += chunk
                    wait_until(lambda: listening_socket(receiver, port, listener.name).queued == 0, 60,
                               f"{listener.name} to drain")
                peaks.append(vm_hwm(receiver.pid))
            received = sent - listening_socket(receiver, port, listener.name).drops
        finally:
            self.processes.stop(receiver)
        return peaks[0], peaks[1], received

    def case_rss(self) -> list[Row]:
        sizes = self.sizes
        listeners = [self.c_receiver(), Listener("python3 loop", python_loop)]
        if self.letter:
            listeners.insert(1, self.letter_listener("letter listen"))
        peaks: dict[str, list[float]] = {}
        details = {}
        for listener in listeners:
            first, total, received = self.peak_rss(listener)
            peaks[listener.name] = [total]
            details[listener.name] = (first, total, received)
            log(f"e {listener.name}: VmHWM {first / 1e6:.2f} MB at {sizes.rss_first:,}, "
                f"{total / 1e6:.2f} MB at {sizes.rss_total:,}")
        rows = rows_from_samples(f"e {CASES['e']} (VmHWM)", "B", peaks, "C recv_print")
        for row in rows:
            first, total, received = details[row.contender]
            row.detail = (f"{first / 1e6:.2f} MB at {sizes.rss_first:,} → {total / 1e6:.2f} MB at "
                          f"{sizes.rss_total:,}; received {received:,}")
            if row.contender == "letter listen":
                set_target(row, "< 10 MB, flat (+< 1 MB)", total < 10e6 and total - first < 1e6)
        return rows

    # -------------------------------------------------------- letter without a case's feature

    def probe(self, argv: list[str], stdin: bytes = b"") -> subprocess.CompletedProcess:
        """Runs a small letter command to its end: one datagram, or an idle listener's fraction of a second. A usage
        error (exit 2) comes back as it is; any other failure is an error."""
        done = subprocess.run(argv, input=stdin, capture_output=True, timeout=30)
        if done.returncode not in (0, 2):
            raise BenchError(f"{shlex.join(argv)} exited {done.returncode}: "
                             f"{done.stderr.decode(errors='replace').strip()}")
        return done

    def refusal(self, key: str, argv: list[str], stdin: bytes = b"") -> str | None:
        """None when letter takes the command line; else its usage error: a letter built before the feature."""
        done = self.probe(argv, stdin)
        if done.returncode == 0:
            return None
        said = done.stderr.decode(errors="replace").strip().splitlines()
        log(f"{key}: letter is not built with this yet: {said[0] if said else 'exit 2'}")
        return f"exit 2: {said[0]}" if said else "exit 2"

    def probe_capture(self) -> Path:
        """A capture of one datagram, which a letter with replay sends and one without refuses."""
        return write_pcap(self.workdir / "probe.pcap", [b"probe"], PACED_GAP_US)

    def replay_refusal(self, key: str, *options: str) -> str | None:
        with unread_port() as port:
            return self.refusal(key, [self.letter, "replay", *options, "--to", f"{HOST}:{port}",
                                      str(self.probe_capture())])

    # -------------------------------------------------------- case y

    def tcpreplay(self, frames: Path) -> float:
        """tcpreplay's own reported send rate (packets/s) for an Ethernet capture on lo."""
        done = run(["tcpreplay", "-i", "lo", "--topspeed", str(frames)], timeout=600)
        rated = TCPREPLAY_PPS.search(done.stdout)
        if not rated:
            raise BenchError(f"tcpreplay said no rate: {done.stdout.decode(errors='replace')}")
        return float(rated[1])

    def case_replay_fast(self) -> list[Row]:
        """A capture through letter replay --fast and through the C replay_mmsg into the C receiver: datagrams
        delivered per second and loss; then each one's own send rate, with tcpreplay's beside."""
        count = self.sizes.capture
        payloads = numbered_lines(count)
        capture = write_pcap(self.workdir / "fast.pcap", payloads, FAST_GAP_US)
        frames = write_pcap(self.workdir / "fast-ethernet.pcap", payloads, FAST_GAP_US, ethernet=True)
        case = f"y {CASES['y']} ({count:,})"
        c_name, letter_name, tcpreplay_name = "C replay_mmsg", "letter replay --fast", "tcpreplay -i lo --topspeed"
        target = "≥ 0.9×, loss ≤ C's"
        senders = {c_name: lambda port: [self.bin["replay_mmsg"], str(port), str(capture)]}
        refusal = self.replay_refusal("y", "--fast") if self.letter else None
        if self.letter and not refusal:
            senders[letter_name] = lambda port: [self.letter, "replay", "--fast", "--to", f"{HOST}:{port}",
                                                 str(capture)]
        runs: dict[str, list[BlastRun]] = {name: [] for name in senders}
        tcpreplay_rates: list[float] = []
        for round_index in range(self.sizes.rounds):
            for name in rotated([*senders, tcpreplay_name], round_index):
                if name == tcpreplay_name:
                    tcpreplay_rates.append(self.tcpreplay(frames))
                else:
                    runs[name].append(self.deliver(self.c_receiver(), senders[name], count, ASCII_LINE_BYTES))
            log(f"y round {round_index + 1}/{self.sizes.rounds}: " + ", ".join(
                f"{name} {done[-1].rate:,.0f}/s loss {done[-1].loss:.1f} %" for name, done in runs.items())
                + f", {tcpreplay_name} sent {tcpreplay_rates[-1]:,.0f}/s")
        rows = rows_from_samples(case, "/s", {name: [run.rate for run in done] for name, done in runs.items()}, c_name)
        loss = {name: statistics.median(run.loss for run in done) for name, done in runs.items()}
        for row in rows:
            done = runs[row.contender]
            row.detail = (f"delivered, from the sender's spawn to the last output of C recv_print; loss "
                          f"{loss[row.contender]:.2f} % (max {max(run.loss for run in done):.2f} %), kernel drops "
                          f"{statistics.median(run.drops for run in done):,.0f}")
            if row.contender == letter_name:
                set_target(row, target,
                           shown(row.ratio) >= 0.9 and round(loss[letter_name], 2) <= round(loss[c_name], 2))
        if refusal:
            rows.append(not_built(case, letter_name, target, refusal))

        sent = {name: [run.send_rate for run in done] for name, done in runs.items()}
        for name, rates in list(sent.items()):
            if None in rates:
                log(f"y: {name} said no send rate (R/s): left out of the send rates")
                del sent[name]
        sent[tcpreplay_name] = tcpreplay_rates
        send_rows = rows_from_samples(f"y {CASES['y']}: send rate, as each says it", "/s", sent, c_name)
        for row in send_rows:
            row.detail = {c_name: "from its start, the file read included",
                          letter_name: "from its summary line",
                          tcpreplay_name: "its \"Rated: … pps\", sending an Ethernet copy of the capture; on lo its "
                                          "frames reach no socket, so it has no delivered rate"}[row.contender]
        return rows + send_rows

    # -------------------------------------------------------- case z

    def case_replay_pacing(self) -> list[Row]:
        """PACED_COUNT datagrams recorded PACED_GAP_US apart through letter replay into the C receiver: the span
        of their arrival (kernel receive times) against the recorded span, and letter's own lateness figures."""
        capture = write_pcap(self.workdir / "paced.pcap", numbered_lines(PACED_COUNT), PACED_GAP_US)
        recorded = (PACED_COUNT - 1) * PACED_GAP_US / 1e6
        case = f"z {CASES['z']} ({PACED_COUNT:,} recorded {PACED_GAP_US} µs apart)"
        name, target = "letter replay", f"{recorded:.3f} s ± {PACED_TOLERANCE * 100:g} %"
        refusal = self.replay_refusal("z")
        if refusal:
            return [not_built(case, name, target, refusal)]
        spans, received, lateness = [], [], []
        for round_index in range(self.sizes.rounds):
            arrivals = self.received_by_c(lambda port: [self.letter, "replay", "--to", f"{HOST}:{port}", str(capture)],
                                          PACED_COUNT, None, stamped=True)
            if arrivals.span is None:
                raise BenchError(f"letter replay: {arrivals.received} of {PACED_COUNT:,} datagrams arrived")
            spans.append(arrivals.span)
            received.append(arrivals.received)
            late = LATENESS.search(arrivals.said)
            lateness.append([float(late[k]) * MICROSECONDS[late[k + 1]] for k in (1, 3, 5)] if late else None)
            log(f"z round {round_index + 1}/{self.sizes.rounds}: {name} {arrivals.span:.4f} s, "
                f"{arrivals.received:,} arrived; " + (late[0] if late else "no lateness in its summary"))
        [row] = rows_from_samples(case, "s", {name: spans}, name)
        if None in lateness:
            late_detail = "no \"late by p50 …\" in its summary"
        else:
            p50, p99, most = (statistics.median(figures) for figures in zip(*lateness))
            late_detail = f"its summary: late by p50 {p50:,.0f} µs, p99 {p99:,.0f} µs, max {most:,.0f} µs (medians)"
        row.detail = (f"first to last arrival, kernel receive times, of {min(received):,} of {PACED_COUNT:,}"
                      f"{self.fewest()}; {late_detail}")
        set_target(row, target, abs(row.value / recorded - 1) <= PACED_TOLERANCE)
        return [row]

    # -------------------------------------------------------- case q

    def case_capture(self) -> list[Row]:
        """Case c's blast into letter listen -f pcap > file against plain letter listen > file."""
        plain = self.letter_listener("letter listen")
        capture = replace(self.letter_listener("letter listen -f pcap", "-f", "pcap"), received=capture_records)
        judged = {plain.name: None, capture.name: 0.9}
        refusal = self.refusal("q", [self.letter, "listen", "-f", "pcap", "-t", "0.2", HOST, "0"])
        if not refusal:
            return self.ascii_blast_rows("q", [plain, capture], plain.name, judged)
        rows = self.ascii_blast_rows("q", [plain], plain.name, judged)
        return rows + [not_built(rows[0].case, capture.name, blast_target(judged[capture.name]), refusal)]

    # -------------------------------------------------------- case s

    def sockperf(self) -> tuple[float, float, float]:
        """sockperf ping-pong against a fresh sockperf server: its one-way median and average (s) and its round
        trips per second, all over its valid duration (after its warm-up)."""
        port = free_port()
        server = self.processes.start(["sockperf", "server", "-i", HOST, "-p", str(port)], stdin=subprocess.DEVNULL,
                                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

        def bound() -> bool:
            if server.poll() is not None:
                raise BenchError(f"sockperf server exited {server.returncode}")
            return udp_socket(port) is not None

        try:
            wait_until(bound, 10, "sockperf server to listen")
            seconds = self.sizes.sockperf_seconds
            done = run(["sockperf", "ping-pong", "-i", HOST, "-p", str(port), "--time", str(seconds)],
                       timeout=seconds + 60)
        finally:
            self.processes.stop(server)
        said = ANSI_COLOUR.sub("", (done.stdout + done.stderr).decode(errors="replace"))
        p50, average, valid = SOCKPERF_P50.search(said), SOCKPERF_AVG.search(said), SOCKPERF_VALID.search(said)
        if not (p50 and average and valid):
            raise BenchError(f"sockperf ping-pong said no percentiles: {said}")
        return float(p50[1]) / 1e6, float(average[1]) / 1e6, int(valid[2]) / float(valid[1])

    def ping_summary(self) -> tuple[list[str], str, Callable[[str], float | None]] | str:
        """The options with which this letter's `ping -q` summary gives a median round trip (else an average), what
        the figure is, and its parser; or the usage error of a letter without `ping -q`."""
        refusal = "exit 2"
        for options, source, parse in PING_SUMMARIES:
            with self.echo_server(1) as port:
                done = self.probe([self.letter, "ping", "-i", "0", "-q", *options, "-c", "1", HOST, str(port)])
            if done.returncode == 0 and parse(done.stdout.decode(errors="replace")) is not None:
                return options, source, parse
            said = done.stderr.decode(errors="replace").strip().splitlines()
            refusal = f"exit {done.returncode}: {said[0]}" if said else f"exit {done.returncode}, no figure"
        log(f"s: letter is not built with ping -q yet: {refusal}")
        return refusal

    def case_ping_sockperf(self) -> list[Row]:
        """letter ping -i 0 -q against the C echo server beside sockperf ping-pong against sockperf server: letter's
        median round trip against twice sockperf's median one-way latency. The C ping_loop against the same C echo
        server, timed as letter times, shows the floor of letter's side."""
        count = self.sizes.ping_pongs
        case = f"s {CASES['s']}"
        sockperf_name, c_name, letter_name = ("sockperf ping-pong (2 × one-way p50)", "C ping_loop",
                                              "letter ping -i 0 -q")
        target = "≤ 1.2×"
        summary = self.ping_summary() if self.letter else None
        averages: list[float] = []

        def sockperf() -> tuple[float, float]:
            one_way, average, rate = self.sockperf()
            averages.append(average)
            return 2 * one_way, rate

        def ping_loop() -> tuple[float, float]:
            done, wall = self.timed_pings(lambda port: [self.bin["ping_loop"], HOST, str(port), str(count)], count)
            return statistics.median(float(rtt) for rtt in done.stdout.split()) / 1e3, count / wall

        def letter_ping() -> tuple[float, float]:
            options, source, parse = summary
            done, wall = self.timed_pings(
                lambda port: [self.letter, "ping", "-i", "0", "-q", *options, "-c", str(count), HOST, str(port)], count)
            said = done.stdout.decode(errors="replace")
            figure = parse(said)
            if figure is None:
                raise BenchError(f"letter ping gave no {source}: {said}")
            return figure / 1e3, count / wall

        measures = {sockperf_name: sockperf, c_name: ping_loop}
        if isinstance(summary, tuple):
            measures[letter_name] = letter_ping
        samples: dict[str, list[float]] = {name: [] for name in measures}
        rates: dict[str, list[float]] = {name: [] for name in measures}
        for round_index in range(self.sizes.rounds):
            for name in rotated(list(measures), round_index):
                figure, rate = measures[name]()
                samples[name].append(figure)
                rates[name].append(rate)
            log(f"s round {round_index + 1}/{self.sizes.rounds}: " + ", ".join(
                f"{name} {values[-1] * 1e6:.1f} µs" for name, values in samples.items()))
        rows = rows_from_samples(case, "µs", samples, sockperf_name)
        for row in rows:
            rate = f"{statistics.median(rates[row.contender]):,.0f} round trips/s"
            if row.contender == sockperf_name:
                row.detail = (f"its own clock, from before the send to recvfrom's return; one-way avg "
                              f"{statistics.median(averages) * 1e6:.1f} µs; {rate} over "
                              f"{self.sizes.sockperf_seconds} s runs, warm-up left out")
            else:
                figure = "the median" if row.contender == c_name else summary[1]
                row.detail = (f"{figure} of {count:,} round trips against the C echo_server, each from before the send "
                              f"to the kernel's receive time of the reply; {rate} (requests ÷ wall time, start-up "
                              "included)")
            if row.contender == letter_name:
                set_target(row, target, shown(row.ratio) <= 1.2)
        if isinstance(summary, str):
            rows.append(not_built(case, letter_name, target, summary))
        return rows

    # -------------------------------------------------------- case t

    def letter_sends(self, name: str, options: list[str], lines: Path, by_file: bool) -> Sender:
        """letter send with `options`, reading `lines` by --file, or on stdin when this letter has no --file."""
        if by_file:
            return Sender(name, lambda port: [self.letter, "send", *options, "--file", str(lines), HOST, str(port)])
        return Sender(name, lambda port: [self.letter, "send", *options, HOST, str(port)], stdin=lines)

    def paced_blast(self, rate: int, lines: Path, count: int) -> Sender:
        return Sender(f"C blast -r {rate}",
                      lambda port: [self.bin["blast"], "-f", str(lines), "-r", str(rate), str(port), str(count)])

    def case_send_pacing(self) -> list[Row]:
        """send --rate N for each N of SEND_RATES into the C receiver, beside blast -r N, the rate measured where
        the datagrams arrive; then letter's unpaced rate, to which each N is compared."""
        counts = {rate: int(rate * self.sizes.paced_seconds) for rate in SEND_RATES}
        files = {rate: self.workdir / f"lines-{rate}" for rate in SEND_RATES}
        for rate, path in files.items():
            path.write_bytes(b"".join(line + b"\n" for line in numbered_lines(counts[rate])))
        fastest = max(SEND_RATES)
        unpaced_name, target = "letter send (no --rate)", f"within {PACED_TOLERANCE * 100:g} % of N"
        senders = [(rate, self.paced_blast(rate, files[rate], counts[rate])) for rate in SEND_RATES]
        refusal, by_file = None, False
        if self.letter:
            one_line = self.workdir / "one-line"
            one_line.write_bytes(numbered_lines(1)[0] + b"\n")
            with unread_port() as port:
                rate_option = [self.letter, "send", "--rate", "1000"]
                by_file = self.refusal("t", [*rate_option, "--file", str(one_line), HOST, str(port)]) is None
                if not by_file:
                    refusal = self.refusal("t", [*rate_option, HOST, str(port)], one_line.read_bytes())
            if not refusal:
                senders += [(rate, self.letter_sends(f"letter send --rate {rate}", ["--rate", str(rate)], files[rate],
                                                     by_file)) for rate in SEND_RATES]
                senders.append((fastest, self.letter_sends(unpaced_name, [], files[fastest], by_file)))
        measured: dict[str, list[Arrivals]] = {sender.name: [] for _, sender in senders}
        for round_index in range(self.sizes.rounds):
            for rate, sender in rotated(senders, round_index):
                measured[sender.name].append(self.received_by_c(sender.argv, counts[rate], sender.stdin, stamped=True))
            log(f"t round {round_index + 1}/{self.sizes.rounds}: " + ", ".join(
                f"{name} {(done[-1].rate() if name != unpaced_name else counts[fastest] / done[-1].wall):,.0f}/s"
                for name, done in measured.items()))

        unpaced = (statistics.median(counts[fastest] / arrivals.wall for arrivals in measured[unpaced_name])
                   if unpaced_name in measured else None)
        how = "by --file" if by_file else "on stdin (this letter has no --file)"
        rows = []
        for rate in SEND_RATES:
            case = f"t {CASES['t']}: N = {rate:,}/s ({counts[rate]:,} lines)"
            c_name, letter_name = f"C blast -r {rate}", f"letter send --rate {rate}"
            samples = {name: [arrivals.rate() for arrivals in measured[name]]
                       for name in (c_name, letter_name) if name in measured}
            group = rows_from_samples(case, "/s", samples, c_name)
            for row in group:
                fewest = min(arrivals.received for arrivals in measured[row.contender])
                row.detail = (f"received {fewest:,} of {counts[rate]:,}{self.fewest()}; the gaps from the first "
                              "arrival to the last over their span, kernel receive times")
                if row.contender == c_name:
                    row.detail += "; paced a batch of 256 at a time"
                    continue
                share = rate / unpaced
                row.detail += f"; lines {how}; N is {share * 100:.0f} % of letter's unpaced rate"
                if share <= UNPACED_SHARE:
                    set_target(row, target, abs(row.value / rate - 1) <= PACED_TOLERANCE)
                else:
                    row.target = f"{target}: not required, N > {UNPACED_SHARE * 100:g} % of unpaced"
            if refusal:
                group.append(not_built(case, letter_name, target, refusal))
            rows += group
        if unpaced:
            [row] = rows_from_samples(f"t {CASES['t']}: unpaced ({counts[fastest]:,} lines)", "/s",
                                      {unpaced_name: [counts[fastest] / arrivals.wall
                                                      for arrivals in measured[unpaced_name]]}, unpaced_name)
            row.detail = (f"lines ÷ wall time, spawn to exit; --rate keeps within 2 % up to {UNPACED_SHARE * 100:g} % "
                          f"of it, {UNPACED_SHARE * unpaced:,.0f}/s")
            rows.append(row)
        return rows

# ---------------------------------------------------------------- report


def format_value(value: float, unit: str) -> str:
    if unit == "s":
        return f"{value * 1e3:.2f} ms"
    if unit == "µs":
        return f"{value * 1e6:.1f} µs"
    if unit == "/s":
        return f"{value:,.0f}/s"
    return f"{value / 1e6:.2f} MB"


def format_spread(row: Row) -> str:
    if len(row.samples) < 2:
        return ""
    low, high = min(row.samples), max(row.samples)
    return f"rounds {format_value(low, row.unit)} … {format_value(high, row.unit)}"


def report(rows: list[Row], header: list[str]) -> str:
    lines = [*header, "", "| case | contender | median | ratio | target | detail |", "|---|---|---|---|---|---|"]
    for row in rows:
        median = "—" if row.value is None else format_value(row.value, row.unit)
        ratio = "—" if row.value is None else "base" if row.ratio is None else f"{shown(row.ratio):.2f}×"
        verdict = {None: "", True: " PASS", False: " FAIL"}[row.verdict]
        # A usage error quoted in the detail must not end the table's cell.
        detail = "; ".join(part for part in (row.detail, format_spread(row)) if part).replace("|", "\\|")
        lines.append(f"| {row.case} | {row.contender} | {median} | {ratio} | {row.target}{verdict} | {detail} |")
    judged = [row for row in rows if row.verdict is not None]
    unbuilt = sum(row.value is None for row in rows)
    summary = [f"Targets met: {sum(row.verdict for row in judged)} of {len(judged)}."] if judged else []
    if unbuilt:
        summary.append(f"Not built yet in this letter: {unbuilt} row{'s' if unbuilt > 1 else ''}, not judged.")
    if summary:
        lines += ["", " ".join(summary)]
    return "\n".join(lines) + "\n"


def describe_run(args: argparse.Namespace, sizes: Sizes, letter: Path | None) -> list[str]:
    def output_of(argv: list[str]) -> str:
        try:
            done = subprocess.run(argv, capture_output=True, timeout=10)
        except (OSError, subprocess.TimeoutExpired):
            return "?"
        return " ".join((done.stdout or done.stderr).decode(errors="replace").split()) or "?"

    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.machine())
    now = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    subject = f"`{letter}` ({output_of([str(letter), '--version'])})" if letter else "not run (--peers-only)"
    return [
        "# letter benchmarks",
        "",
        f"- {now}, {'quick' if args.quick else 'full'} run, {sizes.rounds} rounds, cases {','.join(args.cases)}",
        f"- {os.cpu_count()} × {cpu}, Linux {platform.release()}, {output_of([PYTHON, '--version'])} ({PYTHON}), "
        + output_of(["dpkg-query", "-W", "-f", "${Package} ${Version}, ", *sorted(set(TOOLS.values()))]).rstrip(","),
        f"- letter: {subject}",
        f"- sizes: {sizes.lines:,} stdin lines (b, d), {sizes.blast:,} datagrams per blast (c, d, g, h, q, r), "
        f"RSS at {sizes.rss_first:,} and {sizes.rss_total:,} (e), {sizes.starts} listener starts per round (f), "
        f"a capture of {sizes.capture:,} datagrams (y), {sizes.ping_pongs:,} pings and {sizes.sockperf_seconds} s of "
        f"sockperf per round (s), {sizes.paced_seconds:g} s per --rate (t)",
        "- median over rounds; ratio = median ÷ the case's base row (times: lower is better; rates: higher)",
    ]


def write_results(text: str) -> Path:
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "latest.md").write_text(text)
    stamped = RESULTS / (datetime.now(timezone.utc).strftime("%Y%m%d-%H%M%S") + ".md")
    stamped.write_text(text)
    return stamped


# ---------------------------------------------------------------- main


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--letter", metavar="PATH", default=str(REPO / ".build/release/letter"),
                        help="the letter binary (default: .build/release/letter)")
    parser.add_argument("--peers-only", action="store_true",
                        help=f"run only the C and peer rows, without letter (skips cases {', '.join(LETTER_ONLY)})")
    parser.add_argument("--quick", action="store_true",
                        help="fewer rounds and smaller sizes: a smoke run of about two minutes")
    parser.add_argument("--case", default=",".join(CASES), help="cases to run, e.g. a,c (default: all): " +
                        "; ".join(f"{key} {name}" for key, name in CASES.items()))
    parser.add_argument("--rounds", type=int, help="rounds per case (default: 5, or 2 with --quick)")
    args = parser.parse_args()
    args.cases = [case.strip() for case in args.case.split(",") if case.strip()]
    unknown = [case for case in args.cases if case not in CASES]
    if unknown:
        parser.error(f"unknown case {', '.join(unknown)}: choose from {','.join(CASES)}")
    if args.rounds is not None and args.rounds < 1:
        parser.error("--rounds must be at least 1")
    return args


def main() -> int:
    args = parse_args()
    sizes = QUICK if args.quick else FULL
    if args.rounds:
        sizes = replace(sizes, rounds=args.rounds)

    letter = None
    if not args.peers_only:
        letter = Path(args.letter).resolve()
        if not (letter.is_file() and os.access(letter, os.X_OK)):
            log(f"bench: no letter binary at {letter}: build it (swift build -c release) or pass --letter PATH, "
                "or run the C and peer rows alone with --peers-only")
            return 2
    for case in LETTER_ONLY:
        if case in args.cases and not letter:
            log(f"bench: case {case} compares letter with itself: skipped with --peers-only")
            args.cases.remove(case)
    if not args.cases:
        return 2

    # SIGTERM ends the run like Ctrl-C does: through the finally below, which stops every listener.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    ensure_tools()
    workdir = Path(tempfile.mkdtemp(prefix="letter-bench-"))
    bench = None
    try:
        bench = Bench(sizes, letter, workdir)
        cases = {"a": bench.case_one_off, "b": bench.case_send_lines, "c": bench.case_blast,
                 "d": bench.case_gbk, "e": bench.case_rss, "f": bench.case_startup, "g": bench.case_views,
                 "h": bench.case_unix, "k": bench.case_chunks, "p": bench.case_ping, "q": bench.case_capture,
                 "r": bench.case_relay, "s": bench.case_ping_sockperf, "t": bench.case_send_pacing,
                 "y": bench.case_replay_fast, "z": bench.case_replay_pacing}
        rows = []
        for key in args.cases:
            log(f"case {key}: {CASES[key]}")
            rows += cases[key]()
        text = report(rows, describe_run(args, sizes, letter))
        print(text)
        log(f"written to {RESULTS / 'latest.md'} and {write_results(text)}")
        return 0
    except (BenchError, subprocess.TimeoutExpired) as error:
        log(f"bench: {error}")
        return 1
    except KeyboardInterrupt:
        log("bench: interrupted")
        return 130
    finally:
        if bench:
            bench.processes.stop_all()
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
