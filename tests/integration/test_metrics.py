"""--prometheus: ternd serves Prometheus metrics over HTTP (prometheus-cpp's exposer), read here with a
real HTTP client. Counters are per shard and published once a second, so the tests sum the shards and
wait for the figures to arrive."""

import os
import re
import socket
import struct
import urllib.error
import urllib.request

import pytest

from harness import free_port, wait_until
from stun_client import CHANNEL_BIND, SUCCESS, XOR_PEER_ADDRESS, StunClient, xor_address

USER, PASSWORD = "alice", "wonderland"
CHANNEL_NUMBER = 0x000C
CHANNEL = 0x4000


def scrape(port):
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as response:
        assert response.status == 200
        assert response.headers["Content-Type"].startswith("text/plain")
        return response.read().decode()


def total(text, name, **labels):
    """The sum over shards of the samples of `name` whose labels include `labels`."""
    value = 0.0
    for line in text.splitlines():
        m = re.match(rf"{name}\{{(.*)\}} (\S+)$", line)
        if not m:
            continue
        have = dict(re.findall(r'(\w+)="([^"]*)"', m.group(1)))
        if all(have.get(k) == v for k, v in labels.items()):
            value += float(m.group(2))
    return value


def test_metrics_count_allocations_relayed_packets_and_drops(ternd, echo_peer):
    port = free_port()
    server = ternd("--user", f"{USER}:{PASSWORD}", "--prometheus", "--prometheus-port", str(port))
    server.wait_log(rf"metrics served .*http://127\.0\.0\.1:{port}/metrics")

    with StunClient(server.addr, "udp", USER, PASSWORD) as client:
        assert client.allocate().cls == SUCCESS
        assert client.create_permission(*echo_peer.addr).cls == SUCCESS
        bind = client.request(CHANNEL_BIND, [(CHANNEL_NUMBER, struct.pack("!HH", CHANNEL, 0)),
                                             (XOR_PEER_ADDRESS, xor_address(*echo_peer.addr))])
        assert bind.cls == SUCCESS
        client.sock.settimeout(5.0)
        for _ in range(10):
            client.sock.sendall(struct.pack("!HH", CHANNEL, 8) + b"12345678")
            client.sock.recv(2048)
        client.sock.sendall(struct.pack("!HH", 0x4001, 4) + b"nope")  # a channel never bound
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as stray:
            stray.sendto(os.urandom(30), server.addr)  # neither STUN nor ChannelData

        def counted():
            text = scrape(port)
            return (total(text, "tern_allocations") == 1 and
                    total(text, "tern_relayed_packets_total", direction="to_peer") >= 10 and
                    total(text, "tern_relayed_packets_total", direction="to_client") >= 10 and
                    total(text, "tern_dropped_packets_total", reason="no_channel") >= 1 and
                    total(text, "tern_dropped_packets_total", reason="malformed") >= 1)
        wait_until(counted, 5.0, what="the counters to be published")
        text = scrape(port)
        assert total(text, "tern_allocations_created_total") == 1
        assert total(text, "tern_auth_failures_total", reason="no_credentials") >= 1  # the 401 challenge
        assert total(text, "tern_relayed_bytes_total", direction="to_peer") >= 80
        assert "# TYPE tern_dropped_packets_total counter" in text
        assert client.refresh(0).cls == SUCCESS
    wait_until(lambda: total(scrape(port), "tern_allocations_deleted_total") == 1, 5.0,
               what="the deletion to be counted")


def test_metrics_are_off_unless_asked_for_and_bind_loopback(ternd):
    port = free_port()
    ternd("--user", f"{USER}:{PASSWORD}", "--prometheus-port", str(port))
    with pytest.raises(urllib.error.URLError):
        scrape(port)

    server = ternd("--user", f"{USER}:{PASSWORD}", "--prometheus", "--prometheus-port", str(port))
    listening = server.wait_log(r"metrics served .*url=(\S+)")
    assert "127.0.0.1" in listening.group(0)
    assert "tern_requests_total" in scrape(port)


def test_a_taken_metrics_port_stops_ternd_with_a_clear_error(ternd):
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        server = ternd("--user", f"{USER}:{PASSWORD}", "--prometheus", "--prometheus-port", str(port), wait=False)
        assert server.proc.wait(10) == 1
        assert f"prometheus 127.0.0.1:{port}" in server.log_text()
