"""The two I/O backends: --io uring (the default) and --io epoll relay the same way, ternd says in its
"ternd started" line which one runs, and uring falls back to epoll, with one warning, when io_uring
cannot be set up (forced here with TERN_DISABLE_IO_URING).

These tests choose the backend themselves, so TERN_EXTRA_ARGS (which may carry --io) is ignored.
"""

import os
import re
import signal
import socket
import struct
import threading
import time

import pytest

from harness import wait_until
from stun_client import (CHANNEL_BIND, INDICATION, SUCCESS, XOR_PEER_ADDRESS, XOR_RELAYED_ADDRESS, Message,
                         StunClient, encode, xor_address)

USER, PASSWORD = "alice", "wonderland"
SEND, DATA_METHOD = 0x006, 0x007
CHANNEL_NUMBER, DATA = 0x000C, 0x0013
CHANNEL = 0x4000
# Up to a few KiB: over any 1500-byte MTU, within one io_uring receive buffer (4 KiB with its prefix).
PAYLOAD_SIZES = [1, 3, 1200, 3000]
UNAVAILABLE = "io_uring unavailable"


@pytest.fixture
def own_backend(monkeypatch):
    monkeypatch.delenv("TERN_EXTRA_ARGS", raising=False)
    monkeypatch.delenv("TERN_DISABLE_IO_URING", raising=False)


def port_is_free(address):
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.bind(address)
            return True
        except OSError:
            return False


def running_backend(server):
    return server.wait_log(r"ternd started .* io=(\w+)").group(1)


def skip_without_io_uring(server):
    if UNAVAILABLE in server.log_text():
        pytest.skip("io_uring is not available on this host")


class Relay:
    """A client with an allocation, a permission and a channel to `peer`, reading frames back."""

    def __init__(self, server, transport, peer):
        self.transport = transport
        self.peer = peer
        self.client = StunClient(server.addr, transport, USER, PASSWORD)
        self.buffer = b""
        alloc = self.client.allocate()
        assert alloc.cls == SUCCESS, alloc
        self.relayed = alloc.xor_address(XOR_RELAYED_ADDRESS)
        assert self.client.create_permission(*peer).cls == SUCCESS
        bind = self.client.request(CHANNEL_BIND, [(CHANNEL_NUMBER, struct.pack("!HH", CHANNEL, 0)),
                                                  (XOR_PEER_ADDRESS, xor_address(*peer))])
        assert bind.cls == SUCCESS, bind

    def close(self):
        self.client.close()

    def send_indication(self, payload):
        self.client.sock.sendall(encode(SEND, INDICATION, os.urandom(12),
                                        [(XOR_PEER_ADDRESS, xor_address(*self.peer)), (DATA, payload)],
                                        fingerprint=False))

    def channel_data(self, payload):
        self.client.sock.sendall(struct.pack("!HH", CHANNEL, len(payload)) + payload + b"\0" * (-len(payload) % 4))

    def next_frame(self):
        """The next datagram (UDP) or whole frame (TCP) from the server."""
        self.client.sock.settimeout(5.0)
        if self.transport == "udp":
            return self.client.sock.recv(65536)
        while True:
            if len(self.buffer) >= 4:
                first, length = struct.unpack("!HH", self.buffer[:4])
                total = 4 + length + (-length % 4) if (first & 0xC000) == 0x4000 else 20 + length
                if len(self.buffer) >= total:
                    frame, self.buffer = self.buffer[:total], self.buffer[total:]
                    return frame
            chunk = self.client.sock.recv(65536)
            assert chunk, "server closed the connection"
            self.buffer += chunk

    def next_payload(self):
        """The payload of the next Data indication or ChannelData, and which of the two it came in."""
        frame = self.next_frame()
        first, length = struct.unpack("!HH", frame[:4])
        if (first & 0xC000) == 0x4000:
            assert first == CHANNEL
            return "channel", frame[4:4 + length]
        msg = Message(frame)
        assert (msg.method, msg.cls) == (DATA_METHOD, INDICATION), msg
        assert msg.xor_address(XOR_PEER_ADDRESS) == self.peer
        return "indication", msg.get(DATA)


