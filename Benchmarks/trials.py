#!/usr/bin/env python3
"""Adversarial trials of a built `letter` binary (issue 18), printed as one markdown table.

    python3 trials.py --letter /path/to/letter [--only 1,2,3,4,5] [--flood-seconds 3]

Sections:
  1. ping with a third party answering for a silent target (and a forged seq);
  2. socket-file ownership and signals (listen PATH, send -b PATH);
  3. relay self-loop, target limits, duplicate targets, fan-out count;
  4. --reply byte ratio under a flood from a network namespace (needs root);
  5. send --rate N achieved at the receiver's kernel timestamps.

Network use: loopback (127.0.0.0/8), unix sockets in a temporary folder, and one
network namespace joined to the root namespace by a veth pair (10.200.0.0/16), all
created and deleted here. Every loop is bounded in count and time; every process this
script starts is tracked by PID and ended in `finally`, as are the namespace, the veth
pair and the temporary folder. Exit status: 0 when every row passed, 1 otherwise.
"""
import argparse
import json
import os
import re
import resource
import selectors
import shutil
import signal
import socket
import stat
import struct
import subprocess
import sys
import tempfile
import threading
import time

# ---------------------------------------------------------------- processes

CHILDREN = []          # every Popen this script started (ended by PID in cleanup)
SIGNALS_TO_RESET = [signal.SIGINT, signal.SIGQUIT, signal.SIGTERM, signal.SIGHUP,
                    signal.SIGUSR1, signal.SIGUSR2, signal.SIGALRM, signal.SIGPIPE]


def _child_setup():
    # A background shell job starts with SIGINT and SIGQUIT ignored, and letter keeps
    # ignored signals ignored (nohup): give every child the default dispositions, so
    # the signal trials test letter and not how this script was started. No core files.
    for s in SIGNALS_TO_RESET:
        signal.signal(s, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_SETMASK, [])
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


class Proc:
    """A child whose stdout and stderr are collected by threads (never a full pipe)."""

    def __init__(self, argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, cwd=None):
        self.argv = argv
        self.p = subprocess.Popen(argv, stdin=stdin, stdout=stdout, stderr=subprocess.PIPE,
                                  cwd=cwd, preexec_fn=_child_setup)
        CHILDREN.append(self.p)
        self.pid = self.p.pid
        self.out = []
        self.err = []
        self._threads = []
        if stdout == subprocess.PIPE:
            self._threads.append(self._reader(self.p.stdout, self.out))
        self._threads.append(self._reader(self.p.stderr, self.err))

    def _reader(self, stream, sink):
        def run():
            for line in iter(stream.readline, b""):
                sink.append(line.decode("utf-8", "replace"))
            stream.close()
        t = threading.Thread(target=run, daemon=True)
        t.start()
        return t

    def wait_stderr(self, pattern, timeout):
        """The first stderr match of pattern within timeout seconds, or None."""
        rx = re.compile(pattern)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for line in list(self.err):
                m = rx.search(line)
                if m:
                    return m
            if self.p.poll() is not None and not self._threads[-1].is_alive():
                return None
            time.sleep(0.01)
        return None

    def wait(self, timeout):
        """Exit status, or None if still running after timeout seconds."""
        try:
            rc = self.p.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            return None
        for t in self._threads:
            t.join(timeout=2)
        return rc

    def signal(self, sig):
        if self.p.poll() is None:
            os.kill(self.pid, sig)

    def stop(self, timeout=3.0):
        """SIGTERM, then SIGKILL by PID when it has not ended; returns the exit status."""
        if self.p.poll() is None:
            os.kill(self.pid, signal.SIGTERM)
        rc = self.wait(timeout)
        if rc is None:
            os.kill(self.pid, signal.SIGKILL)
            rc = self.wait(timeout)
        return rc

    @property
    def stderr_text(self):
        return "".join(self.err)

    @property
    def stdout_text(self):
        return "".join(self.out)


def run_bounded(argv, timeout, cwd=None):
    """Run to the end (killed by PID after timeout): (status or None, stdout, stderr)."""
    p = Proc(argv, cwd=cwd)
    rc = p.wait(timeout)
    if rc is None:
        p.stop()
        return None, p.stdout_text, p.stderr_text
    return rc, p.stdout_text, p.stderr_text


