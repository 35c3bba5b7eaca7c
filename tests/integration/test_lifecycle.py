"""Binding over both transports, wildcard listeners answering from the address written to, a clean
exit on SIGTERM/SIGINT with live allocations, a prompt, named failure when the listen address is
taken, and the open-file limit and descriptor table prepared for the relay port range."""

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


def proc_field(pid, name, field):
    """A line's value from /proc/PID/<name> (status: 'FDSize:'; limits: 'Max open files')."""
    with open(f"/proc/{pid}/{name}") as f:
        for line in f:
            if line.startswith(field):
                return line[len(field):].split()
    raise AssertionError(f"no {field} in /proc/{pid}/{name}")


def test_open_file_limit_raised_and_descriptor_table_grown_at_start(ternd):
    # Each relay socket is a descriptor. The soft limit goes up to the hard one, as coturn does, and
    # the table is grown at start for the relay port range (16 ports here) plus 1024 others, so that
    # no doubling (an RCU grace period each, once threads exist) stalls a shard in a storm.
    server = ternd("--user", f"{USER}:{PASSWORD}", nofile=(256, 4096))
    soft, hard = proc_field(server.proc.pid, "limits", "Max open files")[:2]
    assert (soft, hard) == ("4096", "4096")
    assert int(proc_field(server.proc.pid, "status", "FDSize:")[0]) >= 16 + 1024
    server.wait_log(r"open files.*limit=4096.*raised_from=256")


def test_open_file_limit_below_relay_range_is_named(ternd):
    server = ternd("--relay-ports", "40000-49999", relay_ports=False, nofile=(2048, 2048))
    server.wait_log(r"open-file limit is below the relay port range.*limit=2048.*relay_sockets=10000")
    # The table is grown as far as the limit allows.
    assert int(proc_field(server.proc.pid, "status", "FDSize:")[0]) >= 2048
