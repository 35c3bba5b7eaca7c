"""Binding over both transports, a clean exit on SIGTERM/SIGINT with live allocations, and a prompt,
named failure when the listen address is taken."""

import os
import signal
import socket
import subprocess

import pytest

from harness import LOOPBACK, TERND, free_port, stun_binding
from stun_client import SUCCESS, StunClient

USER, PASSWORD = "alice", "wonderland"


@pytest.mark.parametrize("transport", ["udp", "tcp"])
def test_binding_reports_mapped_address(ternd, transport):
    server = ternd()
    mapped, local = stun_binding(server.port, transport, timeout=5.0)
    assert mapped == local


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_signal_ends_ternd_cleanly_with_allocations(ternd, signum):
    server = ternd("--user", f"{USER}:{PASSWORD}")
    clients = [StunClient(server.addr, t, USER, PASSWORD) for t in ("udp", "tcp")]
    try:
        for client in clients:
            assert client.allocate().cls == SUCCESS
        server.wait_log(r"(?s)allocation created.*allocation created")
        server.send_signal(signum)
        try:
            status = server.proc.wait(10)
        except subprocess.TimeoutExpired:
            pytest.fail(f"ternd still running 10 s after {signum.name}")
    finally:
        for client in clients:
            client.close()
    assert status == 0
    log = server.log_text()
    assert f"shutting down signal={signum.name} allocations=2" in log
    assert "ternd stopped" in log


def test_taken_listen_address_exits_1_naming_it():
    # The shards are built (on io_uring: their rings, which only their own threads may drive) before
    # the listen fails, and torn down without ever running: ternd must still exit at once.
    port = free_port()
    holder = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)  # no SO_REUSEPORT: ternd cannot share it
    holder.bind((LOOPBACK, port))
    try:
        argv = [str(TERND), "--listen", f"{LOOPBACK}:{port}", "--realm", "example.org",
                "--user", f"{USER}:{PASSWORD}", "--no-http", *os.environ.get("TERN_EXTRA_ARGS", "").split()]
        result = subprocess.run(argv, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=30)
    finally:
        holder.close()
    assert result.returncode == 1, result
    assert f"udp {LOOPBACK}:{port}: Address already in use" in result.stdout + result.stderr
