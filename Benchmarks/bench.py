#!/usr/bin/env python3
"""Benchmarks for letter against C baselines and its peers (nc, socat, python3).

Each case runs all of its contenders once per round, in an order that rotates
from round to round, and reports the median over the rounds. All traffic stays
on 127.0.0.1. Benchmarks/README.md says what each case measures and how to
read the table; `python3 Benchmarks/bench.py --help` lists the options.
"""

from __future__ import annotations

import argparse
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
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable

BENCH_DIR = Path(__file__).resolve().parent
REPO = BENCH_DIR.parent
RESULTS = BENCH_DIR / "results"
HOST = "127.0.0.1"
# The Python peers run on Debian's interpreter: a pyenv shim, or the .pth files of another
# installation's site-packages, would add start-up that is not Python's own.
SYSTEM_PYTHON = "/usr/bin/python3"
PYTHON = SYSTEM_PYTHON if os.access(SYSTEM_PYTHON, os.X_OK) else sys.executable

# Commands the harness needs, each with the Debian package that brings it.
TOOLS = {"gcc": "gcc", "hyperfine": "hyperfine", "socat": "socat", "nc.openbsd": "netcat-openbsd"}

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
    "r": "blast → relay → receiver",
}
LETTER_ONLY = ["d", "g"]  # cases that compare letter with itself

ASCII_LINE_BYTES = 60
POEM = "春眠不觉晓处处闻啼鸟夜来风雨声花落知多少"  # 20 characters: 60 B in UTF-8, 40 B in GBK

SETTLE = 0.5  # seconds without new output after which a listener counts as drained
POLL = 0.002  # seconds between looks at a listener's output
RSS_CHUNK = 10_000  # datagrams per blast in case e, each followed by a wait for the queue to drain

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
# The seeds' receive loop, plus a banner like letter's and a clean exit on SIGTERM (which flushes stdout).
PY_SEED_LISTEN = """\
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
RECEIVED = re.compile(rb"received (\d+) datagrams")
SEND_RATE = re.compile(rb"\((\d+)/s\)")


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


FULL = Sizes(rounds=5, warmup=20, runs=200, lines=1_000_000, blast=200_000, rss_first=100_000, rss_total=1_000_000,
             starts=100, pings=1000, file_bytes=100_000_000)
QUICK = Sizes(rounds=2, warmup=5, runs=30, lines=100_000, blast=50_000, rss_first=20_000, rss_total=200_000,
              starts=20, pings=200, file_bytes=10_000_000)


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


def one_line(_size: int) -> int:
    return 1


def hexdump_lines(size: int) -> int:
    """-f hex: a header, then a line per 16 bytes."""
    return 1 + -(-size // 16)


@dataclass(frozen=True)
class Listener:
    name: str
    # Given 0 when it announces its port, else a free port picked for it; with `unix`, the socket path
    # (a relay: and its target's port).
    argv: Callable[..., list[str]]
    announces: bool = True  # says "listening on ('127.0.0.1', PORT)" on stderr
    raw: bool = False  # prints payloads only, so datagrams are output bytes ÷ payload size, not lines
    terminal: bool = False  # stdout is a pseudo-terminal instead of a file
    unix: bool = False  # binds a unix datagram socket at the path it is given, not a UDP port
    lines_per_datagram: Callable[[int], int] = one_line  # output lines for a datagram of so many bytes


@dataclass(frozen=True)
class BlastRun:
    rate: float  # datagrams printed per second, from the blast's start to the last output
    loss: float  # % of the blast not printed
    drops: int  # datagrams the kernel dropped for the listener's full receive buffer
    send_rate: float  # the blast's own datagrams per second


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
        raise BenchError(f"blast into {name} failed: {blast_said.decode(errors='replace')}")
    return last_output, blast_said


def python_seed(_port: int) -> list[str]:
    """The seeds' receive loop; it binds port 0 itself and announces the port."""
    return [PYTHON, "-c", PY_SEED_LISTEN]


def rotated(items: list, round_index: int) -> list:
    shift = round_index % len(items)
    return items[shift:] + items[:shift]