def end_all_children():
    for p in CHILDREN:
        if p.poll() is None:
            try:
                os.kill(p.pid, signal.SIGTERM)
            except ProcessLookupError:
                continue
    deadline = time.monotonic() + 3
    for p in CHILDREN:
        if p.poll() is None:
            try:
                p.wait(timeout=max(0.05, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                try:
                    os.kill(p.pid, signal.SIGKILL)
                    p.wait(timeout=2)
                except (ProcessLookupError, subprocess.TimeoutExpired):
                    pass


def exit_word(rc):
    if rc is None:
        return "still running (killed)"
    if rc < 0:
        return f"killed by {signal.Signals(-rc).name}"
    return f"exit {rc}"


def free_port(host="0.0.0.0"):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind((host, 0))
    port = s.getsockname()[1]
    s.close()
    return port


def udp(host="127.0.0.1", port=0, rcvbuf=None):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    if rcvbuf:
        s.setsockopt(socket.SOL_SOCKET, 33, rcvbuf)  # SO_RCVBUFFORCE (root), else…
        if s.getsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF) < rcvbuf:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
    s.bind((host, port))
    return s


def count_arrivals(socks, seconds):
    """Datagrams each socket received within seconds (non-blocking drain, bounded)."""
    counts = {s: 0 for s in socks}
    sel = selectors.DefaultSelector()
    for s in socks:
        s.setblocking(False)
        sel.register(s, selectors.EVENT_READ)
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        for key, _ in sel.select(max(0.0, deadline - time.monotonic())):
            for _ in range(10000):
                try:
                    key.fileobj.recv(65535)
                except BlockingIOError:
                    break
                counts[key.fileobj] += 1
    sel.close()
    return counts


# ---------------------------------------------------------------- the table

ROWS = []


def row(section, measured, figure, required, ok):
    ROWS.append((section, measured, figure, required, "PASS" if ok else "**FAIL**"))


def cell(text):
    return str(text).replace("|", "\\|").replace("\n", " ")


def print_table():
    print("| # | what was measured | figure | SPEC requires | result |")
    print("|---|---|---|---|---|")
    for r in ROWS:
        print("| " + " | ".join(cell(c) for c in r) + " |")
    failed = sum(1 for r in ROWS if r[4] != "PASS")
    print()
    print(f"{len(ROWS)} rows, {len(ROWS) - failed} passed, {failed} failed.")
    return failed


# ---------------------------------------------------------------- 1. ping

SUMMARY_RX = re.compile(r"(\d+) packets transmitted, (\d+) received, (.*?)([\d.]+)% packet loss")


def ping_trial(letter, mode):
    """mode 'other-address': copies come from 127.0.0.99:PORT; 'other-port': from
    127.0.0.1:another port; 'forged-seq': the target itself answers each request with
    this run's form carrying seq=999999999."""
    target = udp("127.0.0.1", 0)
    port = target.getsockname()[1]
    if mode == "other-address":
        third = udp("127.0.0.99", port)
    elif mode == "other-port":
        third = udp("127.0.0.1", 0)
    else:
        third = None
    target.settimeout(0.1)
    stop = threading.Event()
    seen = {"requests": 0, "answers": 0}

    def serve():
        while not stop.is_set():
            try:
                data, addr = target.recvfrom(65535)
            except socket.timeout:
                continue
            seen["requests"] += 1
            if third is not None:
                third.sendto(data, addr)
            else:
                m = re.match(rb"letter-ping (\S+) seq=\d+", data)
                if m:
                    target.sendto(b"letter-ping " + m.group(1) + b" seq=999999999", addr)
            seen["answers"] += 1

    t = threading.Thread(target=serve, daemon=True)
    t.start()
    try:
        rc, out, err = run_bounded([letter, "ping", "-c", "3", "-i", "0.2", "-W", "0.5",
                                    "127.0.0.1", str(port)], timeout=10)
    finally:
        stop.set()
        t.join(timeout=2)
        target.close()
        if third is not None:
            third.close()
    m = SUMMARY_RX.search(out)
    if not m:
        return rc, None, None, seen, out, err
    extras = m.group(3)
    return rc, float(m.group(4)), (int(m.group(1)), int(m.group(2)), extras), seen, out, err


def section_ping(letter):
    for mode, who in (("other-address", "127.0.0.99 (same port)"),
                      ("other-port", "127.0.0.1 from another port")):
        rc, loss, counts, seen, out, err = ping_trial(letter, mode)
        ignored = re.search(r"ignored (\d+) datagrams?", err)
        fig = (f"{loss:g} % loss, {exit_word(rc)}; {counts[0]} sent, {counts[1]} received; "
               f"third party answered {seen['answers']}, "
               f"{'ignored ' + ignored.group(1) if ignored else 'no ignored count on stderr'}"
               if loss is not None else f"no summary ({exit_word(rc)}): {out!r} {err!r}")
        row("1", f"ping -c 3 -i 0.2 -W 0.5 a silent 127.0.0.1 port; a third party at {who} "
                 "echoes every request", fig,
            "100 % loss, exit 1 (only the destination's address and port answer)",
            loss == 100.0 and rc == 1)
    rc, loss, counts, seen, out, err = ping_trial(letter, "forged-seq")
    unmatched = re.search(r"\+(\d+) unmatched", out)
    fig = (f"{loss:g} % loss, {exit_word(rc)}; {counts[1]} received, "
           f"{unmatched.group(1) if unmatched else 0} unmatched (of {seen['answers']} forged)"
           if loss is not None else f"no summary ({exit_word(rc)}): {out!r} {err!r}")
    row("1", "the silent target itself answers each request with 'letter-ping ID seq=999999999' "
             "(this run's ID)", fig,
        "never matched: counted as unmatched; 100 % loss, exit 1",
        loss == 100.0 and rc == 1 and unmatched is not None
        and int(unmatched.group(1)) == seen["answers"] and seen["answers"] > 0)


# ---------------------------------------------------------------- 2. socket files

def wait_path(path, timeout, want=True):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if os.path.lexists(path) == want:
            return True
        time.sleep(0.01)
    return os.path.lexists(path) == want


def is_socket(path):
    try:
        return stat.S_ISSOCK(os.lstat(path).st_mode)
    except FileNotFoundError:
        return False


def section_socket_files(letter, tmp):
    # A's file removed, B bound at the same path, A told to end: B's file stays.
    x = os.path.join(tmp, "x.sock")
    a = Proc([letter, "listen", x], stdout=subprocess.DEVNULL)
    b = None
    try:
        ok_a = wait_path(x, 3) and a.wait_stderr("listening on", 3) is not None
        os.unlink(x)
        b = Proc([letter, "listen", x], stdout=subprocess.DEVNULL)
        ok_b = wait_path(x, 3) and b.wait_stderr("listening on", 3) is not None
        ino_b = os.lstat(x).st_ino if ok_b else None
        rc_a = a.stop()
        kept = is_socket(x) and os.lstat(x).st_ino == ino_b
        b_alive = b.p.poll() is None
        rc_b = b.stop()
        b_removed = not os.path.lexists(x)
    finally:
        a.stop()
        if b:
            b.stop()
    row("2", "listen A on x.sock; file removed; listen B on x.sock; SIGTERM to A",
        f"A {exit_word(rc_a)}; B's socket file {'still there (same inode)' if kept else 'GONE'}"
        f"{', B still running' if b_alive else ', B had ended'}; after B's SIGTERM its file "
        f"{'removed' if b_removed else 'left behind'}",
        "only the file letter made (same device and inode) is removed",
        ok_a and ok_b and kept and b_removed)

    # A regular file put at the listener's path after it started survives its exit.
    for sig in (signal.SIGTERM, signal.SIGQUIT):
        y = os.path.join(tmp, f"y-{sig.name}.sock")
        c = Proc([letter, "listen", y], stdout=subprocess.DEVNULL)
        try:
            started = wait_path(y, 3) and c.wait_stderr("listening on", 3) is not None
            os.unlink(y)
            with open(y, "w") as f:
                f.write("someone else's file\n")
            c.signal(sig)
            rc = c.wait(3)
        finally:
            c.stop()
        survived = os.path.isfile(y) and open(y).read() == "someone else's file\n"
        row("2", f"listen y.sock; its file replaced by a regular file; {sig.name} to the listener",
            f"{exit_word(rc)}; regular file {'intact' if survived else 'REMOVED or changed'}",
            "a file someone else put there since is left alone", started and survived)

    # Each signal that ends letter leaves no socket file behind.
    sigs = [signal.SIGQUIT, signal.SIGUSR1, signal.SIGUSR2, signal.SIGALRM,
            signal.SIGINT, signal.SIGTERM, signal.SIGHUP]
    results = []
    for sig in sigs:
        z = os.path.join(tmp, f"l-{sig.name}.sock")
        p = Proc([letter, "listen", z], stdout=subprocess.DEVNULL)
        try:
            started = wait_path(z, 3) and p.wait_stderr("listening on", 3) is not None
            p.signal(sig)
            rc = p.wait(3)
        finally:
            p.stop()
        left = os.path.lexists(z)
        results.append((sig.name, started, rc, left))
    bad = [r for r in results if (not r[1]) or r[3] or r[2] is None]
    row("2", "listen PATH, then one of " + ", ".join(s.name for s in sigs),
        "; ".join(f"{n}: {exit_word(rc)}, {'FILE LEFT' if left else 'no file'}"
                  for n, _, rc, left in results),
        "no socket file left behind for any signal but SIGKILL", not bad)

    # send -b PATH reading a stdin pipe kept open, then a signal: its file goes.
    t_path = os.path.join(tmp, "target.sock")
    target = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    target.bind(t_path)
    target.settimeout(3)
    results = []
    try:
        for sig in sigs:
            bpath = os.path.join(tmp, f"b-{sig.name}.sock")
            p = Proc([letter, "send", "-b", bpath, t_path], stdin=subprocess.PIPE,
                     stdout=subprocess.DEVNULL)
            try:
                p.p.stdin.write(b"hello\n")
                p.p.stdin.flush()
                try:
                    data, addr = target.recvfrom(65535)
                    sending = addr == bpath and data == b"hello"
                except socket.timeout:
                    sending = False
                p.signal(sig)
                rc = p.wait(3)
            finally:
                p.stop()
                try:
                    p.p.stdin.close()
                except OSError:
                    pass
            results.append((sig.name, sending, rc, os.path.lexists(bpath)))
    finally:
        target.close()
    required = {"SIGINT", "SIGTERM", "SIGHUP"}
    for label, names in (("SIGINT, SIGTERM, SIGHUP (the brief's)", required),
                         ("SIGQUIT, SIGUSR1, SIGUSR2, SIGALRM (SPEC's others)",
                          {s.name for s in sigs} - required)):
        rs = [r for r in results if r[0] in names]
        bad = [r for r in rs if (not r[1]) or r[3] or r[2] is None]
        row("2", f"send -b PATH target.sock with stdin a pipe kept open (one line sent, seen at "
                 f"the target from PATH), then {label}",
            "; ".join(f"{n}: {exit_word(rc)}, {'FILE LEFT' if left else 'no file'}"
                      + ("" if sending else " (line not seen first)")
                      for n, sending, rc, left in rs),
            "send -b's socket file removed however it exits (all but SIGKILL)", not bad)


# ---------------------------------------------------------------- 3. relay

RELAY_SUMMARY = re.compile(r"received (\d+) requests .*?sessions: (\d+) opened")


def relay_attempt(letter, listen_args, tos, cwd, client=None, settle=0.5, run_for=1.0):
    """Start a relay; a usage refusal ends it at once. If it runs, one datagram from
    client() goes in and after run_for seconds it is told to end (SIGTERM): returns
    (status, refused, received requests, sessions opened, stderr)."""
    argv = [letter, "relay", "-q", "--stats"] + listen_args
    for t in tos:
        argv += ["--to", t]
    p = Proc(argv, cwd=cwd, stdout=subprocess.DEVNULL)
    try:
        rc = p.wait(settle)
        if rc is not None:
            return rc, True, None, None, p.stderr_text
        if p.wait_stderr("listening on", 2) is None:
            return p.stop(), False, None, None, p.stderr_text
        if client:
            client()
        time.sleep(run_for)
        rc = p.stop()
        m = RELAY_SUMMARY.search(p.stderr_text)
        return rc, False, (int(m.group(1)) if m else None), (int(m.group(2)) if m else None), \
            p.stderr_text
    finally:
        p.stop()


def send_udp(host, port, data=b"loop?"):
    def go():
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.sendto(data, (host, port))
        s.close()
    return go


def send_unix(path, cwd, data=b"loop?"):
    def go():
        s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        s.sendto(data, os.path.join(cwd, path))
        s.close()
    return go


def section_relay(letter, tmp):
    P = free_port()
    loops = [
        (["127.0.0.1", str(P)], [f"127.0.0.1:{P}"], send_udp("127.0.0.1", P),
         "relay 127.0.0.1 P --to 127.0.0.1:P"),
        ([str(P)], [f"127.0.0.2:{P}"], send_udp("127.0.0.1", P),
         "relay P (every address) --to 127.0.0.2:P"),
        (["127.0.0.1", str(P)], [f"localhost:{P}"], send_udp("127.0.0.1", P),
         "relay 127.0.0.1 P --to localhost:P"),
        (["127.0.0.1", str(P)], [f"[::ffff:127.0.0.1]:{P}"], send_udp("127.0.0.1", P),
         "relay 127.0.0.1 P --to [::ffff:127.0.0.1]:P (the same address, v4-mapped)"),
        ([os.path.join(tmp, "r1.sock")], [os.path.join(tmp, "r1.sock")],
         send_unix("r1.sock", tmp), "relay DIR/r1.sock --to DIR/r1.sock"),
        (["./r2.sock"], [os.path.join(tmp, "r2.sock")], send_unix("r2.sock", tmp),
         "relay ./r2.sock --to DIR/r2.sock (the same file, spelt otherwise)"),
    ]
    for listen_args, tos, client, label in loops:
        rc, refused, reqs, sessions, err = relay_attempt(letter, listen_args, tos, tmp, client)
        if refused:
            fig = f"refused, {exit_word(rc)}"
        else:
            fig = (f"ACCEPTED ({exit_word(rc)} after SIGTERM); one datagram in → "
                   f"{reqs} requests received, {sessions} sessions opened in 1 s")
        row("3", f"self-loop: {label}", fig,
            "a target that is the relay's own listening address: usage error, exit 2",
            refused and rc == 2)

    base = free_port()
    many = [f"127.0.0.1:{20000 + (base + i) % 40000}" for i in range(65)]
    rc, refused, *_ = relay_attempt(letter, ["127.0.0.1", str(P)], many, tmp)
    row("3", "relay with 65 distinct --to targets",
        f"{'refused' if refused else 'ACCEPTED'}, {exit_word(rc)}",
        "at most 64 targets: usage error, exit 2", refused and rc == 2)

    Q = free_port()
    rc, refused, *_ = relay_attempt(letter, ["127.0.0.1", str(P)],
                                    [f"127.0.0.1:{Q}", f"127.0.0.1:{Q}"], tmp)
    row("3", "relay --to 127.0.0.1:Q --to 127.0.0.1:Q (the same target twice)",
        f"{'refused' if refused else 'ACCEPTED'}, {exit_word(rc)}",
        "the same target twice: usage error, exit 2", refused and rc == 2)

    # The same target under different spellings: how many copies reach it?
    spellings = ["127.0.0.1", "localhost", "127.1", "127.0.1", "2130706433", "0x7f000001",
                 "0x7f.1", "0x7f.0.1", "0x7f.0.0.1", "0177.0.0.1", "0177.1", "0177.0.1"]
    spellings += ["127.0.0." + "0" * k + "1" for k in range(1, 64 - len(spellings) + 1)]
    for n in (2, 64):
        sink = udp("127.0.0.1", 0)
        q = sink.getsockname()[1]
        tos = [f"{h}:{q}" for h in spellings[:n]]
        box = {}

        def client(q=q, box=box):
            send_udp("127.0.0.1", P, b"one")()
            box["counts"] = count_arrivals([sink], 0.7)
        rc, refused, reqs, sessions, err = relay_attempt(letter, ["127.0.0.1", str(P)], tos,
                                                         tmp, client, run_for=0.1)
        got = box.get("counts", {}).get(sink, 0)
        sink.close()
        shown = ", ".join(spellings[:n]) if n == 2 else \
            f"{n} spellings of 127.0.0.1 (localhost, 127.1, 2130706433, 0x7f000001, 0177.0.0.1, 127.0.0.01, …)"
        fig = (f"refused, {exit_word(rc)}" if refused else
               f"ACCEPTED; one datagram in → {got} datagrams at the one target")
        row("3", f"the same target twice, spelt differently: --to {shown}, port Q", fig,
            "the same target twice is a usage error; one datagram in is at most one out per target",
            (refused and rc == 2) or (not refused and got <= 1))

    # 64 distinct targets: one datagram in, count at the targets.
    sinks = [udp("127.0.0.1", 0) for _ in range(64)]
    box = {}

    def client64():
        send_udp("127.0.0.1", P, b"fan-out")()
        box["counts"] = count_arrivals(sinks, 0.7)
    try:
        rc, refused, reqs, sessions, err = relay_attempt(
            letter, ["127.0.0.1", str(P)], [f"127.0.0.1:{s.getsockname()[1]}" for s in sinks],
            tmp, client64, run_for=0.1)
    finally:
        counts = box.get("counts", {})
        for s in sinks:
            s.close()
    total = sum(counts.values())
    reached = sum(1 for v in counts.values() if v > 0)
    most = max(counts.values()) if counts else 0
    row("3", "relay with 64 distinct --to targets (Python sockets); one datagram in",
        ("refused, " + exit_word(rc)) if refused else
        f"{total} out: {reached} of 64 targets reached, at most {most} at any one",
        "64 targets allowed; at most one out per target (64 in all)",
        not refused and total == 64 and reached == 64 and most == 1)


# ---------------------------------------------------------------- 4. --reply ratio

NS_HOST_ADDR = "10.200.0.1"
NS_ADDR = "10.200.0.2"


def sh(*argv, check=True, input=None):
    r = subprocess.run(list(argv), input=input, capture_output=True, timeout=30)
    if check and r.returncode != 0:
        raise RuntimeError(f"{' '.join(argv)}: {r.stderr.decode(errors='replace').strip()}")
    return r


NAMESPACES = []       # cleaned in main's finally too, whatever failed


class Namespace:
    """A namespace and a veth pair; __enter__ registers it before making anything, so a
    half-made one is still deleted (by __exit__, or by main's finally)."""

    def __init__(self, addresses):
        tag = f"{os.getpid() % 100000}"
        self.name = f"letter-trials-{tag}"
        self.host_if = f"ltr{tag}h"
        self.ns_if = f"ltr{tag}n"
        self.addresses = addresses
        self.made = False

    def __enter__(self):
        NAMESPACES.append(self)
        self.made = True
        sh("ip", "netns", "add", self.name)
        sh("ip", "link", "add", self.host_if, "type", "veth", "peer", "name", self.ns_if)
        sh("ip", "link", "set", self.ns_if, "netns", self.name)
        sh("ip", "addr", "add", f"{NS_HOST_ADDR}/16", "dev", self.host_if)
        sh("ip", "link", "set", self.host_if, "up")
        batch = [f"addr add {NS_ADDR}/16 dev {self.ns_if}"]
        batch += [f"addr add {a}/16 dev {self.ns_if}" for a in self.addresses]
        batch += [f"link set {self.ns_if} up", "link set lo up"]
        sh("ip", "-n", self.name, "-batch", "-", input="\n".join(batch).encode() + b"\n")
        return self

    def __exit__(self, *exc):
        self.cleanup()

    def cleanup(self):
        if not self.made:
            return
        sh("ip", "netns", "del", self.name, check=False)
        if sh("ip", "link", "show", self.host_if, check=False).returncode == 0:
            sh("ip", "link", "del", self.host_if, check=False)
        self.made = False


def flood_child(args):
    """Runs inside the namespace: SOCKETS sources (addresses × ports) send 10-byte
    requests round-robin for SECONDS, then listen WAIT more; prints one JSON object."""
    addrs = args.flood_addrs.split(",")
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = len(addrs) * args.flood_ports + 64
    if soft < wanted:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(wanted, hard), hard))
    socks = []
    for a in addrs:
        for _ in range(args.flood_ports):
            s = udp(a, 0, rcvbuf=1 << 20)
            s.setblocking(False)
            socks.append(s)
    sel = selectors.DefaultSelector()
    for s in socks:
        sel.register(s, selectors.EVENT_READ)
    st = {"replies": 0, "reply_bytes": 0, "first_reply": None, "last_reply": None,
          "reply_sources": set()}

    def drain(timeout):
        for key, _ in sel.select(timeout):
            for _ in range(64):
                try:
                    data = key.fileobj.recv(65535)
                except BlockingIOError:
                    break
                now = time.monotonic()
                st["replies"] += 1
                st["reply_bytes"] += len(data)
                st["first_reply"] = st["first_reply"] or now
                st["last_reply"] = now
                st["reply_sources"].add(key.fileobj.getsockname()[0])

    dest = (args.flood_target, args.flood_port)
    payload = b"0123456789"
    sent = 0
    started = time.monotonic()
    end = started + args.flood_seconds
    while time.monotonic() < end:
        for s in socks:
            try:
                s.sendto(payload, dest)
                sent += 1
            except BlockingIOError:
                drain(0.001)
        drain(0)
    flood_end = time.monotonic()
    deadline = flood_end + args.flood_wait
    while time.monotonic() < deadline:
        drain(max(0.0, deadline - time.monotonic()))
    print(json.dumps({
        "sent": sent, "sent_bytes": sent * len(payload), "sources": len(socks),
        "addresses": len(addrs), "seconds": flood_end - started,
        "replies": st["replies"], "reply_bytes": st["reply_bytes"],
        "reply_addresses": len(st["reply_sources"]),
        "reply_span": (st["last_reply"] - st["first_reply"]) if st["replies"] > 1 else 0.0,
    }))


