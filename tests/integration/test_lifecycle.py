"""Binding over both transports, and a clean exit on SIGTERM/SIGINT with live allocations."""

import signal
import subprocess

import pytest

from harness import stun_binding
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
