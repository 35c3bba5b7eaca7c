"""Process and port helpers for the integration tests: free loopback ports, a ternd process."""

import os
import random
import re
import resource
import signal
import socket
import subprocess
import threading
import time
from pathlib import Path

from stun_client import XOR_MAPPED_ADDRESS, StunClient

REPO = Path(__file__).resolve().parents[2]
BIN_DIR = Path(os.environ.get("TERN_BIN_DIR", REPO / "build" / "bin"))
if not BIN_DIR.is_absolute():
    BIN_DIR = (Path.cwd() / BIN_DIR).resolve()
TERND = BIN_DIR / "ternd"

LOOPBACK = "127.0.0.1"
START_TIMEOUT = 15.0  # a loaded 2-core machine can be slow to start a process
STOP_TIMEOUT = 10.0


def wait_until(predicate, timeout, interval=0.05, what="condition"):
    """Polls predicate until it returns a truthy value; raises AssertionError after timeout seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() >= deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(interval)


def _can_bind(kind, port):
    s = socket.socket(socket.AF_INET, kind)
    try:
        s.bind((LOOPBACK, port))
        return True
    except OSError:
        return False
    finally:
        s.close()


_handed_out = set()


def free_port():
    """A loopback port free for both UDP and TCP right now. Drawn from 10000-19999: below the relay
    ranges (20000-32000) and outside the kernel's ephemeral range, where any client socket opened
    after this check (ours or a peer's) could take the port before ternd binds it. Never the same port
    twice in one test run: a test that asks for two ports (the TURN listener and the HTTP API) before
    ternd binds either would otherwise, now and then, get one port for both."""
    for _ in range(200):
        port = random.randrange(10000, 20000)
        if port in _handed_out:
            continue
        if _can_bind(socket.SOCK_STREAM, port) and _can_bind(socket.SOCK_DGRAM, port):
            _handed_out.add(port)
            return port
    raise RuntimeError("no free loopback port found")


def free_port_range(width=16):
    """A MIN-MAX range of UDP ports, all free now, below the kernel's ephemeral range."""
    for _ in range(100):
        low = random.randrange(20000, 32000 - width)
        if all(_can_bind(socket.SOCK_DGRAM, p) for p in range(low, low + width)):
            return low, low + width - 1
    raise RuntimeError("no free relay port range found")


def stun_binding(port, transport="udp", timeout=1.0):
    """Sends a Binding request to 127.0.0.1:port; returns the XOR-MAPPED-ADDRESS (ip, port)."""
    with StunClient((LOOPBACK, port), transport, timeout=timeout) as client:
        resp = client.binding()
        assert resp.error_code is None, f"Binding failed: {resp}"
        return resp.xor_address(XOR_MAPPED_ADDRESS), client.local_address


class Ternd:
    """One ternd process on 127.0.0.1, its stderr written to a file."""

    def __init__(self, workdir, name, args, nofile=None):
        self.name = name
        self.port = free_port()
        self.addr = (LOOPBACK, self.port)
        self.log_path = Path(workdir) / f"{name}.stderr"
        # TERN_EXTRA_ARGS (split on spaces) is appended to every ternd command line, so the whole
        # suite can run against each I/O backend and shard count, e.g. "--io epoll --threads 2".
        extra = os.environ.get("TERN_EXTRA_ARGS", "").split()
        self.args = [str(TERND), "--listen", f"{LOOPBACK}:{self.port}"] + [str(a) for a in args] + extra
        self._log = open(self.log_path, "wb")
        # nofile=(soft, hard): the open-file limit ternd starts with.
        limit = (lambda: resource.setrlimit(resource.RLIMIT_NOFILE, nofile)) if nofile else None
        self.proc = subprocess.Popen(self.args, stdin=subprocess.DEVNULL, stdout=self._log,
                                     stderr=self._log, preexec_fn=limit)

    def log_text(self):
        return self.log_path.read_text(errors="replace")

    def wait_ready(self):
        """Waits until ternd answers a STUN Binding request over UDP."""
        def answers():
            if self.proc.poll() is not None:
                raise AssertionError(f"ternd exited with {self.proc.returncode}:\n{self.log_text()}")
            try:
                stun_binding(self.port, timeout=0.3)
                return True
            except (TimeoutError, OSError):
                return False
        wait_until(answers, START_TIMEOUT, interval=0.05, what=f"ternd on port {self.port}")
        return self

    def wait_log(self, pattern, timeout=10.0):
        """Waits until a line of the log matches the regular expression; returns the match."""
        regex = re.compile(pattern)
        return wait_until(lambda: regex.search(self.log_text()), timeout, what=f"log line /{pattern}/")

    def send_signal(self, signum):
        self.proc.send_signal(signum)

    def stop(self, signum=signal.SIGTERM):
        """Stops ternd (SIGKILL if it does not exit in time); returns the exit status."""
        if self.proc.poll() is None:
            self.proc.send_signal(signum)
            try:
                self.proc.wait(STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(STOP_TIMEOUT)
        self._log.close()
        return self.proc.returncode


class UdpEchoPeer:
    """A UDP echo server on 127.0.0.1 in a thread: the peer behind the relay."""

    def __init__(self):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind((LOOPBACK, 0))
        self.sock.settimeout(0.1)
        self.addr = self.sock.getsockname()
        self.received = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self):
        while not self._stop.is_set():
            try:
                data, source = self.sock.recvfrom(65536)
            except socket.timeout:
                continue
            except OSError:
                return
            self.received += 1
            self.sock.sendto(data, source)

    def close(self):
        self._stop.set()
        self._thread.join(5)
        self.sock.close()