def relay_round_trips(server, transport, echo_peer):
    """Every payload size, out by Send indication and by ChannelData, echoed back by the peer."""
    relay = Relay(server, transport, echo_peer.addr)
    try:
        for size in PAYLOAD_SIZES:
            payload = os.urandom(size)
            relay.send_indication(payload)
            # The channel is bound, so the echo comes back as ChannelData (RFC 8656 §12.2).
            assert relay.next_payload() == ("channel", payload)
            relay.channel_data(payload)
            assert relay.next_payload() == ("channel", payload)
    finally:
        relay.close()


@pytest.mark.parametrize("backend", ["uring", "epoll"])
def test_the_backend_asked_for_runs(ternd, own_backend, backend):
    server = ternd("--io", backend, "--threads", "2")
    if backend == "uring":
        skip_without_io_uring(server)
    assert running_backend(server) == backend
    assert UNAVAILABLE not in server.log_text()


def test_uring_is_the_default(ternd, own_backend):
    server = ternd()
    skip_without_io_uring(server)
    assert running_backend(server) == "uring"


@pytest.mark.parametrize("transport", ["udp", "tcp"])
@pytest.mark.parametrize("backend", ["uring", "epoll"])
def test_both_backends_relay_in_both_directions(ternd, own_backend, echo_peer, backend, transport):
    server = ternd("--io", backend, "--user", f"{USER}:{PASSWORD}")
    relay_round_trips(server, transport, echo_peer)
    assert running_backend(server) in (backend, "epoll")


def test_unavailable_io_uring_falls_back_to_epoll_with_one_warning(ternd, own_backend, echo_peer, monkeypatch):
    monkeypatch.setenv("TERN_DISABLE_IO_URING", "1")
    server = ternd("--io", "uring", "--threads", "3", "--user", f"{USER}:{PASSWORD}")
    assert running_backend(server) == "epoll"
    warnings = [line for line in server.log_text().splitlines() if UNAVAILABLE in line]
    assert len(warnings) == 1, warnings
    assert "io_uring unavailable (disabled by TERN_DISABLE_IO_URING); using epoll" in warnings[0]
    relay_round_trips(server, "udp", echo_peer)


def test_many_relays_open_and_close(ternd, own_backend, echo_peer):
    """Relay sockets come and go (each close cancels its multishot receive) and ports are reused."""
    server = ternd("--io", "uring", "--user", f"{USER}:{PASSWORD}")
    skip_without_io_uring(server)
    for _ in range(3):
        relays = [Relay(server, "udp", echo_peer.addr) for _ in range(8)]  # half the 16-port range
        for relay in relays:
            relay.channel_data(b"ping")
            assert relay.next_payload() == ("channel", b"ping")
            assert relay.client.refresh(0).cls == SUCCESS
            relay.close()
    wait_until(lambda: port_is_free(relays[0].relayed), 5.0, what="the closed relay's port to be free")


def test_datagram_above_the_receive_buffer_is_dropped_with_a_warning(ternd, own_backend, echo_peer):
    """A known limit of the uring backend: one provided buffer (4 KiB) per datagram."""
    server = ternd("--io", "uring", "--user", f"{USER}:{PASSWORD}")
    skip_without_io_uring(server)
    relay = Relay(server, "udp", echo_peer.addr)
    try:
        relay.channel_data(os.urandom(6000))
        server.wait_log(r"datagram larger than an io_uring receive buffer dropped")
        relay.channel_data(b"still relaying")
        assert relay.next_payload() == ("channel", b"still relaying")
    finally:
        relay.close()
    assert len(re.findall("datagram larger", server.log_text())) == 1


def burst_payloads():
    """Two runs of equal sizes split by a shorter datagram: the shapes UDP GSO batches and ends."""
    return [bytes([i]) * 300 for i in range(40)] + [b"short datagram"] + \
           [bytes([100 + i]) * 300 for i in range(40)]