def section_reply_ratio(letter, seconds, script):
    text = ("0123456789" * 6000)          # 60,000 bytes of text
    n_addrs, per = 200, 10                  # 200 addresses × 10 ports = 2,000 sources
    addrs = [f"10.200.1.{i + 1}" for i in range(n_addrs)]
    ns = Namespace(addrs)
    try:
        ns.__enter__()
        listener = Proc([letter, "listen", "--reply", text, "--stats", NS_HOST_ADDR, "0"],
                        stdout=subprocess.DEVNULL)
        try:
            m = listener.wait_stderr(r"listening on \('[\d.]+', (\d+)\)", 3)
            if not m:
                raise RuntimeError("listener did not start: " + listener.stderr_text)
            port = int(m.group(1))
            flood = Proc(["ip", "netns", "exec", ns.name, sys.executable, script, "--flood-child",
                          "--flood-target", NS_HOST_ADDR, "--flood-port", str(port),
                          "--flood-addrs", ",".join(addrs), "--flood-ports", str(per),
                          "--flood-seconds", str(seconds), "--flood-wait", "1.0"])
            rc = flood.wait(seconds + 30)
            if rc is None:
                flood.stop()
            listener.stop()
        finally:
            listener.stop()
    finally:
        ns.cleanup()
    if rc != 0:
        raise RuntimeError(f"flood child {exit_word(rc)}: {flood.stderr_text.strip()}")
    f = json.loads(flood.stdout_text.strip().splitlines()[-1])
    summary = listener.stderr_text
    recv = re.search(r"received (\d+) datagrams? \((\d+) bytes\) from (\d+) senders?", summary)
    sent_m = re.search(r"(\d+) replies sent", summary)
    held = re.search(r"(\d+) held back", summary)
    drops = re.search(r"(\d+) dropped by the kernel", summary)
    replies_sent = int(sent_m.group(1)) if sent_m else 0
    got = int(recv.group(1)) if recv else 0
    got_bytes = int(recv.group(2)) if recv else 0
    D = f["seconds"]
    # README: one token per 1,500 bytes begun → a 60,000-byte reply costs 40 tokens;
    # per address 10 tokens/s (burst 10: a dearer reply goes when the bucket is full,
    # at most once a second); in total 100 tokens/s, burst 100 → 2.5 replies/s,
    # 150 kB/s, plus the starting burst (100 tokens: 2 replies).
    cost = -(-len(text) // 1500)
    predicted_max = int((100 + 100 * D) // cost)
    out_bytes = replies_sent * len(text)
    ratio = out_bytes / got_bytes if got_bytes else float("inf")
    ratio_sent = out_bytes / f["sent_bytes"] if f["sent_bytes"] else float("inf")
    row("4", f"listen --reply <60,000-byte text> on {NS_HOST_ADDR}; flood of 10-byte requests "
             f"from a netns over veth: {f['sources']} sources ({f['addresses']} addresses × "
             f"{per} ports) for {D:.2f} s",
        f"requests: {f['sent']:,} sent, {got:,} received by letter ({got_bytes:,} B) from "
        f"{recv.group(3) if recv else '?'} senders, {drops.group(1) if drops else '?'} dropped by "
        f"the kernel; replies: {replies_sent} sent ({out_bytes:,} B), "
        f"{held.group(1) if held else 0} held back; at the flood: {f['replies']} replies "
        f"({f['reply_bytes']:,} B) to {f['reply_addresses']} addresses",
        "never a reflector or an amplifier; limit charged by size (README)",
        replies_sent <= predicted_max and f["reply_bytes"] <= out_bytes)
    row("4", "--reply byte ratio (bytes out / bytes in) in that flood",
        f"{ratio:.4f} (of bytes letter received; {ratio_sent:.4f} of bytes sent); "
        f"{out_bytes / D / 1000:.1f} kB/s out, {replies_sent / D:.2f} replies/s",
        f"README predicts ≤ 100 + 100·t tokens at {cost} tokens a reply: ≤ {predicted_max} "
        f"replies ({predicted_max * len(text):,} B) in {D:.2f} s, i.e. 2.5 replies/s = 150 kB/s "
        f"after a 2-reply burst; ratio < 1 at this flood rate",
        replies_sent <= predicted_max and ratio < 1)


# ---------------------------------------------------------------- 5. --rate

SO_TIMESTAMPNS = 35


def cpu_times():
    """(busy, total) jiffies of all CPUs from /proc/stat."""
    with open("/proc/stat") as f:
        v = [int(x) for x in f.readline().split()[1:]]
    idle = v[3] + v[4]
    return sum(v) - idle, sum(v)


def rate_trial(letter, n, lines_path, count, live):
    """letter send --rate n of the file's lines into a Python socket; the rate from the
    kernel receive times (SO_TIMESTAMPNS) of the first and last datagram. live: read
    while letter sends (the reader competes for the CPUs); else the datagrams wait in a
    512 MiB receive buffer and are read after letter has ended."""
    rx = udp("127.0.0.1", 0, rcvbuf=512 << 20)
    rx.setsockopt(socket.SOL_SOCKET, SO_TIMESTAMPNS, 1)
    port = rx.getsockname()[1]
    b0, t0 = cpu_times()
    with open(lines_path, "rb") as stdin:
        p = Proc([letter, "send", "--stats", "--rate", str(n), "127.0.0.1", str(port)],
                 stdin=stdin, stdout=subprocess.DEVNULL)
    got = 0
    first = last = None
    rc = None
    try:
        if not live:
            rc = p.wait(count / n + 15)
            b1, t1 = cpu_times()
        rx.settimeout(1.0 if live else 0.3)
        hard_deadline = time.monotonic() + count / n + 15
        while got < count and time.monotonic() < hard_deadline:
            try:
                _, anc, _, _ = rx.recvmsg(64, 64)
            except socket.timeout:
                if p.p.poll() is not None:
                    break
                continue
            got += 1
            for level, kind, data in anc:
                if level == socket.SOL_SOCKET and kind == SO_TIMESTAMPNS:
                    sec, nsec = struct.unpack("qq", data[:16])
                    last = sec + nsec / 1e9
                    if first is None:
                        first = last
        if rc is None:
            rc = p.wait(5)
        if live:
            b1, t1 = cpu_times()
    finally:
        p.stop()
        rx.close()
    stats = re.search(r"sent (\d+) datagrams .*? in ([\d.]+) s, (\d+)/s", p.stderr_text)
    achieved = (got - 1) / (last - first) if got > 1 and last > first else 0.0
    busy = 100.0 * (b1 - b0) / max(1, t1 - t0)   # all CPUs, over the send
    return achieved, got, rc, stats, busy


def section_rate(letter, tmp):
    for n, live in ((20000, False), (50000, False), (100000, False), (100000, True)):
        count = 3 * n
        path = os.path.join(tmp, f"lines-{n}.txt")
        with open(path, "w") as f:
            f.write("".join(f"{i}\n" for i in range(1, count + 1)))
        achieved, got, rc, stats, busy = rate_trial(letter, n, path, count, live)
        off = (achieved - n) / n * 100
        err = abs(off)
        how = ("a Python receiver reading as they come (it competes for the CPUs)" if live else
               "a Python socket read after the send (512 MiB receive buffer)")
        row("5", f"send --rate {n:,} of {count:,} stdin lines (a regular file) into {how}; "
                 "rate from the kernel receive times, first to last",
            f"{achieved:,.0f}/s ({off:+.2f} %), {got:,} of {count:,} received, {exit_word(rc)}"
            + (f"; letter's --stats {int(stats.group(3)):,}/s" if stats else "")
            + f"; all CPUs {busy:.0f} % busy meanwhile",
            "within 2 % of N (for N up to 80 % of the unpaced rate)", err <= 2.0)
        os.unlink(path)
    # The unpaced rate, for the 80 % bound (letter's own --stats; receiver not read).
    count = 300000
    path = os.path.join(tmp, "lines-unpaced.txt")
    with open(path, "w") as f:
        f.write("".join(f"{i}\n" for i in range(1, count + 1)))
    sink = udp("127.0.0.1", 0)
    with open(path, "rb") as stdin:
        p = Proc([letter, "send", "--stats", "127.0.0.1", str(sink.getsockname()[1])],
                 stdin=stdin, stdout=subprocess.DEVNULL)
    rc = p.wait(30)
    p.stop()
    sink.close()
    os.unlink(path)
    stats = re.search(r"(\d+)/s", p.stderr_text)
    unpaced = int(stats.group(1)) if stats else 0
    row("5", f"unpaced send of {count:,} stdin lines (letter's --stats), for the 80 % bound",
        f"{unpaced:,}/s, 80 % = {int(unpaced * 0.8):,}/s, {exit_word(rc)}",
        "100,000/s is within the 80 % bound (so the 2 % rule applies to it)",
        unpaced * 0.8 >= 100000)


# ---------------------------------------------------------------- main

def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--letter")
    ap.add_argument("--only", default="1,2,3,4,5", help="sections to run, e.g. 1,3")
    ap.add_argument("--flood-seconds", type=float, default=3.0)
    # internal: the flood, run inside the namespace
    ap.add_argument("--flood-child", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--flood-target", help=argparse.SUPPRESS)
    ap.add_argument("--flood-port", type=int, help=argparse.SUPPRESS)
    ap.add_argument("--flood-addrs", help=argparse.SUPPRESS)
    ap.add_argument("--flood-ports", type=int, help=argparse.SUPPRESS)
    ap.add_argument("--flood-wait", type=float, default=1.0, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.flood_child:
        flood_child(args)
        return 0
    if not args.letter:
        ap.error("--letter PATH is required")
    letter = os.path.abspath(args.letter)
    if not os.access(letter, os.X_OK):
        ap.error(f"{letter} is not an executable file")
    only = set(args.only.split(","))

    # SIGTERM/SIGHUP to this script run the finally blocks too.
    def as_exit(signum, frame):
        raise SystemExit(128 + signum)
    signal.signal(signal.SIGTERM, as_exit)
    signal.signal(signal.SIGHUP, as_exit)

    started = time.monotonic()
    tmp = tempfile.mkdtemp(prefix="letter-trials-")
    sections = [("1", "ping", lambda: section_ping(letter)),
                ("2", "socket files", lambda: section_socket_files(letter, tmp)),
                ("3", "relay", lambda: section_relay(letter, tmp)),
                ("4", "--reply ratio", lambda: section_reply_ratio(letter, args.flood_seconds,
                                                                   os.path.abspath(__file__))),
                ("5", "--rate", lambda: section_rate(letter, tmp))]
    try:
        for key, name, run in sections:
            if key not in only:
                continue
            t0 = time.monotonic()
            try:
                run()
            except Exception as e:  # one section's breakage is a row, not the end
                row(key, f"{name}: the trial itself", f"could not run: {type(e).__name__}: {e}",
                    "the trial runs", False)
            print(f"[section {key} {name}: {time.monotonic() - t0:.1f} s]", file=sys.stderr)
    finally:
        end_all_children()
        for ns in NAMESPACES:
            ns.cleanup()
        shutil.rmtree(tmp, ignore_errors=True)
    with open("/proc/loadavg") as f:
        load = " ".join(f.read().split()[:3])
    print(f"Trials of `{letter}` ({run_bounded([letter, '--version'], 5)[1].strip()}), "
          f"{time.strftime('%Y-%m-%d %H:%M:%S %Z')}, {time.monotonic() - started:.0f} s, "
          f"{os.cpu_count()} CPUs, load average at the end {load}:\n")
    failed = print_table()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
