"""End-to-end tests of ternd, driven by third-party TURN clients on loopback.

Run from the repository root, after building ternd:

    TERN_BIN_DIR=build/bin python3 -m pytest tests/integration -q

TERN_BIN_DIR (default: <repo>/build/bin) holds ternd. Needs the Debian packages coturn (for
turnutils_uclient and turnutils_peer), python3-aioice and python3-pytest; use the python3 those
packages belong to (/usr/bin/python3). Every process runs on 127.0.0.1 with ports picked free per
test; ternd's stderr is attached to the report of a failing test.
"""

import shutil
import socket
import subprocess
import sys

import pytest

try:
    import aioice  # noqa: F401
except ImportError:  # a python3 other than Debian's (pyenv, venv): borrow its pure-Python packages
    sys.path.append("/usr/lib/python3/dist-packages")

from harness import (  # noqa: E402
    LOOPBACK, TERND, Ternd, UdpEchoPeer, free_port, free_port_range, wait_until)


def pytest_configure(config):
    if not TERND.exists():
        raise pytest.UsageError(f"{TERND} not found: build ternd or set TERN_BIN_DIR")


class TerndFactory:
    """Starts ternd processes for one test; each gets its own listen port and relay port range."""

    def __init__(self, workdir):
        self.workdir = workdir
        self.started = []

    def __call__(self, *args, allow_peer=True, relay_ports=True, wait=True, nofile=None):
        args = list(args)
        if allow_peer:
            args += ["--allow-peer", "127.0.0.0/8"]
        if relay_ports:
            low, high = free_port_range()
            args += ["--relay-ports", f"{low}-{high}"]
        ternd = Ternd(self.workdir, f"ternd{len(self.started)}", args, nofile=nofile)
        self.started.append(ternd)
        return ternd.wait_ready() if wait else ternd

    def report_sections(self):
        return [(f"{t.name} stderr ({' '.join(t.args[1:])})", t.log_text()) for t in self.started]

    def stop_all(self):
        for t in self.started:
            t.stop()


@pytest.fixture
def ternd(tmp_path):
    """Factory: ternd(*extra_args, allow_peer=True, relay_ports=True, nofile=None) -> a started, ready
    Ternd; nofile=(soft, hard) sets the open-file limit it starts with."""
    factory = TerndFactory(tmp_path)
    yield factory
    factory.stop_all()
    # A sanitizer build (scripts/test.sh runs the suite against one) reports into ternd's stderr; a
    # finding fails the test even when ternd kept answering, or found it only while shutting down.
    for name, text in factory.report_sections():
        for marker in ("AddressSanitizer", "LeakSanitizer", "runtime error:"):
            if marker in text:
                pytest.fail(f"{marker} in {name}:\n{text[-4000:]}")


@pytest.fixture
def echo_peer():
    """A UDP echo peer on 127.0.0.1 (Python); .addr is its (ip, port)."""
    peer = UdpEchoPeer()
    yield peer
    peer.close()


@pytest.fixture(scope="module")
def turnutils_peer():
    """coturn's turnutils_peer UDP echo on 127.0.0.1; yields its port."""
    exe = shutil.which("turnutils_peer")
    if exe is None:
        pytest.fail("turnutils_peer not found (apt-get install coturn)")
    port = free_port()
    proc = subprocess.Popen([exe, "-L", LOOPBACK, "-p", str(port)], stdin=subprocess.DEVNULL,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_until(lambda: _udp_port_taken(port) or proc.poll() is not None, 10, what="turnutils_peer")
        assert proc.poll() is None, "turnutils_peer exited"
        yield port
    finally:
        proc.kill()
        proc.wait(10)


def _udp_port_taken(port):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        s.bind((LOOPBACK, port))
        return False
    except OSError:
        return True
    finally:
        s.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Attaches the stderr of every ternd the test used to the report of a failing test."""
    outcome = yield
    report = outcome.get_result()
    if not report.failed:
        return
    for value in getattr(item, "funcargs", {}).values():
        sections = getattr(value, "report_sections", None)
        if callable(sections):
            for title, text in sections():
                report.sections.append((title, text))
