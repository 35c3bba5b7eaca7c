"""--udp-receive-buffer and --udp-send-buffer size every UDP socket ternd opens: its listeners and each
allocation's relay socket, on both I/O backends. The sizes are read back from the kernel with ss(8),
which reports twice the asked size (the kernel's bookkeeping half)."""

import re
import shutil
import subprocess

import pytest

from stun_client import SUCCESS, XOR_RELAYED_ADDRESS, StunClient

USER, PASSWORD = "alice", "wonderland"
RECEIVE, SEND = 3_000_000, 1_500_000


def socket_memory(port):
    """(rb, tb) of the UDP socket bound to `port`, from ss -uamn."""
    out = subprocess.run(["ss", "-uamnH", f"sport = :{port}"], capture_output=True, text=True, check=True).stdout
    m = re.search(r"rb(\d+),t\d+,tb(\d+)", out)
    assert m, f"ss printed no socket memory for port {port}: {out!r}"
    return int(m.group(1)), int(m.group(2))


@pytest.fixture
def own_backend(monkeypatch):
    monkeypatch.delenv("TERN_EXTRA_ARGS", raising=False)


@pytest.mark.skipif(shutil.which("ss") is None, reason="ss (iproute2) is not installed")
@pytest.mark.parametrize("backend", ["uring", "epoll"])
def test_listeners_and_relays_get_the_asked_buffers(ternd, own_backend, backend):
    server = ternd("--io", backend, "--user", f"{USER}:{PASSWORD}", "--udp-receive-buffer", str(RECEIVE),
                   "--udp-send-buffer", str(SEND))
    listener = socket_memory(server.addr[1])
    with StunClient(server.addr, "udp", USER, PASSWORD) as client:
        alloc = client.allocate()
        assert alloc.cls == SUCCESS, alloc
        relay = socket_memory(alloc.xor_address(XOR_RELAYED_ADDRESS)[1])
    # Tests run as root in CI, where SO_RCVBUFFORCE passes the sysctl limits; otherwise the kernel caps
    # the size and ternd says so.
    if listener[0] < 2 * RECEIVE:
        assert "udp-receive-buffer capped by the kernel" in server.log_text()
        pytest.skip("not allowed past net.core.rmem_max here")
    assert listener == (2 * RECEIVE, 2 * SEND)
    assert relay == (2 * RECEIVE, 2 * SEND)


def test_default_buffers_are_the_systems(ternd, own_backend):
    server = ternd("--user", f"{USER}:{PASSWORD}")
    with open("/proc/sys/net/core/rmem_default") as f:
        default = int(f.read())
    assert socket_memory(server.addr[1])[0] == default
    assert "capped" not in server.log_text()