@pytest.mark.parametrize("transport", ["udp", "tcp"])
@pytest.mark.parametrize("backend", ["uring", "epoll"])
def test_bursts_to_one_destination_arrive_as_the_datagrams_sent(ternd, own_backend, backend, transport):
    """A burst that waits in the socket while ternd is stopped is relayed in one loop turn, where both
    backends send runs of equal datagrams to one destination as one UDP GSO send (from receive
    buffers, or copied from a TCP client's stream). Either way the receiver must get every datagram on
    its own, whole and in order, in both directions."""
    server = ternd("--io", backend, "--user", f"{USER}:{PASSWORD}")
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as peer:
        peer.bind(("127.0.0.1", 0))
        peer.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
        peer.settimeout(5.0)
        relay = Relay(server, transport, peer.getsockname())
        relay.client.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
        try:
            relay.channel_data(b"hello")  # the peer learns the relayed address
            assert peer.recvfrom(2048) == (b"hello", relay.relayed)
            payloads = burst_payloads()

            server.send_signal(signal.SIGSTOP)
            try:
                for p in payloads:
                    relay.channel_data(p)
            finally:
                server.send_signal(signal.SIGCONT)
            received = [peer.recvfrom(2048) for _ in payloads]
            assert [data for data, _ in received] == payloads
            assert {source for _, source in received} == {relay.relayed}

            server.send_signal(signal.SIGSTOP)
            try:
                for p in payloads:
                    peer.sendto(p, relay.relayed)
            finally:
                server.send_signal(signal.SIGCONT)
            assert [relay.next_payload() for _ in payloads] == [("channel", p) for p in payloads]
        finally:
            relay.close()


@pytest.mark.parametrize("backend", ["uring", "epoll"])
def test_a_large_tcp_burst_is_relayed_whole(ternd, own_backend, backend):
    """A TCP client's burst of ~1 MiB, queued in the sockets while ternd is stopped, arrives at the
    peer whole and in order: reads that fill the stream buffer go on (within a turn's share, then in
    the next turn) until the socket is empty."""
    server = ternd("--io", backend, "--user", f"{USER}:{PASSWORD}")
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as peer:
        peer.bind(("127.0.0.1", 0))
        peer.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 8 << 20)
        peer.settimeout(5.0)
        relay = Relay(server, "tcp", peer.getsockname())
        try:
            payloads = [i.to_bytes(4, "big") * 300 for i in range(800)]  # 800 x 1200 bytes
            stream = b"".join(struct.pack("!HH", CHANNEL, len(p)) + p for p in payloads)
            relay.client.sock.settimeout(20.0)
            server.send_signal(signal.SIGSTOP)
            sender = threading.Thread(target=relay.client.sock.sendall, args=(stream,))
            try:
                sender.start()
                time.sleep(0.3)  # the socket buffers fill while nothing reads them
            finally:
                server.send_signal(signal.SIGCONT)
            received = [peer.recv(2048) for _ in payloads]
            sender.join(20.0)
            assert received == payloads
        finally:
            relay.close()


def cpu_seconds(pid):
    """User plus system CPU time of every thread of `pid` so far (/proc/PID/stat, clock ticks)."""
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@pytest.mark.parametrize("idle_poll", ["0", "1000"])
@pytest.mark.parametrize("backend", ["uring", "epoll"])
def test_both_backends_relay_with_and_without_idle_polling(ternd, own_backend, echo_peer, backend, idle_poll):
    """--idle-poll-us 0 sleeps as soon as a turn is done; 1000 (the most allowed) keeps the loop
    polling a millisecond after each burst. Either way every datagram is relayed."""
    server = ternd("--io", backend, "--idle-poll-us", idle_poll, "--user", f"{USER}:{PASSWORD}")
    relay_round_trips(server, "udp", echo_peer)


@pytest.mark.parametrize("backend", ["uring", "epoll"])
def test_idle_polling_stops_when_traffic_does(ternd, own_backend, echo_peer, backend):
    """A window opens only after work and closes a window's length later: once traffic stops, a
    shard polling with the longest window (1 ms) sleeps again and spends no CPU. A loop that kept
    polling would spend about a CPU-second per second here."""
    server = ternd("--io", backend, "--threads", "2", "--idle-poll-us", "1000", "--user", f"{USER}:{PASSWORD}")
    relay_round_trips(server, "udp", echo_peer)
    time.sleep(0.2)
    before = cpu_seconds(server.proc.pid)
    time.sleep(2.0)
    spent = cpu_seconds(server.proc.pid) - before
    assert spent < 0.2, f"ternd spent {spent:.2f} CPU-seconds in 2 s with no traffic"