@dataclass
class Row:
    case: str
    contender: str
    value: float
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
        filler = (b"abcdefghijklmnopqrstuvwxyz" * 3)[: ASCII_LINE_BYTES - 9]
        poem_lines = [POEM[k:] + POEM[:k] for k in range(len(POEM))]
        count = self.sizes.lines
        contents = {
            "hello": b"hello",
            "ascii_lines": b"".join(b"%08d %s\n" % (i, filler) for i in range(count)),
            "zh_lines": "".join(poem_lines[i % len(POEM)] + "\n" for i in range(count)).encode(),
            "ascii_payload": b"%08d %s\n" % (0, filler),
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

    def round_trips(self, argv, parse) -> list[float]:
        """The round trips (ms) one pinger, `argv(port)`, measured against a fresh C echo server."""
        server = self.processes.start([self.bin["echo_server"], "0", str(self.sizes.pings)], stdin=subprocess.DEVNULL,
                                      stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        try:
            port = int(server.stdout.readline().split()[1])
            done = run(argv(port), timeout=600)
            times = parse(done.stdout.decode())
            if len(times) != self.sizes.pings:
                raise BenchError(f"{argv(port)[0]}: {len(times)} of {self.sizes.pings} round trips: {done.stderr!r}")
            return times
        finally:
            self.processes.stop(server)
            server.stdout.close()

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
        expected = self.sizes.lines
        receiver, port, errors = self.start_listener(
            self.c_receiver("-c", str(expected), "-t", "2"), subprocess.DEVNULL)
        try:
            with lines.open("rb") as stdin:
                start = time.perf_counter()
                run(sender.argv(port), timeout=600, stdin=stdin, stdout=subprocess.DEVNULL)
                elapsed = time.perf_counter() - start
            # The receiver leaves once all have come, or after 2 s without one.
            wait_until(lambda: receiver.poll() is not None, 30, "C recv_print to finish")
        finally:
            self.processes.stop(receiver)
        received = RECEIVED.search(errors.read_bytes())
        if not received:
            raise BenchError(f"C recv_print said nothing about what it received: {errors.read_text()}")
        return expected / elapsed, int(received[1])

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
            row.detail = f"received {fewest:,} of {self.sizes.lines:,}" + (" (fewest)" if self.sizes.rounds > 1 else "")
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
        output = TerminalOutput() if listener.terminal else FileOutput(self.workdir / "listener.out")
        datagram_size = payload.stat().st_size - 1  # the line without its "\n"
        receiver = blaster = None
        try:
            receiver, port, _ = self.start_listener(listener, output.stdout)
            output.started()
            start = time.perf_counter()
            blaster = self.processes.start([self.bin["blast"], "-f", str(payload), str(port), str(count)],
                                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
            last_output, blast_said = settle(blaster, output, start, listener.name)
            drops = listening_socket(receiver, port, listener.name).drops
            self.processes.stop(receiver)
            printed = (output.size() // datagram_size if listener.raw
                       else output.lines() // listener.lines_per_datagram(datagram_size))
        finally:
            for process in (blaster, receiver):
                if process:
                    self.processes.stop(process)
            output.finish()
        return BlastRun(rate=printed / (last_output - start) if printed else 0.0,
                        loss=100 * (count - printed) / count,
                        drops=drops,
                        send_rate=float(SEND_RATE.search(blast_said)[1]))

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

    def ascii_blast_rows(self, key: str, listeners: list[Listener], base: str, judged: str,
                         floor: float | None) -> list[Row]:
        """Case `key`: the blast of 60-byte ASCII lines into each listener. The `judged` row's target: no loss in
        any round and, with a `floor`, a ratio to the base of at least that."""
        payloads = {listener.name: self.files["ascii_payload"] for listener in listeners}
        rows, worst_loss = self.blast_rows(f"{key} {CASES[key]} ({self.sizes.blast:,})", listeners, payloads, base)
        for row in rows:
            if row.contender == judged:
                set_target(row, "0 loss" + (f", ≥ {floor}×" if floor else ""),
                           worst_loss[judged] == 0 and (floor is None or shown(row.ratio) >= floor))
        return rows

    def case_blast(self) -> list[Row]:
        listeners = [
            self.c_receiver(),
            Listener("python3 seed → tty", python_seed, terminal=True),
            Listener("python3 seed → file", python_seed),
            Listener("nc -ul", lambda p: ["nc.openbsd", "-u", "-l", HOST, str(p)], announces=False, raw=True),
            Listener("socat -u UDP-RECV: -", lambda p: ["socat", "-u", f"UDP-RECV:{p},bind={HOST}", "-"],
                     announces=False, raw=True),
        ]
        if self.letter:
            listeners.insert(1, self.letter_listener("letter listen"))
        return self.ascii_blast_rows("c", listeners, "C recv_print", judged="letter listen", floor=0.9)

    # -------------------------------------------------------- cases g and h

    def case_views(self) -> list[Row]:
        """Case c's blast into letter listen plain, with --time iso and with -f hex."""
        listeners = [
            self.letter_listener("letter listen"),
            self.letter_listener("letter listen --time iso", "--time", "iso"),
            replace(self.letter_listener("letter listen -f hex", "-f", "hex"), lines_per_datagram=hexdump_lines),
        ]
        return self.ascii_blast_rows("g", listeners, "letter listen", judged="letter listen --time iso", floor=0.9)

    def case_unix(self) -> list[Row]:
        """Case c's blast over a unix datagram socket into the C receiver and letter listen PATH."""
        listeners = [replace(self.c_receiver(), unix=True)]
        if self.letter:
            listeners.append(Listener("letter listen", lambda path: [self.letter, "listen", str(path)], unix=True))
        return self.ascii_blast_rows("h", listeners, "C recv_print", judged="letter listen", floor=None)

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
                        send_rate=float(SEND_RATE.search(blast_said)[1]))

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
        listeners = [self.c_receiver(), Listener("python3 seed", python_seed)]
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
        ratio = "base" if row.ratio is None else f"{shown(row.ratio):.2f}×"
        verdict = {None: "", True: " PASS", False: " FAIL"}[row.verdict]
        detail = "; ".join(part for part in (row.detail, format_spread(row)) if part)
        lines.append(f"| {row.case} | {row.contender} | {format_value(row.value, row.unit)} | {ratio} | "
                     f"{row.target}{verdict} | {detail} |")
    judged = [row for row in rows if row.verdict is not None]
    if judged:
        lines += ["", f"Targets met: {sum(row.verdict for row in judged)} of {len(judged)}."]
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
        f"- sizes: {sizes.lines:,} stdin lines (b, d), {sizes.blast:,} datagrams per blast (c, d), "
        f"RSS at {sizes.rss_first:,} and {sizes.rss_total:,} (e), {sizes.starts} listener starts per round (f)",
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
                        help="run only the C and peer rows, without letter (skips cases d and g)")
    parser.add_argument("--quick", action="store_true",
                        help="fewer rounds and smaller sizes: a smoke run of about a minute")
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
                 "h": bench.case_unix, "k": bench.case_chunks, "p": bench.case_ping, "r": bench.case_relay}
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
