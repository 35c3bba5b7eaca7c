"""Binding over both transports, wildcard listeners answering from the address written to, a clean
exit on SIGTERM/SIGINT with live allocations, and a prompt, named failure when the listen address is
taken."""

import os
import signal
import socket
import struct
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


def raw_binding(family, address):
    """A bare STUN Binding request from a connected UDP socket, which takes an answer only from the
    address it wrote to; True when the success response for it came back."""
    with socket.socket(family, socket.SOCK_DGRAM) as s:
        s.settimeout(2.0)
        s.connect(address)
        transaction = os.urandom(12)
        s.send(struct.pack("!HHI", 0x0001, 0, 0x2112A442) + transaction)
        answer = s.recv(2048)
        return answer[:2] == b"\x01\x01" and answer[8:20] == transaction


def test_wildcard_listeners_answer_from_the_address_written_to(ternd):
    # Sent to 127.0.0.2, a reply routed normally would leave from 127.0.0.1 and the connected socket
    # would drop it: ternd must name the source (IP_PKTINFO / IPV6_PKTINFO) on both backends.
    port = free_port()
    ternd("--listen", f"0.0.0.0:{port}", "--listen", f"[::]:{port}")
    assert raw_binding(socket.AF_INET, ("127.0.0.2", port))
    assert raw_binding(socket.AF_INET6, ("::1", port))


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
