"""The packet path allocates nothing: ternd relays steady traffic from tern-bench (ChannelData and Send
indications over UDP, ChannelData over TCP) with an allocation counter preloaded
(tests/support/malloc_counter.c), which reports its count on SIGUSR2. Two readings a second and a half
apart, with tens of thousands of datagrams relayed between them, must be equal. The backend and shard
count come from TERN_EXTRA_ARGS, so scripts/test.sh runs this on both backends."""

import json
import re
import signal
import subprocess
import time

import pytest

from harness import BIN_DIR, LOOPBACK

USER, PASSWORD = "bench", "bench-password"
COUNTER = BIN_DIR / "libtern_malloc_counter.so"
BENCH = BIN_DIR / "tern-bench"


def allocation_counts(server):
    return [int(n) for n in re.findall(r"tern-malloc-count (\d+)", server.log_text())]


def reading(server, previous):
    server.send_signal(signal.SIGUSR2)
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        counts = allocation_counts(server)
        if len(counts) > previous:
            return counts[-1]
        time.sleep(0.02)
    raise AssertionError(f"no allocation count in ternd's log:\n{server.log_text()}")


@pytest.mark.parametrize("idle_poll", ["0", "10"], ids=["sleeping", "idle-polling"])
@pytest.mark.parametrize("path", [["--transport", "udp"], ["--transport", "udp", "--indications"],
                                  ["--transport", "tcp"]], ids=["udp-channel", "udp-indication", "tcp-channel"])
def test_steady_relaying_allocates_nothing(ternd, echo_peer, monkeypatch, tmp_path, path, idle_poll):
    for needed in (COUNTER, BENCH):
        if not needed.exists():
            pytest.fail(f"{needed} not found: build the tests and tern-bench, or set TERN_BIN_DIR")
    monkeypatch.setenv("LD_PRELOAD", str(COUNTER))
    server = ternd("--user", f"{USER}:{PASSWORD}", "--no-http", "--log-level", "warning", "--idle-poll-us", idle_poll)
    monkeypatch.delenv("LD_PRELOAD")
    report = tmp_path / "report.json"
    bench = subprocess.Popen(
        [str(BENCH), "--server", f"{LOOPBACK}:{server.port}", "--user", f"{USER}:{PASSWORD}",
         "--peer", f"{echo_peer.addr[0]}:{echo_peer.addr[1]}", "--clients", "4", "--window", "4",
         "--size", "200", "--warmup", "1", "--duration", "3", "--quiet", "--json", str(report), *path],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    try:
        time.sleep(2.0)  # set-up done, warm-up over: only the data path is busy now
        before = reading(server, 0)
        time.sleep(1.5)
        after = reading(server, 1)
        output = bench.communicate(timeout=60)[0].decode(errors="replace")
    finally:
        if bench.poll() is None:
            bench.kill()
            bench.wait()
    assert bench.returncode == 0, output
    data = json.loads(report.read_text())
    relayed_between = data["traffic"]["received"] * 1.5 / data["traffic"]["seconds"]
    assert relayed_between > 1000, (data["traffic"], output)  # traffic did flow between the readings
    assert after == before, f"{after - before} allocations while relaying steady traffic"
