"""The C++ TURN client library end to end: tern-relay-chat runs two clients (tern::client::TurnClient)
that allocate on a real ternd, permit each other's relayed address, bind channels (or use Send/Data
indications) and exchange messages relay to relay, over UDP and TCP, with static and TURN REST
credentials; then both delete their allocations with Refresh LIFETIME 0.

Needs build/bin/tern-relay-chat next to ternd (TERN_BIN_DIR).
"""

import re
import subprocess

import pytest

from harness import BIN_DIR, LOOPBACK, wait_until

CHAT = BIN_DIR / "tern-relay-chat"
USER, PASSWORD = "alice", "wonderland"
SECRET = "relay-chat-secret"
MESSAGES = 5
CHAT_TIMEOUT = 15  # seconds, inside tern-relay-chat; the process gets a little more


def run_chat(server, *args):
    if not CHAT.exists():
        pytest.fail(f"{CHAT} not found: build tern-relay-chat or set TERN_BIN_DIR")
    argv = [str(CHAT), "--server", f"{LOOPBACK}:{server.port}", "--timeout", str(CHAT_TIMEOUT), *args]
    return subprocess.run(argv, capture_output=True, text=True, timeout=CHAT_TIMEOUT + 10,
                          stdin=subprocess.DEVNULL)


def relayed_addresses(stdout):
    """{name: 'ip:port'} from the 'allocated relay' lines."""
    return dict(re.findall(r"^(alice|bob): allocated relay (\S+) ", stdout, re.MULTILINE))


def assert_exchanged(stdout, via):
    relays = relayed_addresses(stdout)
    assert set(relays) == {"alice", "bob"}, stdout
    for ip_port in relays.values():
        assert ip_port.startswith(f"{LOOPBACK}:"), stdout
    assert relays["alice"] != relays["bob"]
    for n in range(MESSAGES):
        # Each side hears the other from the other's relayed address: relay to relay.
        assert f"bob: received from {relays['alice']}: alice #{n} says hello" in stdout, stdout
        assert f"alice: received from {relays['bob']}: bob #{n} says hello" in stdout, stdout
    assert f"alice: sending {MESSAGES} messages via {via}" in stdout, stdout
    assert f"bob: sending {MESSAGES} messages via {via}" in stdout, stdout
    assert "done: all messages arrived" in stdout, stdout


def wait_deleted(server, count):
    """Waits until `count` allocations were deleted by Refresh with LIFETIME 0."""
    pattern = r'allocation deleted client=\S+ user=\S+ reason="refreshed with lifetime 0"'
    server.wait_log(pattern)

    def all_deleted():
        return len(re.findall(pattern, server.log_text())) >= count

    wait_until(all_deleted, 10, what=f"{count} allocations deleted")


@pytest.mark.parametrize("transport", ["udp", "tcp"])
@pytest.mark.parametrize("path", ["channel", "indication"])
def test_relay_chat_exchanges_messages(ternd, transport, path):
    server = ternd("--user", f"{USER}:{PASSWORD}")
    args = ["--user", f"{USER}:{PASSWORD}", "--transport", transport, "--messages", str(MESSAGES)]
    if path == "indication":
        args.append("--no-channel")
    result = run_chat(server, *args)
    assert result.returncode == 0, result.stdout + result.stderr
    assert_exchanged(result.stdout, "ChannelData" if path == "channel" else "Send indications")
    if path == "channel":
        assert re.search(r"^alice: channel 0x4000 bound to ", result.stdout, re.MULTILINE), result.stdout
    wait_deleted(server, 2)


@pytest.mark.parametrize("transport", ["udp", "tcp"])
def test_relay_chat_with_shared_secret(ternd, transport):
    server = ternd("--auth-secret", SECRET)
    result = run_chat(server, "--secret", SECRET, "--transport", transport, "--messages", str(MESSAGES))
    assert result.returncode == 0, result.stdout + result.stderr
    assert_exchanged(result.stdout, "ChannelData")
    # TURN REST usernames: "<expiry>:<id>", one per side.
    server.wait_log(r"user=\d+:alice")
    server.wait_log(r"user=\d+:bob")
    wait_deleted(server, 2)


def test_relay_chat_with_a_wrong_password_fails(ternd):
    server = ternd("--user", f"{USER}:{PASSWORD}")
    result = run_chat(server, "--user", f"{USER}:not-{PASSWORD}")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "authentication failed 401" in result.stdout, result.stdout


def test_relay_chat_usage_errors():
    if not CHAT.exists():
        pytest.fail(f"{CHAT} not found: build tern-relay-chat or set TERN_BIN_DIR")
    for argv in ([], ["--server", "127.0.0.1:3478"], ["--server", "nowhere", "--user", "a:b"],
                 ["--server", "127.0.0.1:3478", "--user", "a:b", "--secret", "s"],
                 ["--server", "127.0.0.1:3478", "--user", "a:b", "--transport", "sctp"]):
        result = subprocess.run([str(CHAT), *argv], capture_output=True, text=True, timeout=10,
                                stdin=subprocess.DEVNULL)
        assert result.returncode == 2, (argv, result.stdout, result.stderr)
        assert "usage" in result.stderr or "tern-relay-chat:" in result.stderr
